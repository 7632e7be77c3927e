// Reading and deleting a submission's parts. Used by the server (status, finalize, sweeper) and by the
// worker, which reads each file's envelope as the concatenation of its parts in order.
import type { BlobStore } from '../../runtime/blob-store/types.js';
import { KuaError } from '../../runtime/errors.js';
import { filePrefix, parsePartKey, partKey, submissionPrefix } from './blob-keys.js';

export class IntakeMissingPartError extends KuaError {
  constructor() {
    super('INTAKE_PART_MISSING', 'A part of the uploaded file is missing');
  }
}

/** Part indexes stored for each file of a submission (file index → sorted part indexes). */
export async function receivedParts(store: BlobStore, id: string): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (const blob of await store.list(submissionPrefix(id))) {
    const parsed = parsePartKey(blob.key);
    if (parsed === undefined || parsed.id !== id) continue;
    const parts = out.get(parsed.index) ?? [];
    parts.push(parsed.part);
    out.set(parsed.index, parts);
  }
  for (const parts of out.values()) parts.sort((a, b) => a - b);
  return out;
}

/**
 * The envelope of file `index` of submission `id`: its parts in order, streamed. Throws
 * IntakeMissingPartError if the parts are not 0..n-1 without a gap (the record says how many files
 * there are; finalize has checked the parts' count and lengths before queueing).
 */
export async function* openIntakeEnvelope(
  store: BlobStore,
  id: string,
  index: number,
): AsyncGenerator<Uint8Array> {
  const parts = (await store.list(filePrefix(id, index)))
    .map((blob) => parsePartKey(blob.key))
    .filter((p) => p !== undefined && p.id === id && p.index === index)
    .map((p) => (p as { part: number }).part)
    .sort((a, b) => a - b);
  if (parts.length === 0) throw new IntakeMissingPartError();
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== i) throw new IntakeMissingPartError();
    yield* await store.get(partKey(id, index, i));
  }
}

/** The first `length` bytes of file `index` (or fewer if the file is shorter). */
export async function readEnvelopePrefix(
  store: BlobStore,
  id: string,
  index: number,
  length: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  for await (const chunk of openIntakeEnvelope(store, id, index)) {
    const take = Math.min(chunk.length, length - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
    if (filled === length) break;
  }
  return out.subarray(0, filled);
}

/** Deletes every part of a submission; returns how many were deleted. */
export function deleteIntake(store: BlobStore, id: string): Promise<number> {
  return store.deletePrefix(submissionPrefix(id));
}
