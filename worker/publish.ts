// Phase 2, once every file has passed: store each sealed envelope, then its signed record (blob first,
// record last: a crash between leaves a blob the rerun overwrites, never a record without its blob),
// then the submission summary, and only then delete the intake input and the submission record.
import { createReadStream } from 'node:fs';
import { fromUtf8, utf8 } from '../core/bytes.js';
import {
  type FileOutcome,
  type ProvenanceRecord,
  parseSignedRecord,
  resultKey,
  type SubmissionSummary,
  serializeSignedRecord,
  signRecord,
  summaryKey,
} from '../core/contracts/record.js';
import type { Sodium } from '../core/sodium.js';
import type { BlobStore } from '../runtime/blob-store/types.js';
import type { PendingFile } from './process-file.js';

export interface PublishDeps {
  sodium: Sodium;
  store: BlobStore;
  log: { publicKey: Uint8Array; secretKey: Uint8Array };
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of source) {
    parts.push(part);
    length += part.length;
    if (length > 16 * 1024 * 1024) throw new Error('stored record too large');
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export function outcomeOf(
  record: Pick<ProvenanceRecord, 'index' | 'status' | 'kind' | 'reason'>,
): FileOutcome {
  if (record.status === 'sealed') {
    const kind =
      record.kind === 'image' || record.kind === 'video' || record.kind === 'note' ? record.kind : 'image';
    return { index: record.index, status: 'sealed', kind };
  }
  if (record.status === 'refused')
    return { index: record.index, status: 'refused', reason: record.reason ?? 'refused' };
  return { index: record.index, status: 'control' };
}

/** The stored record of file `index`, if it has one (the file was fully published before). */
export async function readStoredRecord(store: BlobStore, submissionId: string, index: number) {
  if ((await store.stat(resultKey(submissionId, index, 'record'))) === undefined) return undefined;
  const bytes = await readAll(await store.get(resultKey(submissionId, index, 'record')));
  return parseSignedRecord(fromUtf8(bytes)).record;
}

export async function publishFile(
  deps: PublishDeps,
  pending: PendingFile,
  times: { receivedAt: string; processedAt: string },
): Promise<ProvenanceRecord> {
  for (const blob of pending.blobs) {
    const source = createReadStream(blob.path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>;
    await deps.store.put(blob.key, source, { exactBytes: blob.bytes });
  }
  const record: ProvenanceRecord = { ...pending.record, ...times };
  const signed = signRecord(deps.sodium, record, deps.log);
  await deps.store.put(
    resultKey(record.submission, record.index, 'record'),
    once(serializeSignedRecord(signed)),
  );
  return record;
}

export function summarise(submissionId: string, outcomes: FileOutcome[]): SubmissionSummary {
  const files = [...outcomes].sort((a, b) => a.index - b.index);
  return {
    v: 1,
    submission: submissionId,
    sealed: files.filter((f) => f.status === 'sealed').length,
    refused: files.filter((f) => f.status === 'refused').length,
    files,
  };
}

export async function writeSummary(store: BlobStore, summary: SubmissionSummary): Promise<void> {
  await store.put(summaryKey(summary.submission), once(utf8(`${JSON.stringify(summary)}\n`)));
}

export async function readSummary(
  store: BlobStore,
  submissionId: string,
): Promise<SubmissionSummary | undefined> {
  if ((await store.stat(summaryKey(submissionId))) === undefined) return undefined;
  const bytes = await readAll(await store.get(summaryKey(submissionId)));
  return JSON.parse(fromUtf8(bytes)) as SubmissionSummary;
}
