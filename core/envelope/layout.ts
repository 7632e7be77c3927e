// Sizes and offsets of an envelope, computable before encrypting anything (resumable uploads need them).
import {
  CHUNK_CIPHERTEXT_SIZE,
  CHUNK_SIZE,
  FIXED_HEADER_BYTES,
  MAC_BYTES,
  MANIFEST_MAX_PADDED,
  MANIFEST_PAD_UNIT,
  MAX_PLAINTEXT_SIZE,
  MAX_RECIPIENTS,
  MIN_RECIPIENTS,
  STANZA_BYTES,
  TAG_BYTES,
} from './constants.js';
import { InvalidEnvelopeArgumentError } from './errors.js';

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_PLAINTEXT_SIZE) {
    throw new InvalidEnvelopeArgumentError('plaintext size must be a non-negative safe integer');
  }
}

export function headerLength(recipientCount: number): number {
  if (
    !Number.isInteger(recipientCount) ||
    recipientCount < MIN_RECIPIENTS ||
    recipientCount > MAX_RECIPIENTS
  ) {
    throw new InvalidEnvelopeArgumentError('recipient count out of range');
  }
  return FIXED_HEADER_BYTES + recipientCount * STANZA_BYTES + MAC_BYTES;
}

export function isValidManifestPaddedLength(padded: number): boolean {
  return (
    Number.isInteger(padded) &&
    padded >= MANIFEST_PAD_UNIT &&
    padded <= MANIFEST_MAX_PADDED &&
    padded % MANIFEST_PAD_UNIT === 0
  );
}

export function manifestSectionLength(manifestPaddedLength: number): number {
  if (!isValidManifestPaddedLength(manifestPaddedLength)) {
    throw new InvalidEnvelopeArgumentError('manifest padded length out of range');
  }
  return manifestPaddedLength + TAG_BYTES;
}

/** Number of payload chunks: at least one (an empty plaintext is one empty last chunk). */
export function chunkCount(size: number): number {
  checkSize(size);
  return size === 0 ? 1 : Math.ceil(size / CHUNK_SIZE);
}

/** Plaintext byte range [start, end) that chunk `index` covers. */
export function chunkPlaintextRange(size: number, index: number): { start: number; end: number } {
  const count = chunkCount(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new InvalidEnvelopeArgumentError('chunk index out of range');
  }
  const start = index * CHUNK_SIZE;
  return { start, end: Math.min(size, start + CHUNK_SIZE) };
}

export function payloadLength(size: number): number {
  return size + chunkCount(size) * TAG_BYTES;
}

export interface EnvelopeShape {
  /** Plaintext size in bytes (the manifest's `size`). */
  size: number;
  recipientCount: number;
  manifestPaddedLength: number;
}

/** Byte offset of payload chunk `index` within the envelope. */
export function chunkOffset(shape: EnvelopeShape, index: number): number {
  chunkPlaintextRange(shape.size, index);
  return (
    headerLength(shape.recipientCount) +
    manifestSectionLength(shape.manifestPaddedLength) +
    index * CHUNK_CIPHERTEXT_SIZE
  );
}

/** Total envelope length in bytes. */
export function envelopeLength(shape: EnvelopeShape): number {
  return (
    headerLength(shape.recipientCount) +
    manifestSectionLength(shape.manifestPaddedLength) +
    payloadLength(shape.size)
  );
}
