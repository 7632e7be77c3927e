// Fail fast, with one clear line, when a configured REDIS_URL cannot be reached.
import { Redis } from 'ioredis';
import { KuaError } from './errors.js';
import { errorCode } from './logger.js';

export class RedisUnreachableError extends KuaError {
  constructor(reason: string) {
    super(
      'REDIS_UNREACHABLE',
      `cannot reach the Redis at REDIS_URL (${reason}); check the URL and that Redis is running`,
    );
  }
}

/** A reason safe to print: a Redis error word (NOAUTH, WRONGPASS, ...) or a socket error code. */
function reasonOf(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  const word = /^(NOAUTH|WRONGPASS|ERR|LOADING|MISCONF)\b/.exec(message)?.[1];
  if (word !== undefined) return word;
  const code = errorCode(error);
  return code === 'UNKNOWN' ? undefined : code;
}

export async function assertRedisReachable(url: string, timeoutMs = 5000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    disconnectTimeout: 100, // ioredis 6 otherwise keeps a 2 s timer alive after a refused connection
  });
  // ioredis reports authentication failures as 'error' events and then rejects with "Connection is closed".
  let reported: string | undefined;
  client.on('error', (error: unknown) => {
    reported ??= reasonOf(error);
  });
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw new RedisUnreachableError('unexpected reply');
  } catch (error) {
    if (error instanceof RedisUnreachableError) throw error;
    throw new RedisUnreachableError(reported ?? reasonOf(error) ?? 'UNKNOWN');
  } finally {
    client.disconnect();
  }
}
