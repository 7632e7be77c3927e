import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { type PrivateRedis, startPrivateRedis } from '../../../runtime/redis-launcher.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('private redis-server launcher', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kua-redis-it-'));
  let redis: PrivateRedis;
  let client: Redis;

  beforeAll(async () => {
    redis = await startPrivateRedis({ dataDir: join(dataDir, 'redis') });
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  }, 20_000);

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on loopback with a generated password', async () => {
    expect(redis.url).toMatch(/^redis:\/\/:[0-9a-f]{48}@127\.0\.0\.1:\d+$/);
    expect(await client.ping()).toBe('PONG');
    const anonymous = new Redis({
      host: '127.0.0.1',
      port: redis.port,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    anonymous.on('error', () => {});
    await anonymous.connect().catch(() => {});
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
  });

  it('is configured for durable queues', async () => {
    const get = async (key: string) => ((await client.config('GET', key)) as string[])[1];
    expect(await get('appendonly')).toBe('yes');
    expect(await get('appendfsync')).toBe('everysec');
    expect(await get('maxmemory-policy')).toBe('noeviction');
    expect(await get('bind')).toBe('127.0.0.1');
    expect(await get('dir')).toBe(join(dataDir, 'redis'));
  });

  it('keeps the password out of the process list', () => {
    const password = new URL(redis.url).password;
    const cmdline = readFileSync(`/proc/${redis.pid}/cmdline`, 'utf8');
    expect(cmdline).not.toContain(password);
  });

  it('stops and leaves no process behind', async () => {
    const other = await startPrivateRedis({ dataDir: join(dataDir, 'other') });
    expect(other.port).not.toBe(redis.port);
    expect(alive(other.pid)).toBe(true);
    await other.stop();
    expect(alive(other.pid)).toBe(false);
    await other.stop(); // idempotent
  }, 20_000);
});
