// Small whole-blob helpers for the log's tiny blobs.
import { BlobNotFoundError, type BlobStore, type PutOptions } from '../blob-store/types.js';

const MAX_LOG_BLOB_BYTES = 1024 * 1024;

export class LogBlobTooLargeError extends Error {
  readonly code = 'LOG_BLOB_TOO_LARGE';
  constructor() {
    super('a provenance log blob is larger than any the log writes');
    this.name = 'LogBlobTooLargeError';
  }
}

/** The blob's bytes, or undefined if it does not exist. */
export async function readBlobBytes(store: BlobStore, key: string): Promise<Uint8Array | undefined> {
  let source: AsyncIterable<Uint8Array>;
  try {
    source = await store.get(key);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return undefined;
    throw error;
  }
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of source) {
    length += part.length;
    if (length > MAX_LOG_BLOB_BYTES) throw new LogBlobTooLargeError();
    parts.push(part);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export async function readBlobText(store: BlobStore, key: string): Promise<string | undefined> {
  const bytes = await readBlobBytes(store, key);
  return bytes === undefined ? undefined : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export async function writeBlob(
  store: BlobStore,
  key: string,
  bytes: Uint8Array | string,
  options?: PutOptions,
): Promise<boolean> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const result = await store.put(
    key,
    (async function* () {
      if (data.length > 0) yield data;
    })(),
    options,
  );
  return result.created;
}
