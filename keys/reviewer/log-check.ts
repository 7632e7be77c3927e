// Checking the portal's provenance log (docs/LOG.md, "How a verifier uses this"), shared by `kua pull`
// and `kua verify --server`: a checkpoint signed by the pinned log key is the only tree head trusted
// (size and root from the same note); every entry is checked by its inclusion proof against it; a
// checkpoint seen before must be a prefix of the new one (consistency proof), else the log was rewritten.
import { readFile } from 'node:fs/promises';
import {
  encodeLogEntry,
  type IndexedLogEntry,
  logEntriesForRecord,
  serializeLogEntry,
} from '../../core/contracts/log-entry.js';
import type { ProvenanceRecord } from '../../core/contracts/record.js';
import {
  type Checkpoint,
  CheckpointError,
  leafHash,
  NoteError,
  ProofError,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../../core/merkle/index.js';
import type { Sodium } from '../../core/sodium.js';
import { replaceFile } from '../secure-fs.js';
import { VerificationError } from './errors.js';
import type { LogClient } from './log-client.js';

/** What a verifier trusts: the pinned log key and, once known, the log's origin line. */
export interface LogTrust {
  publicKey: Uint8Array;
  /** kua/v1/<org fingerprint>; when unknown, the origin the pinned key signed is taken. */
  origin?: string | undefined;
}

export interface VerifiedCheckpoint extends Checkpoint {
  note: string;
}

export class LogCheckError extends VerificationError {}

/** The checkpoint is not signed by the pinned log key, or is not a checkpoint of this log. */
export class CheckpointInvalidError extends LogCheckError {
  constructor(what: string, detail: string) {
    super('LOG_CHECKPOINT_INVALID', `${what} is not valid: ${detail}`);
  }
}

/** The new checkpoint does not extend the one seen before: history was rewritten or the log forked. */
export class LogInconsistentError extends LogCheckError {
  constructor(from: number, to: number) {
    super(
      'LOG_INCONSISTENT',
      `the portal's log is not consistent with the one you saw before (tree size ${from} then ${to}): ` +
        'its history was rewritten or it shows you a different log; refusing it',
    );
  }
}

export class LogEntryMissingError extends LogCheckError {
  constructor(where: string, kind: string) {
    super('LOG_ENTRY_MISSING', `${where}: its ${kind} entry is not (yet) in the portal's log`);
  }
}

export class LogEntryMismatchError extends LogCheckError {
  constructor(where: string, kind: string) {
    super(
      'LOG_ENTRY_MISMATCH',
      `${where}: its ${kind} entry in the portal's log differs from the signed record`,
    );
  }
}

export class NotIncludedError extends LogCheckError {
  constructor(where: string) {
    super(
      'LOG_NOT_INCLUDED',
      `${where}: the portal's inclusion proof does not verify against its signed checkpoint (the entry was altered)`,
    );
  }
}

function originOf(note: string): string {
  const end = note.indexOf('\n');
  return end < 0 ? '' : note.slice(0, end);
}

/** Verifies a checkpoint note with the trusted key (and origin, if pinned); throws CheckpointInvalidError. */
export function verifyLogCheckpoint(
  sodium: Sodium,
  note: string,
  trust: LogTrust,
  what = "the portal's log checkpoint",
): VerifiedCheckpoint {
  const origin = trust.origin ?? originOf(note);
  try {
    const checkpoint = verifyCheckpoint(sodium, note, { origin, name: origin, publicKey: trust.publicKey });
    return { ...checkpoint, note };
  } catch (error) {
    if (error instanceof NoteError || error instanceof CheckpointError) {
      const detail =
        error.code === 'CHECKPOINT_WRONG_ORIGIN'
          ? 'it is for another log'
          : error.code === 'NOTE_MALFORMED' || error.code === 'CHECKPOINT_MALFORMED'
            ? 'it is not a signed checkpoint'
            : 'it is not signed by the pinned log key';
      throw new CheckpointInvalidError(what, detail);
    }
    throw error;
  }
}

/** Requires `next` to extend `previous` (a consistency proof from the portal); throws LogInconsistentError. */
export async function checkConsistent(
  client: LogClient,
  previous: Checkpoint,
  next: Checkpoint,
): Promise<void> {
  if (previous.size > next.size) throw new LogInconsistentError(previous.size, next.size);
  const proof = previous.size === next.size ? [] : await client.consistencyProof(previous.size, next.size);
  try {
    verifyConsistency(previous.size, next.size, proof, previous.rootHash, next.rootHash);
  } catch (error) {
    if (error instanceof ProofError) throw new LogInconsistentError(previous.size, next.size);
    throw error;
  }
}

/** Requires `found` to be in the tree of `checkpoint` (size and root from that verified note). */
export async function checkIncluded(
  client: LogClient,
  checkpoint: Checkpoint,
  found: IndexedLogEntry,
  where: string,
): Promise<void> {
  if (found.index >= checkpoint.size) throw new NotIncludedError(where);
  const proof = await client.inclusionProof(found.index, checkpoint.size);
  try {
    verifyInclusion(
      leafHash(encodeLogEntry(found.entry)),
      found.index,
      checkpoint.size,
      proof,
      checkpoint.rootHash,
    );
  } catch (error) {
    if (error instanceof ProofError) throw new NotIncludedError(where);
    throw error;
  }
}

/** Finds the log entries of a signed record, requires them to say what it says, and checks inclusion. */
export async function checkRecordInLog(
  client: LogClient,
  checkpoint: Checkpoint,
  record: ProvenanceRecord,
  where: string,
): Promise<void> {
  for (const expected of logEntriesForRecord(record)) {
    let found: IndexedLogEntry | undefined;
    if (expected.kind === 'sanitised') {
      found = (await client.lookup('sanitised', expected.sanitised.sha256)).find(
        (e) =>
          e.entry.kind === 'sanitised' &&
          e.entry.submission === expected.submission &&
          e.entry.index === expected.index,
      );
    } else if (expected.kind === 'received') {
      found = await client.byId(`received:${expected.submission}:${expected.index}`);
    }
    if (found === undefined || found.index >= checkpoint.size)
      throw new LogEntryMissingError(where, expected.kind);
    if (serializeLogEntry(found.entry) !== serializeLogEntry(expected))
      throw new LogEntryMismatchError(where, expected.kind);
    await checkIncluded(client, checkpoint, found, where);
  }
}

/** A checkpoint note saved before (kua pull's DIR/.kua/checkpoint, or --checkpoint), or undefined. */
export async function readSavedCheckpoint(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function saveCheckpoint(file: string, note: string): Promise<void> {
  await replaceFile(file, note, 0o600);
}

/**
 * The latest checkpoint, signature-checked, and consistent with `saved` (a note seen before, checked
 * against the same key): throws CheckpointInvalidError or LogInconsistentError.
 */
export async function latestConsistentCheckpoint(
  sodium: Sodium,
  client: LogClient,
  trust: LogTrust,
  saved: string | undefined,
): Promise<{ latest: VerifiedCheckpoint; previous: VerifiedCheckpoint | undefined }> {
  const previous =
    saved === undefined
      ? undefined
      : verifyLogCheckpoint(sodium, saved, trust, 'the checkpoint saved before');
  const latest = verifyLogCheckpoint(sodium, await client.checkpoint(), {
    publicKey: trust.publicKey,
    origin: trust.origin ?? previous?.origin,
  });
  if (previous !== undefined) await checkConsistent(client, previous, latest);
  return { latest, previous };
}
