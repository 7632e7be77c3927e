// A real intake server for tests: Express app on port 0, real Redis (REDIS_URL) under a unique key
// prefix and queue prefix, the filesystem blob store in a temp dir, organisation keys from initKeys.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { fromBase64 } from '../../../core/base64.js';
import { SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import { encryptBytes } from '../../../core/envelope/index.js';
import { readySodium } from '../../../core/sodium.js';
import { initKeys } from '../../../keys/init.js';
import { createFsBlobStore } from '../../../runtime/blob-store/fs.js';
import type { BlobStore } from '../../../runtime/blob-store/types.js';
import { createLogger, type Logger } from '../../../runtime/logger.js';
import { createLogReader } from '../../../runtime/provenance-log/reader.js';
import { createApp } from '../../../server/app.js';
import { createInFlightBudget, type InFlightBudget } from '../../../server/intake/in-flight.js';
import type { IntakeLimits } from '../../../server/intake/router.js';

export const redisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (url === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');
  return url;
};

export const TEST_LIMITS: IntakeLimits = {
  partBytes: 64 * 1024,
  maxFileBytes: 1024 * 1024,
  maxFiles: 5,
  maxBytesInFlight: 1024 * 1024,
  diskReserveBytes: 0,
  expirySeconds: 3600,
};

export interface Instance {
  base: string;
  server: Server;
  inFlight: InFlightBudget;
  close(): Promise<void>;
}

/** Log lines, with a way to wait (bounded) for an event to appear. */
export class LogCapture {
  readonly lines: string[] = [];
  private waiters: Array<{ event: string; resolve: () => void }> = [];
  readonly sink = (line: string) => {
    this.lines.push(line);
    const event = (JSON.parse(line) as { event: string }).event;
    this.waiters = this.waiters.filter((w) => {
      if (w.event !== event) return true;
      w.resolve();
      return false;
    });
  };
  count(event: string): number {
    return this.lines.filter((l) => (JSON.parse(l) as { event: string }).event === event).length;
  }
  waitFor(event: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${event} log line within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        event,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

export class Harness {
  readonly keyPrefix = `kua-test-${randomBytes(6).toString('hex')}:intake:`;
  readonly queuePrefix = `kua-test-${randomBytes(6).toString('hex')}`;
  readonly scratch = mkdtempSync(join(tmpdir(), 'kua-intake-'));
  readonly blobDir = join(this.scratch, 'blobs');
  readonly store: BlobStore = createFsBlobStore(this.blobDir);
  readonly logs = new LogCapture();
  readonly logger: Logger = createLogger({ level: 'debug', component: 'server', sink: this.logs.sink });
  redis!: Redis;
  queue!: Queue;
  intake!: { publicKey: string; fingerprint: string };
  freeDisk = Number.MAX_SAFE_INTEGER;
  clock = Date.now();
  private instances: Instance[] = [];

  async setUp(): Promise<void> {
    this.redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    this.queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: redisUrl() }, prefix: this.queuePrefix });
    const keysDir = join(this.scratch, 'keys');
    const { publicConfigPath } = await initKeys(keysDir);
    const config = JSON.parse(readFileSync(publicConfigPath, 'utf8')) as {
      intakePublicKey: string;
      intakeFingerprint: string;
    };
    this.intake = { publicKey: config.intakePublicKey, fingerprint: config.intakeFingerprint };
  }

  async start(limits: IntakeLimits = TEST_LIMITS, store: BlobStore = this.store): Promise<Instance> {
    const inFlight = createInFlightBudget(limits.maxBytesInFlight);
    const webRoot = join(this.scratch, 'web');
    const app = createApp({
      health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
      logger: this.logger,
      webRoot,
      trustProxy: false,
      intake: {
        redis: this.redis,
        queue: this.queue,
        store,
        logger: this.logger.child('intake'),
        intake: this.intake,
        limits,
        freeDiskBytes: async () => this.freeDisk,
        logReader: createLogReader(store),
        keyPrefix: this.keyPrefix,
        now: () => this.clock,
        inFlight,
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const instance: Instance = {
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      server,
      inFlight,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
    this.instances.push(instance);
    return instance;
  }

  async tearDown(): Promise<void> {
    for (const instance of this.instances) await instance.close();
    await this.queue.obliterate({ force: true }).catch(() => {});
    await this.queue.close();
    const keys = await this.redis.keys(`${this.keyPrefix}*`);
    if (keys.length > 0) await this.redis.del(...keys);
    this.redis.disconnect();
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** An envelope of `plaintext` to this portal's intake key, as the page makes it. */
  async envelope(
    plaintext: Uint8Array,
    manifest: { name?: string; type?: string } = {},
  ): Promise<Uint8Array> {
    const sodium = await readySodium();
    return encryptBytes(sodium, plaintext, {
      recipients: [{ x25519PublicKey: fromBase64(this.intake.publicKey) }],
      manifest,
    });
  }

  /** Every Redis key under this test's prefixes, with its content dumped as text. */
  async redisDump(): Promise<string> {
    const keys = [
      ...(await this.redis.keys(`${this.keyPrefix}*`)),
      ...(await this.redis.keys(`${this.queuePrefix}:*`)),
    ];
    const out: string[] = [];
    for (const key of keys) {
      const type = await this.redis.type(key);
      out.push(key);
      if (type === 'hash') out.push(JSON.stringify(await this.redis.hgetall(key)));
      else if (type === 'string') out.push((await this.redis.get(key)) ?? '');
      else if (type === 'list') out.push(JSON.stringify(await this.redis.lrange(key, 0, -1)));
      else if (type === 'zset')
        out.push(JSON.stringify(await this.redis.zrange(key, '0', '-1', 'WITHSCORES')));
      else if (type === 'set') out.push(JSON.stringify(await this.redis.smembers(key)));
      else if (type === 'stream') out.push(JSON.stringify(await this.redis.xrange(key, '-', '+')));
    }
    return out.join('\n');
  }

  /** Number of Redis keys under the record prefix. */
  async recordCount(): Promise<number> {
    return (await this.redis.keys(`${this.keyPrefix}*`)).length;
  }
}

export function partsOf(envelope: Uint8Array, partBytes: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < Math.max(1, envelope.length); i += partBytes)
    parts.push(envelope.subarray(i, i + partBytes));
  return parts;
}

export async function putPart(
  base: string,
  id: string,
  index: number,
  part: number,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/api/submissions/${id}/files/${index}/parts/${part}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', ...headers },
    body,
  });
}

export async function postJson(
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
