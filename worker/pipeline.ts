// One submission, as a story:
//   roster → for each file: decrypt → (note | sniff/sanitise/verify) → hash → seal   [scratch only]
//   → store sealed results → signed records → provenance log entries (and the roster, if new) → summary
//   → delete intake → mark the submission record done
//   (per-file outcome codes, kept for the status retention period so the witness can check the code).
// Fail closed: a verification failure, an unreadable envelope or an unusable roster throws before
// anything is stored, so nothing of the submission reaches reviewers and the intake input stays for an
// operator. A refused file is recorded as refused and the others proceed. Re-running is safe: files
// whose record exists are not processed again, and a finished submission only repeats its cleanup.

import { logEntriesForRecord } from '../core/contracts/log-entry.js';
import type { FileOutcome, SubmissionSummary } from '../core/contracts/record.js';
import type { ChunkCipherFactory, Identity } from '../core/envelope/index.js';
import type { Sodium } from '../core/sodium.js';
import type { BlobStore } from '../runtime/blob-store/types.js';
import type { Logger } from '../runtime/logger.js';
import { readManifest } from './decrypt.js';
import { SubmissionNotFoundError } from './errors.js';
import { type PageFileKind, pageFileKind } from './page-files.js';
import {
  decryptFile,
  type FileContext,
  type PendingFile,
  processChoices,
  processMedia,
  processNote,
  type Sanitizer,
} from './process-file.js';
import type { LogAppender } from './provenance.js';
import { outcomeOf, publishFile, readStoredRecord, readSummary, summarise, writeSummary } from './publish.js';
import type { SealingRoster } from './roster.js';
import { createScratch } from './scratch.js';

export interface SubmissionInfo {
  fileCount: number;
  /** When the submission was received (ms since the epoch). */
  receivedAt: number;
}

export interface PipelineDeps {
  sodium: Sodium;
  cipherFactory?: ChunkCipherFactory;
  store: BlobStore;
  intakeIdentity: Identity;
  log: { publicKey: Uint8Array; secretKey: Uint8Array };
  loadRoster: () => Promise<SealingRoster>;
  /** The finalized submission's record, or undefined if there is none. */
  getSubmission: (id: string) => Promise<SubmissionInfo | undefined>;
  /** Records each file's outcome (codes only) on the submission record and starts its retention. */
  markDone: (summary: SubmissionSummary) => Promise<void>;
  openIntake: (id: string, index: number) => AsyncIterable<Uint8Array>;
  deleteIntake: (id: string) => Promise<unknown>;
  sanitize: Sanitizer;
  sniffType: (path: string) => Promise<string | undefined>;
  scratchRoot: string;
  /** The provenance log (docs/LOG.md); omitted only by tests that do not look at it. */
  provenanceLog?: LogAppender;
  now: () => Date;
  logger: Logger;
}

/** Deletes the finished submission's ciphertext input, then marks its record done (outcome codes). */
async function cleanUp(deps: PipelineDeps, summary: SubmissionSummary): Promise<void> {
  await deps.deleteIntake(summary.submission);
  await deps.markDone(summary);
}

export async function processSubmission(
  deps: PipelineDeps,
  submissionId: string,
  jobId: string,
): Promise<SubmissionSummary> {
  const finished = await readSummary(deps.store, submissionId);
  if (finished !== undefined) {
    await cleanUp(deps, finished);
    deps.logger.info('submission_already_processed', { count: finished.files.length });
    return finished;
  }
  const submission = await deps.getSubmission(submissionId);
  if (submission === undefined) throw new SubmissionNotFoundError();
  // Before any plaintext exists: refuse to go on without a roster we may seal to.
  const roster = await deps.loadRoster();
  const scratch = await createScratch(deps.scratchRoot, jobId);
  try {
    const ctx: FileContext = {
      crypto: {
        sodium: deps.sodium,
        identity: deps.intakeIdentity,
        ...(deps.cipherFactory ? { cipherFactory: deps.cipherFactory } : {}),
      },
      sanitize: deps.sanitize,
      sniffType: deps.sniffType,
      roster,
      scratch,
      submissionId,
    };
    const indexes = Array.from({ length: submission.fileCount }, (_, i) => i);
    const outcomes: FileOutcome[] = [];
    const todo: number[] = [];
    for (const index of indexes) {
      const existing = await readStoredRecord(deps.store, submissionId, index);
      if (existing !== undefined) outcomes.push(outcomeOf(existing));
      else todo.push(index);
    }

    // Which envelope is what (manifests only), and the witness's choices first.
    const kinds = new Map<number, PageFileKind>();
    for (const index of indexes) {
      kinds.set(index, pageFileKind(await readManifest(ctx.crypto, deps.openIntake(submissionId, index))));
    }
    const pending: PendingFile[] = [];
    let keep = new Set<number>();
    for (const [n, index] of indexes.filter((i) => kinds.get(i) === 'choices').entries()) {
      const file = await decryptFile(ctx, index, deps.openIntake(submissionId, index));
      // Only the first choices file counts, and it may only name media files.
      const choices = await processChoices(ctx, index, file, kinds, n === 0);
      if (choices.keep !== undefined) keep = choices.keep;
      if (todo.includes(index)) pending.push(choices.pending);
    }

    for (const index of todo.filter((i) => kinds.get(i) !== 'choices')) {
      const file = await decryptFile(ctx, index, deps.openIntake(submissionId, index));
      pending.push(
        kinds.get(index) === 'note'
          ? await processNote(ctx, index, file)
          : await processMedia(ctx, index, file, keep.has(index)),
      );
    }

    // Every file has passed: release.
    const times = {
      receivedAt: new Date(submission.receivedAt).toISOString(),
      processedAt: deps.now().toISOString(),
    };
    for (const file of pending.sort((a, b) => a.index - b.index)) {
      outcomes.push(outcomeOf(await publishFile(deps, file, times)));
    }
    // Every record is stored: log them (idempotent by entry id, so a rerun appends nothing twice).
    if (deps.provenanceLog !== undefined) {
      const entries = [];
      for (const index of indexes) {
        const record = await readStoredRecord(deps.store, submissionId, index);
        if (record !== undefined) entries.push(...logEntriesForRecord(record));
      }
      await deps.provenanceLog.append(entries, {
        roster: { version: roster.version, reviewers: roster.fingerprints },
      });
    }
    const summary = summarise(submissionId, outcomes);
    await writeSummary(deps.store, summary);
    await cleanUp(deps, summary);
    deps.logger.info('submission_processed', { count: summary.files.length });
    return summary;
  } finally {
    await scratch.wipe();
  }
}
