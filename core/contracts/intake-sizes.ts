// Intake API v1 constants, error codes and size arithmetic (docs/API.md), without zod: the witness page imports
// this module directly; core/contracts/intake.ts re-exports it next to the zod schemas.
import {
  CHUNK_CIPHERTEXT_SIZE,
  MANIFEST_MAX_PADDED,
  MANIFEST_PAD_UNIT,
  TAG_BYTES,
} from '../envelope/constants.js';
import { envelopeLength, headerLength } from '../envelope/layout.js';

export const INTAKE_API_PREFIX = '/api';
export const DEFAULT_PART_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 20;

export const ACCEPTED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/tiff',
  'image/heic',
  'image/heif',
  'image/avif',
  'video/mp4',
  'video/quicktime',
  'video/x-m4v',
  'video/3gpp',
  'video/webm',
  'video/x-matroska',
] as const;

/** The smallest possible envelope: 1 recipient, the smallest manifest, an empty payload. */
export const MIN_ENVELOPE_BYTES = headerLength(1) + MANIFEST_PAD_UNIT + TAG_BYTES + TAG_BYTES;

/** Largest envelope of a `maxFileBytes` plaintext with 1 recipient and the largest manifest. */
export function maxEnvelopeBytesFor(maxFileBytes: number): number {
  return envelopeLength({ size: maxFileBytes, recipientCount: 1, manifestPaddedLength: MANIFEST_MAX_PADDED });
}

/** Number of parts of an envelope of `bytes` bytes (at least one). */
export function partCount(bytes: number, partBytes: number): number {
  return Math.max(1, Math.ceil(bytes / partBytes));
}

/** Length of part `part` of an envelope of `bytes` bytes: [part*partBytes, min((part+1)*partBytes, bytes)). */
export function partLength(bytes: number, partBytes: number, part: number): number {
  return Math.min(partBytes, bytes - part * partBytes);
}

/**
 * Whether `payloadBytes` (envelope minus header and manifest section) is the payload length of a real
 * envelope: whole ciphertext chunks of 65552 bytes plus a last chunk of 17..65552 bytes, or a single
 * 16-byte chunk (empty plaintext). A tag-only last chunk after full chunks never occurs.
 */
export function isValidPayloadLength(payloadBytes: number): boolean {
  if (!Number.isSafeInteger(payloadBytes) || payloadBytes < TAG_BYTES) return false;
  if (payloadBytes === TAG_BYTES) return true;
  const rest = payloadBytes % CHUNK_CIPHERTEXT_SIZE;
  return rest === 0 || rest > TAG_BYTES;
}

/** Every error code the intake API answers with (besides the generic ones in server/errors.ts). */
export const INTAKE_ERROR_CODES = [
  'BAD_REQUEST',
  'BAD_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_FILES',
  'FILE_TOO_LARGE',
  'INSUFFICIENT_STORAGE',
  'SUBMISSION_NOT_FOUND',
  'SUBMISSION_CLOSED',
  'BAD_PART',
  'LENGTH_REQUIRED',
  'BAD_PART_LENGTH',
  'PART_TOO_LARGE',
  'INCOMPLETE_PART',
  'BAD_DIGEST',
  'DIGEST_MISMATCH',
  'BUSY',
  'INCOMPLETE',
  'BAD_ENVELOPE',
] as const;
export type IntakeErrorCode = (typeof INTAKE_ERROR_CODES)[number];
