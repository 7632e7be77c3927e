// Produces any part of an envelope from the plaintext alone: copy the prefix (header + manifest section),
// encrypt the chunks the part overlaps, slice. Nothing but the small plan is kept between parts, so a
// retry or a resume re-encrypts instead of keeping ciphertext around.
import { CHUNK_SIZE, type EnvelopePlan, encryptChunk } from '../../core/envelope/index.js';
import { type EnvelopeLayout, planPart } from './plan.js';

/** Reads plaintext bytes [start, end) of the file. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

export function layoutOf(plan: EnvelopePlan): EnvelopeLayout {
  return {
    size: plan.size,
    prefixLength: plan.header.length + plan.manifestSection.length,
    length: plan.length,
  };
}

export async function producePart(
  plan: EnvelopePlan,
  partBytes: number,
  part: number,
  read: ReadRange,
): Promise<Uint8Array> {
  const p = planPart(layoutOf(plan), partBytes, part);
  const out = new Uint8Array(p.end - p.start);
  let at = 0;
  const prefix = plan.header.length;
  let plaintext: Uint8Array | undefined;
  if (p.plaintextEnd > p.plaintextStart || plan.size === 0) {
    plaintext = await read(p.plaintextStart, p.plaintextEnd);
    if (plaintext.length !== p.plaintextEnd - p.plaintextStart) throw new FileChangedError();
  }
  for (const s of p.segments) {
    if (s.kind === 'prefix') {
      for (let i = s.start; i < s.end; i++) {
        out[at++] = i < prefix ? (plan.header[i] as number) : (plan.manifestSection[i - prefix] as number);
      }
    } else {
      const from = s.index * CHUNK_SIZE - p.plaintextStart;
      const chunkLength = Math.min(plan.size - s.index * CHUNK_SIZE, CHUNK_SIZE);
      const sealed = encryptChunk(
        plan,
        s.index,
        (plaintext as Uint8Array).subarray(from, from + Math.max(0, chunkLength)),
      );
      out.set(sealed.subarray(s.start, s.end), at);
      at += s.end - s.start;
    }
  }
  if (at !== out.length) throw new Error('part assembly mismatch');
  return out;
}

/** The file could not be read as it was when the upload began (moved, changed, permission lost). */
export class FileChangedError extends Error {
  readonly code = 'FILE_CHANGED';
  constructor() {
    super('the file could not be read as before');
    this.name = 'FileChangedError';
  }
}
