// Failed logins are slowed without knowing who sent them: one global counter in Redis (shared by all
// instances, sliding window) and a delay that doubles with each recent failure, capped.
import type { Redis } from 'ioredis';
import type { ReviewerKeys } from './redis-keys.js';

export interface LoginDelay {
  /** Delay after the first recent failure. */
  baseMs: number;
  /** The cap. */
  maxMs: number;
  /** Failures older than this (since the last failure) are forgotten. */
  windowSeconds: number;
}

export const DEFAULT_LOGIN_DELAY: LoginDelay = { baseMs: 250, maxMs: 5000, windowSeconds: 300 };

/** Delay for the n-th recent failure (n ≥ 1): base · 2^(n−1), at most max. */
export function failureDelayMs(failures: number, delay: LoginDelay): number {
  if (failures < 1) return 0;
  const exponent = Math.min(failures - 1, 30);
  return Math.min(delay.baseMs * 2 ** exponent, delay.maxMs);
}

/** Counts one failure globally and returns how long to hold the answer back. */
export async function recordLoginFailure(
  redis: Redis,
  keys: ReviewerKeys,
  delay: LoginDelay,
): Promise<number> {
  const key = keys.loginFailures();
  const results = await redis.multi().incr(key).expire(key, delay.windowSeconds).exec();
  const failures = Number(results?.[0]?.[1] ?? 1);
  return failureDelayMs(failures, delay);
}
