// Media errors. Messages name a reason or tag categories only: never values, file names or content.
// Refused and failed-verification errors are unrecoverable (a retry cannot fix the bytes); the pipeline
// wraps them in BullMQ's UnrecoverableError. TransientMediaError is worth retrying with backoff.
import { KuaError } from '../../runtime/errors.js';

/** Closed set of reasons a file is refused; shown to the witness as the file's status. */
export const REFUSAL_REASONS = [
  'unsupported-type',
  'undecodable',
  'truncated',
  'polyglot',
  'too-large',
  'timeout',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const REASON_TEXT: Record<RefusalReason, string> = {
  'unsupported-type': 'the file is not a supported photo or video type',
  undecodable: 'the file could not be decoded as the media type it claims to be',
  truncated: 'the file is truncated or structurally incomplete',
  polyglot: 'the file carries a second format or unexpected data beside the media',
  'too-large': 'the file exceeds the size, pixel or memory limits',
  timeout: 'processing the file exceeded its time limit',
};

export class RefusedMediaError extends KuaError {
  readonly unrecoverable = true as const;
  readonly reason: RefusalReason;
  constructor(reason: RefusalReason, options?: { cause?: unknown }) {
    super('MEDIA_REFUSED', `Media refused (${reason}): ${REASON_TEXT[reason]}`, options);
    this.reason = reason;
  }
}

export class VerificationFailedError extends KuaError {
  readonly unrecoverable = true as const;
  /** Tag groups/categories that were not on the allowlist (e.g. 'XMP-dc', 'stream:data'); never values. */
  readonly groups: readonly string[];
  constructor(groups: readonly string[], options?: { cause?: unknown }) {
    const shown = [...new Set(groups)].sort().slice(0, 20);
    super('MEDIA_VERIFICATION_FAILED', `Sanitised output failed verification: ${shown.join(', ')}`, options);
    this.groups = shown;
  }
}

/** A failure unrelated to the file's bytes (e.g. EAGAIN when spawning): retry with backoff. */
export class TransientMediaError extends KuaError {
  readonly unrecoverable = false as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('MEDIA_TRANSIENT', message, options);
  }
}

export function isUnrecoverableMediaError(
  error: unknown,
): error is RefusedMediaError | VerificationFailedError {
  return error instanceof RefusedMediaError || error instanceof VerificationFailedError;
}
