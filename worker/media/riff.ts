// WebP (RIFF) structure: chunk walk over the whole file.
import { RefusedMediaError } from './errors.js';

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function u32le(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) |
      ((bytes[at + 1] ?? 0) << 8) |
      ((bytes[at + 2] ?? 0) << 16) |
      ((bytes[at + 3] ?? 0) << 24)) >>>
    0
  );
}

/** Chunk ids of a WebP file; throws truncated/polyglot if the RIFF sizes do not add up to the file. */
export function webpChunks(bytes: Uint8Array): string[] {
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF' || fourcc(bytes, 8) !== 'WEBP') {
    throw new RefusedMediaError('undecodable');
  }
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length) throw new RefusedMediaError('truncated');
  if (riffEnd + 1 < bytes.length || (riffEnd < bytes.length && bytes[riffEnd] !== 0)) {
    throw new RefusedMediaError('polyglot');
  }
  const chunks: string[] = [];
  let at = 12;
  while (at < riffEnd) {
    if (at + 8 > riffEnd) throw new RefusedMediaError('truncated');
    const id = fourcc(bytes, at);
    const size = u32le(bytes, at + 4);
    const next = at + 8 + size + (size % 2);
    if (at + 8 + size > riffEnd) throw new RefusedMediaError('truncated');
    chunks.push(id);
    at = next;
  }
  return chunks;
}

export function webpIsLossless(bytes: Uint8Array): boolean {
  const chunks = webpChunks(bytes);
  return chunks.includes('VP8L') && !chunks.includes('VP8 ');
}
