import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { healthResponseSchema } from '../../../core/contracts/health.js';
import { SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import { assertRedisReachable, RedisUnreachableError } from '../../../runtime/redis-check.js';
import { createHealthProbe } from '../../../server/health.js';

const url = process.env.REDIS_URL;
if (url === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');

describe('health probe against real Redis', () => {
  const prefix = `kua-test-${randomBytes(6).toString('hex')}`;
  let redis: Redis;
  let queue: Queue;

  beforeAll(() => {
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
    queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url }, prefix });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
  });

  it('reports Redis reachable and queue counts', async () => {
    await queue.add('process-submission', { submissionId: '0'.repeat(32) });
    await queue.add('process-submission', { submissionId: '1'.repeat(32) }, { delay: 60_000 });
    const health = healthResponseSchema.parse(await createHealthProbe({ redis, queue })());
    expect(health).toEqual({
      status: 'ok',
      server: 'ok',
      redis: 'ok',
      queue: { waiting: 1, active: 0, delayed: 1, failed: 0, completed: 0 },
    });
    expect(JSON.stringify(health)).not.toContain('0'.repeat(32));
  });

  it('reports Redis unreachable quickly instead of hanging', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    dead.on('error', () => {});
    const started = Date.now();
    const health = await createHealthProbe({ redis: dead, queue, timeoutMs: 500 })();
    expect(health).toEqual({ status: 'degraded', server: 'ok', redis: 'unreachable', queue: null });
    expect(Date.now() - started).toBeLessThan(2000);
    dead.disconnect();
  });
});

describe('REDIS_URL reachability check', () => {
  it('passes for the test Redis', async () => {
    await expect(assertRedisReachable(url)).resolves.toBeUndefined();
  });

  it('fails with one line naming REDIS_URL, without echoing the URL or password', async () => {
    const bad = `redis://:wrong-secret-pw@127.0.0.1:${new URL(url).port}`;
    const error = await assertRedisReachable(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect((error as Error).message).toMatch(/^cannot reach the Redis at REDIS_URL \((WRONGPASS|ERR)\)/);
    const refused = await assertRedisReachable('redis://:pw-secret@127.0.0.1:1', 1000).catch(
      (e: unknown) => e,
    );
    expect((refused as Error).message).toContain('ECONNREFUSED');
    for (const e of [error, refused]) {
      expect((e as Error).message).not.toMatch(/secret|127\.0\.0\.1/);
    }
  });
});
