// The `log-received` job: right after finalize, log a `received` entry (the SHA-256 of the intake
// envelope as stored) for every file of the submission, so the witness can get a receipt before the
// slower processing ends. The entries are exactly those the pipeline appends later for the same files
// (same ids, same intake digest, same receivedAt = the submission record's creation time), and the
// log keeps the first index of an id, so each `received` id appears once whichever job runs first.
// If processing already finished (intake deleted), its entries are already logged: nothing to do.
import { createHash } from 'node:crypto';
import type { LogEntry, ReceivedEntry } from '../core/contracts/log-entry.js';
import { logEntryId } from '../core/contracts/log-entry.js';
import { createLogReader, type LogReader } from '../runtime/provenance-log/reader.js';
import { SubmissionNotFoundError } from './errors.js';
import type { PipelineDeps } from './pipeline.js';
import type { LogAppender } from './provenance.js';

export interface LogReceivedDeps {
  getSubmission: PipelineDeps['getSubmission'];
  openIntake: PipelineDeps['openIntake'];
  provenanceLog: LogAppender & Pick<LogReader, 'lookupId'>;
}

export interface LogReceivedResult {
  /** Log indexes of the submission's received entries, by file index. */
  indexes: number[];
}

/** From the pipeline's production wiring (worker/deps.ts): same log, same intake, same records. */
export function createLogReceivedDeps(deps: PipelineDeps): LogReceivedDeps {
  const appender = deps.provenanceLog;
  if (appender === undefined) throw new Error('the worker has no provenance log');
  const reader = createLogReader(deps.store);
  return {
    getSubmission: deps.getSubmission,
    openIntake: deps.openIntake,
    provenanceLog: {
      append: (entries, options) => appender.append(entries, options),
      lookupId: reader.lookupId,
    },
  };
}

async function intakeDigest(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** The received entry the pipeline's record of this file yields (core/contracts/log-entry.ts). */
export function receivedEntry(
  submission: string,
  index: number,
  intakeSha256: string,
  receivedAtMs: number,
): ReceivedEntry {
  return {
    v: 1,
    kind: 'received',
    submission,
    index,
    intake: { sha256: intakeSha256 },
    receivedAt: new Date(receivedAtMs).toISOString(),
  };
}

async function loggedIndexes(deps: LogReceivedDeps, submission: string, count: number) {
  const indexes: number[] = [];
  for (let index = 0; index < count; index++) {
    const id = logEntryId(receivedEntry(submission, index, '0'.repeat(64), 0));
    const at = await deps.provenanceLog.lookupId(id);
    if (at === undefined) return undefined;
    indexes.push(at);
  }
  return indexes;
}

export async function logReceived(deps: LogReceivedDeps, submissionId: string): Promise<LogReceivedResult> {
  const submission = await deps.getSubmission(submissionId);
  if (submission === undefined) {
    // The record may be gone after processing; nothing left to log from.
    throw new SubmissionNotFoundError();
  }
  const already = await loggedIndexes(deps, submissionId, submission.fileCount);
  if (already !== undefined) return { indexes: already };
  const entries: LogEntry[] = [];
  try {
    for (let index = 0; index < submission.fileCount; index++) {
      const sha = await intakeDigest(deps.openIntake(submissionId, index));
      entries.push(receivedEntry(submissionId, index, sha, submission.receivedAt));
    }
  } catch (error) {
    // Processing may have finished (and deleted the intake) meanwhile: then its entries are logged.
    const logged = await loggedIndexes(deps, submissionId, submission.fileCount);
    if (logged !== undefined) return { indexes: logged };
    throw error;
  }
  const result = await deps.provenanceLog.append(entries);
  return { indexes: result.indexes };
}
