// What a reviewer may see of the worker's results (docs/RECORDS.md): submissions with a summary in
// which at least one record lists the reviewer's X25519 fingerprint among roster.recipients. Within
// such a submission, a file is visible if its record lists the reviewer, or if it was refused before
// anything was sealed (no roster in its record). Control files never are. Records are parsed, not
// verified: authenticity is the reviewer's CLI's job (it checks the log signature and every hash), and
// the server passes a tampered record on so that the CLI can detect it.
import { createHash } from 'node:crypto';
import {
  type ProvenanceRecord,
  parseSignedRecord,
  RESULTS_PREFIX,
  resultKey,
  summaryKey,
} from '../../core/contracts/record.js';
import type { BlobDigest, ReviewerBlob } from '../../core/contracts/reviewer.js';
import { BlobNotFoundError, type BlobStore } from '../../runtime/blob-store/types.js';

const ID = /^[0-9a-f]{32}$/;
const MAX_JSON_BYTES = 1024 * 1024;

export interface VisibleFile {
  index: number;
  record: ProvenanceRecord;
  /** Digest of the stored record blob itself. */
  recordDigest: BlobDigest;
}

export interface VisibleSubmission {
  id: string;
  processedAt: string;
  files: VisibleFile[];
}

async function readSmall(store: BlobStore, key: string): Promise<Uint8Array | undefined> {
  const info = await store.stat(key);
  if (info === undefined || info.size > MAX_JSON_BYTES) return undefined;
  const parts: Uint8Array[] = [];
  try {
    for await (const part of await store.get(key)) parts.push(part);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return undefined;
    throw error;
  }
  return Buffer.concat(parts);
}

function summaryIndexes(bytes: Uint8Array, id: string): number[] {
  try {
    const summary = JSON.parse(Buffer.from(bytes).toString('utf8')) as {
      submission?: unknown;
      files?: { index?: unknown; status?: unknown }[];
    };
    if (summary.submission !== id || !Array.isArray(summary.files)) return [];
    return summary.files
      .filter((f) => f.status !== 'control' && Number.isSafeInteger(f.index) && (f.index as number) >= 0)
      .map((f) => f.index as number);
  } catch {
    return [];
  }
}

async function readRecord(store: BlobStore, id: string, index: number): Promise<VisibleFile | undefined> {
  const bytes = await readSmall(store, resultKey(id, index, 'record'));
  if (bytes === undefined) return undefined;
  let record: ProvenanceRecord;
  try {
    record = parseSignedRecord(Buffer.from(bytes).toString('utf8')).record;
  } catch {
    return undefined;
  }
  if (record.submission !== id || record.index !== index) return undefined;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { index, record, recordDigest: { sha256, bytes: bytes.length } };
}

/** The submission as this reviewer may see it, or undefined if nothing in it was sealed to them. */
export async function visibleSubmission(
  store: BlobStore,
  id: string,
  sealingFingerprint: string,
): Promise<VisibleSubmission | undefined> {
  if (!ID.test(id)) return undefined;
  const summary = await readSmall(store, summaryKey(id));
  if (summary === undefined) return undefined;
  const files: VisibleFile[] = [];
  for (const index of summaryIndexes(summary, id)) {
    const file = await readRecord(store, id, index);
    if (file !== undefined && file.record.status !== 'control') files.push(file);
  }
  const sealedToMe = files.filter((f) => f.record.roster?.recipients.includes(sealingFingerprint) === true);
  if (sealedToMe.length === 0) return undefined;
  const visible = files.filter(
    (f) =>
      f.record.roster?.recipients.includes(sealingFingerprint) === true ||
      (f.record.roster === undefined && f.record.status === 'refused'),
  );
  // ISO timestamps of one format sort as text: the last is the latest.
  const processedAt = visible
    .map((f) => f.record.processedAt)
    .sort()
    .at(-1) as string;
  return { id, processedAt, files: visible };
}

/** Every submission visible to this reviewer, oldest processed first. */
export async function visibleSubmissions(
  store: BlobStore,
  sealingFingerprint: string,
): Promise<VisibleSubmission[]> {
  const ids = (await store.children(RESULTS_PREFIX)).filter((id) => ID.test(id));
  const out: VisibleSubmission[] = [];
  for (const id of ids) {
    const submission = await visibleSubmission(store, id, sealingFingerprint);
    if (submission !== undefined) out.push(submission);
  }
  return out.sort((a, b) => (a.processedAt < b.processedAt ? -1 : a.processedAt > b.processedAt ? 1 : 0));
}

/** The digest the record claims for a downloadable blob of a visible file, if that blob exists. */
export function blobDigest(file: VisibleFile, blob: ReviewerBlob): BlobDigest | undefined {
  const r = file.record;
  const pick = (d: { sha256: string; bytes: number } | undefined) =>
    d === undefined ? undefined : { sha256: d.sha256, bytes: d.bytes };
  if (blob === 'record') return file.recordDigest;
  if (blob === 'sanitised') return pick(r.sealed);
  if (blob === 'original') return pick(r.sealedOriginal);
  return pick(r.receipt);
}
