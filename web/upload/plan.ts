// Which bytes make up part p of an envelope, and which plaintext chunks produce them. Pure arithmetic
// over the envelope layout (docs/FORMAT.md §2): part p = envelope bytes [p·partBytes, min((p+1)·partBytes, length)).
import { CHUNK_CIPHERTEXT_SIZE, CHUNK_SIZE } from '../../core/envelope/constants.js';
import { chunkCount, chunkPlaintextRange } from '../../core/envelope/layout.js';

export interface EnvelopeLayout {
  /** Plaintext size (the manifest's `size`). */
  size: number;
  /** header.length + manifestSection.length: the bytes before chunk 0. */
  prefixLength: number;
  /** Total envelope length. */
  length: number;
}

/** A slice of the part: either from the prefix (header + manifest section) or from one encrypted chunk. */
export type Segment =
  | { kind: 'prefix'; start: number; end: number }
  | { kind: 'chunk'; index: number; start: number; end: number };

export interface PartPlan {
  part: number;
  /** Envelope byte range of the part. */
  start: number;
  end: number;
  segments: Segment[];
  /** Plaintext bytes to read for the chunks of this part (empty range if the part is all prefix). */
  plaintextStart: number;
  plaintextEnd: number;
}

export function partCount(length: number, partBytes: number): number {
  if (!Number.isSafeInteger(partBytes) || partBytes < 1) throw new RangeError('partBytes');
  return Math.max(1, Math.ceil(length / partBytes));
}

export function partLength(length: number, partBytes: number, part: number): number {
  return Math.min(length, (part + 1) * partBytes) - part * partBytes;
}

function chunkCipherLength(size: number, index: number): number {
  const { start, end } = chunkPlaintextRange(size, index);
  return end - start + (CHUNK_CIPHERTEXT_SIZE - CHUNK_SIZE); // plaintext + 16-byte tag
}

export function planPart(layout: EnvelopeLayout, partBytes: number, part: number): PartPlan {
  const parts = partCount(layout.length, partBytes);
  if (!Number.isSafeInteger(part) || part < 0 || part >= parts) throw new RangeError('part out of range');
  const start = part * partBytes;
  const end = Math.min(layout.length, start + partBytes);
  const segments: Segment[] = [];
  if (start < layout.prefixLength) {
    segments.push({ kind: 'prefix', start, end: Math.min(end, layout.prefixLength) });
  }
  let plaintextStart = 0;
  let plaintextEnd = 0;
  const a = Math.max(start, layout.prefixLength) - layout.prefixLength;
  const b = end - layout.prefixLength;
  if (b > a) {
    const first = Math.floor(a / CHUNK_CIPHERTEXT_SIZE);
    const last = Math.min(chunkCount(layout.size) - 1, Math.floor((b - 1) / CHUNK_CIPHERTEXT_SIZE));
    for (let i = first; i <= last; i++) {
      const base = i * CHUNK_CIPHERTEXT_SIZE;
      segments.push({
        kind: 'chunk',
        index: i,
        start: Math.max(a - base, 0),
        end: Math.min(b - base, chunkCipherLength(layout.size, i)),
      });
    }
    plaintextStart = chunkPlaintextRange(layout.size, first).start;
    plaintextEnd = chunkPlaintextRange(layout.size, last).end;
  }
  return { part, start, end, segments, plaintextStart, plaintextEnd };
}
