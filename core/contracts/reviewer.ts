// Reviewer API v1 (docs/API.md, "Reviewer API"): request and response shapes (zod) shared by the server
// and the `kua pull` CLI, and the exact bytes a reviewer signs to log in. Platform-neutral.
//
// Login: POST /api/reviewer/challenge {fingerprint} → {nonce, expiresAt}; the reviewer signs
// loginMessage(nonce) with their Ed25519 key; POST /api/reviewer/login {fingerprint, nonce, signature}
// → {token, expiresAt}; every other request carries `Authorization: Bearer <token>`.
import { z } from 'zod';
import { concatBytes, utf8 } from '../bytes.js';
import { submissionIdSchema } from './jobs.js';
import { RECORD_KINDS, RECORD_STATUSES } from './record.js';

export const REVIEWER_API_PREFIX = '/api/reviewer';
/** Domain separation of the login signature: nothing else Kuä signs starts with these bytes. */
export const LOGIN_DOMAIN = 'kua/v1 reviewer login\n';
export const NONCE_BYTES = 32;
export const TOKEN_BYTES = 32;
export const NONCE_TTL_SECONDS = 60;
export const TOKEN_TTL_SECONDS = 15 * 60;

/** The bytes signed (Ed25519, detached) to log in: UTF-8(LOGIN_DOMAIN) || nonce. */
export function loginMessage(nonce: Uint8Array): Uint8Array {
  return concatBytes(utf8(LOGIN_DOMAIN), nonce);
}

const hex32 = z.string().regex(/^[0-9a-f]{32}$/);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
/** Canonical base64 of exactly 32 bytes. */
const base64Of32 = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/);
/** Canonical base64 of exactly 64 bytes (an Ed25519 signature). */
const base64Of64 = z.string().regex(/^[A-Za-z0-9+/]{85}[AQgw]==$/);

/** fingerprint (core/fingerprint.ts) of the reviewer's Ed25519 signing key, 32 lowercase hex. */
export const signingFingerprintSchema = hex32;

export const challengeRequestSchema = z.strictObject({ fingerprint: signingFingerprintSchema });
export type ChallengeRequest = z.infer<typeof challengeRequestSchema>;

export const challengeResponseSchema = z.strictObject({ nonce: base64Of32, expiresAt: isoTime });
export type ChallengeResponse = z.infer<typeof challengeResponseSchema>;

export const loginRequestSchema = z.strictObject({
  fingerprint: signingFingerprintSchema,
  nonce: base64Of32,
  signature: base64Of64,
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const loginResponseSchema = z.strictObject({
  /** base64url (no padding) of 32 random bytes. */
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  expiresAt: isoTime,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const REVIEWER_BLOBS = ['sanitised', 'original', 'receipt', 'record'] as const;
export type ReviewerBlob = (typeof REVIEWER_BLOBS)[number];

export const blobDigestSchema = z.strictObject({ sha256: hex64, bytes: count });
export type BlobDigest = z.infer<typeof blobDigestSchema>;

export const reviewerFileSchema = z.strictObject({
  index: count,
  /** `sealed` or `refused` (control files are never listed). */
  status: z.enum(RECORD_STATUSES),
  kind: z.enum(RECORD_KINDS),
  mediaType: z.string().optional(),
  reason: z.string().optional(),
  blobs: z.strictObject({
    sanitised: blobDigestSchema.optional(),
    original: blobDigestSchema.optional(),
    receipt: blobDigestSchema.optional(),
    /** The signed record itself (its stored bytes). */
    record: blobDigestSchema,
  }),
});
export type ReviewerFile = z.infer<typeof reviewerFileSchema>;

export const reviewerSubmissionSchema = z.strictObject({
  id: submissionIdSchema,
  /** The latest processedAt of the submission's records. */
  processedAt: isoTime,
  /** Whether this reviewer has marked it received. */
  received: z.boolean(),
  files: z.array(reviewerFileSchema),
});
export type ReviewerSubmission = z.infer<typeof reviewerSubmissionSchema>;

export const submissionListSchema = z.strictObject({ submissions: z.array(reviewerSubmissionSchema) });
export type SubmissionList = z.infer<typeof submissionListSchema>;

/** Error codes of the reviewer API (JSON errors as in core/contracts/errors.ts). */
export const REVIEWER_ERROR_CODES = [
  'BAD_REQUEST',
  'UNSUPPORTED_MEDIA_TYPE',
  'LOGIN_FAILED',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'RANGE_NOT_SATISFIABLE',
] as const;
export type ReviewerErrorCode = (typeof REVIEWER_ERROR_CODES)[number];
