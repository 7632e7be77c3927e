// Downloads one blob to a file, resuming a partial download: the bytes so far live in `<target>.part`;
// a rerun asks for the rest with `Range: bytes=<size>-` and `If-Range: "<sha256>"`, so a blob that
// changed on the server comes back whole (200) instead of being spliced. Nothing here trusts the
// server: the caller hashes the finished file against the signed record.
import { open, rename, rm, stat } from 'node:fs/promises';
import type { BlobName, ReviewerApi } from './api.js';
import { PortalError } from './errors.js';

export interface Expected {
  sha256: string;
  bytes: number;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Appends (or writes from the start) at most `limit` bytes; a longer answer is cut, and fails the hash. */
async function writeBody(
  file: string,
  body: AsyncIterable<Uint8Array>,
  append: boolean,
  limit: number,
): Promise<void> {
  const handle = await open(file, append ? 'a' : 'w', 0o600);
  let written = 0;
  try {
    for await (const piece of body) {
      const room = limit - written;
      if (room <= 0) break;
      const slice = piece.length > room ? piece.subarray(0, room) : piece;
      await handle.write(slice);
      written += slice.length;
    }
  } finally {
    await handle.close();
  }
}

export interface DownloadResult {
  /** Bytes taken from an earlier partial download. */
  resumedFrom: number;
}

/**
 * Fetches `blob` to `target` (via `<target>.part`). `expected` comes from the listing (to resume and to
 * cap the size); the caller still checks the result against the signed record.
 */
export async function downloadBlob(
  api: ReviewerApi,
  where: { id: string; index: number; blob: BlobName },
  target: string,
  expected: Expected,
): Promise<DownloadResult> {
  if ((await sizeOf(target)) !== undefined) return { resumedFrom: expected.bytes };
  const part = `${target}.part`;
  let have = (await sizeOf(part)) ?? 0;
  if (have > expected.bytes) {
    await rm(part, { force: true });
    have = 0;
  }
  let resumedFrom = 0;
  if (have < expected.bytes || expected.bytes === 0) {
    const etag = `"${expected.sha256}"`;
    let answer =
      have > 0
        ? await api.blob(where.id, where.index, where.blob, { from: have, etag })
        : await api.blob(where.id, where.index, where.blob);
    if (answer.status === 416 || answer.status === 304) {
      answer = await api.blob(where.id, where.index, where.blob);
      have = 0;
    }
    if (answer.status === 206 && answer.rangeStart === have && have > 0) {
      resumedFrom = have;
      await writeBody(part, answer.body!, true, expected.bytes - have + 1);
    } else if (answer.status === 206) {
      // A range we did not ask for: start again from the beginning.
      if (answer.body) await drain(answer.body);
      const whole = await api.blob(where.id, where.index, where.blob);
      if (whole.status !== 200)
        throw new PortalError('PORTAL_BAD_ANSWER', 'the portal sent an unexpected range');
      await writeBody(part, whole.body!, false, expected.bytes + 1);
    } else {
      await writeBody(part, answer.body!, false, expected.bytes + 1);
    }
  } else {
    resumedFrom = have;
  }
  await rename(part, target);
  return { resumedFrom };
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of body) break;
}
