// Maps how an isolated decoder/encoder ended to a refusal reason. Pure, unit-tested.
import type { RefusalReason } from './errors.js';
import type { RunOutcome } from './isolated.js';

export function refusalFor(
  outcome: Pick<RunOutcome, 'code' | 'signal' | 'timedOut' | 'stderr' | 'stdoutOverflow'>,
): RefusalReason {
  if (outcome.timedOut) return 'timeout';
  if (outcome.signal === 'SIGXCPU') return 'timeout';
  if (outcome.signal === 'SIGXFSZ' || outcome.stdoutOverflow) return 'too-large';
  if (
    /Cannot allocate memory|out of memory|ENOMEM|bad_alloc|heap out of memory|Allocation failed|File too large/i.test(
      outcome.stderr,
    )
  ) {
    return 'too-large';
  }
  if (/partial file|End of file|ended prematurely|truncat|premature/i.test(outcome.stderr))
    return 'truncated';
  // Killed by a signal we did not send (SIGSEGV, SIGABRT, SIGKILL from the kernel): the decoder could not
  // cope with this input.
  return 'undecodable';
}
