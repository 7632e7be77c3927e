// The blob store: where ciphertext lives at rest. A tiny interface so the filesystem, in-memory and
// (later) S3 implementations are interchangeable; all of them pass tests/integration/blob-store/.
// Keys are `/`-separated segments of [A-Za-z0-9_-][A-Za-z0-9._-]* (no empty, dot-leading or `..` part).
import { KuaError } from '../errors.js';

export interface BlobInfo {
  key: string;
  size: number;
}

export interface PutOptions {
  /** Refuse (BlobTooLargeError) as soon as the source yields more than this many bytes. */
  maxBytes?: number;
  /** Refuse (BlobIncompleteError) if the source ends with a different number of bytes. */
  exactBytes?: number;
  /** Keep an existing blob instead of replacing it; `created` then says which happened. */
  ifAbsent?: boolean;
}

export interface PutResult {
  bytes: number;
  /** False when `ifAbsent` kept an existing blob (the new bytes were discarded). */
  created: boolean;
}

/** Byte range [start, end) of a blob; `end` defaults to the blob's size. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface BlobStore {
  /**
   * Stores the source's bytes under `key` atomically: readers see the old blob or the complete new
   * one, never a part. If the source throws or a limit is hit, nothing is kept and the error is rethrown.
   */
  put(key: string, source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<PutResult>;
  /** Streams a blob (or a range of it). Throws BlobNotFoundError before yielding if it does not exist. */
  get(key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Every blob whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<BlobInfo[]>;
  /** The distinct next key segments below `prefix` (which ends in `/` or is empty), sorted. */
  children(prefix: string): Promise<string[]>;
  /** Deletes one blob; false if it did not exist. */
  delete(key: string): Promise<boolean>;
  /** Deletes every blob whose key starts with `prefix` (which ends in `/`); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
}

export class BlobNotFoundError extends KuaError {
  constructor() {
    super('BLOB_NOT_FOUND', 'Blob not found');
  }
}

export class BlobTooLargeError extends KuaError {
  constructor() {
    super('BLOB_TOO_LARGE', 'Blob exceeds its maximum length');
  }
}

export class BlobIncompleteError extends KuaError {
  constructor() {
    super('BLOB_INCOMPLETE', 'Blob ended before its expected length');
  }
}

export class InvalidBlobKeyError extends KuaError {
  constructor() {
    super('BLOB_KEY_INVALID', 'Invalid blob key');
  }
}

export class InvalidRangeError extends KuaError {
  constructor() {
    super('BLOB_RANGE_INVALID', 'Invalid byte range');
  }
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

export function checkKey(key: string): string[] {
  const segments = key.split('/');
  if (key.length > 1024 || !segments.every((s) => SEGMENT.test(s))) throw new InvalidBlobKeyError();
  return segments;
}

/** A prefix is '' or a key-like string; if it ends in '/', everything before must be valid segments. */
export function checkPrefix(prefix: string, mustEndInSlash = false): void {
  if (prefix === '') return;
  if (mustEndInSlash && !prefix.endsWith('/')) throw new InvalidBlobKeyError();
  const segments = prefix.split('/');
  const last = segments.pop() as string;
  if (!segments.every((s) => SEGMENT.test(s))) throw new InvalidBlobKeyError();
  if (last !== '' && !/^[A-Za-z0-9._-]{1,200}$/.test(last)) throw new InvalidBlobKeyError();
}

export function checkRange(range: ByteRange | undefined, size: number): { start: number; end: number } {
  const start = range?.start ?? 0;
  const end = range?.end ?? size;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > size) {
    throw new InvalidRangeError();
  }
  return { start, end };
}

/** Counts bytes as they pass, enforcing PutOptions' limits at the first byte over. */
export async function* limited(
  source: AsyncIterable<Uint8Array>,
  options: PutOptions | undefined,
): AsyncGenerator<Uint8Array> {
  const max = options?.exactBytes ?? options?.maxBytes;
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (max !== undefined && total > max) throw new BlobTooLargeError();
    if (chunk.length > 0) yield chunk;
  }
  if (options?.exactBytes !== undefined && total !== options.exactBytes) throw new BlobIncompleteError();
}
