// Single-use login nonces: 32 random bytes, stored with the claimed fingerprint for a short TTL and
// consumed atomically (GETDEL), so a captured login can be replayed neither later nor concurrently.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { NONCE_BYTES } from '../../core/contracts/reviewer.js';
import type { ReviewerKeys } from './redis-keys.js';

export async function issueNonce(
  redis: Redis,
  keys: ReviewerKeys,
  fingerprint: string,
  ttlSeconds: number,
): Promise<Uint8Array> {
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  await redis.set(keys.nonce(Buffer.from(nonce).toString('hex')), fingerprint, 'EX', ttlSeconds);
  return nonce;
}

/** The fingerprint the nonce was issued to, or undefined if unknown, expired or already used. */
export async function consumeNonce(
  redis: Redis,
  keys: ReviewerKeys,
  nonce: Uint8Array,
): Promise<string | undefined> {
  if (nonce.length !== NONCE_BYTES) return undefined;
  const value = await redis.getdel(keys.nonce(Buffer.from(nonce).toString('hex')));
  return value ?? undefined;
}
