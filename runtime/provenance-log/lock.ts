// The sequencer's mutual exclusion: one Redis lock (SET NX PX with a random token, released by a
// compare-and-delete script so a holder whose lock expired never frees someone else's). Redis only
// holds the lock; the log itself lives in the blob store, and every entry key is written with
// ifAbsent, so even two holders after an expiry cannot fork the log (the second write fails).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KuaError } from '../errors.js';

export const LOG_LOCK_KEY = 'kua:log:lock';

export interface SequencerLock {
  /** Runs `fn` while holding the lock; throws LogLockTimeoutError if it cannot be had in time. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export class LogLockTimeoutError extends KuaError {
  constructor() {
    super('LOG_LOCK_TIMEOUT', 'timed out waiting for the provenance log sequencer lock');
  }
}

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisLockOptions {
  key?: string;
  /** How long a holder may keep the lock before it expires (ms). */
  ttlMs?: number;
  /** How long to wait for it (ms). */
  waitMs?: number;
}

export function createRedisLock(redis: Redis, options: RedisLockOptions = {}): SequencerLock {
  const key = options.key ?? LOG_LOCK_KEY;
  const ttlMs = options.ttlMs ?? 60_000;
  const waitMs = options.waitMs ?? 120_000;
  return {
    async run(fn) {
      const token = randomBytes(16).toString('hex');
      const deadline = Date.now() + waitMs;
      let delay = 2;
      for (;;) {
        const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
        if (ok === 'OK') break;
        if (Date.now() >= deadline) throw new LogLockTimeoutError();
        await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
        delay = Math.min(delay * 2, 100);
      }
      try {
        return await fn();
      } finally {
        await redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => {});
      }
    },
  };
}

/** An in-process lock (one process only): for tests and single-process tools. */
export function createLocalLock(): SequencerLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(fn) {
      const result = tail.then(fn, fn);
      tail = result.catch(() => {});
      return result;
    },
  };
}
