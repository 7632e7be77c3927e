// Short-lived bearer tokens: 32 random bytes (base64url) handed to the reviewer; Redis keeps only
// SHA-256(token) → the reviewer's signing-key fingerprint, expiring with the token.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TOKEN_BYTES } from '../../core/contracts/reviewer.js';
import type { ReviewerKeys } from './redis-keys.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function issueToken(
  redis: Redis,
  keys: ReviewerKeys,
  signingFingerprint: string,
  ttlSeconds: number,
): Promise<string> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  await redis.set(keys.token(hashToken(token)), signingFingerprint, 'EX', ttlSeconds);
  return token;
}

/** The fingerprint a live token is bound to, or undefined. */
export async function lookupToken(
  redis: Redis,
  keys: ReviewerKeys,
  token: string,
): Promise<string | undefined> {
  if (!TOKEN.test(token)) return undefined;
  return (await redis.get(keys.token(hashToken(token)))) ?? undefined;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer +([A-Za-z0-9_-]{43})$/i.exec(header ?? '');
  return match?.[1];
}
