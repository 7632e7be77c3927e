// The sequencer with real parts: the filesystem blob store and a Redis lock shared by several OS
// processes (dist/, built by `npm test`). Concurrent appenders give one linear log without gaps or
// duplicates; every checkpoint they published is consistent with the last; the log survives the loss
// of everything in Redis; idempotent re-appends.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { toHex } from '../../../core/bytes.js';
import type { LogEntry } from '../../../core/contracts/log-entry.js';
import { verifyConsistency, verifyInclusion } from '../../../core/merkle/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { createFsBlobStore } from '../../../runtime/blob-store/fs.js';
import type { BlobStore } from '../../../runtime/blob-store/types.js';
import { readBlobText } from '../../../runtime/provenance-log/blob-io.js';
import {
  CHECKPOINTS_PREFIX,
  checkLogIntegrity,
  createProvenanceLog,
  createRedisLock,
  entryLeafHash,
  type LogSigner,
  logSigner,
  verifyTreeHead,
} from '../../../runtime/provenance-log/index.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const CHILD = join(repoRoot, 'tests/integration/provenance-log/appender-child.mjs');

const redisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (url === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');
  return url;
};

let sodium: Sodium;
let signer: LogSigner;
let orgPublicKey: Uint8Array;
let redis: Redis;
let dir: string;
let store: BlobStore;
const prefix = `kua-test-${randomBytes(6).toString('hex')}:`;
const lockKey = `${prefix}log:lock`;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist/runtime/provenance-log/index.js'))) {
    throw new Error('dist/ is missing: run `node scripts/build.mjs` (npm test does)');
  }
  sodium = await readySodium();
  const keys = sodium.crypto_sign_keypair();
  orgPublicKey = sodium.crypto_sign_keypair().publicKey;
  signer = logSigner(sodium, orgPublicKey, { publicKey: keys.publicKey, secretKey: keys.privateKey });
  redis = new Redis(redisUrl());
  dir = mkdtempSync(join(tmpdir(), 'kua-log-'));
  store = createFsBlobStore(dir);
});

afterAll(async () => {
  const left = await redis.keys(`${prefix}*`);
  if (left.length > 0) await redis.del(...left);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const newLog = () =>
  createProvenanceLog({ store, lock: createRedisLock(redis, { key: lockKey }), sodium, signer });

describe('provenance log sequencer (fs store, Redis lock, several processes)', () => {
  it('4 processes × 25 appends: one linear log, no gaps or duplicates, all proofs verify', async () => {
    const env = {
      ...process.env,
      ORG_PUBLIC_KEY: toHex(orgPublicKey),
      LOG_PUBLIC_KEY: toHex(signer.publicKey),
      LOG_SECRET_KEY: toHex(signer.secretKey),
    };
    const submissions = Array.from({ length: 4 }, () => randomBytes(16).toString('hex'));
    const children = submissions.map((id) => {
      const child = spawn(process.execPath, [CHILD, dir, lockKey, '25', id], { env, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      const ready = new Promise<void>((resolve) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          if (stderr.includes('ready\n')) resolve();
        });
      });
      const exit = new Promise<string>((resolve, reject) => {
        child.on('exit', (code) =>
          code === 0 ? resolve(stdout) : reject(new Error(`appender exited ${code}: ${stderr}`)),
        );
      });
      return { child, ready, exit };
    });
    // Every appender is set up before any starts: all 100 appends contend for the lock.
    await Promise.all(children.map((c) => c.ready));
    for (const { child } of children) child.stdin.write('go\n');
    const perProcess = (await Promise.all(children.map((c) => c.exit))).map(
      (out) => JSON.parse(out) as number[],
    );
    const indexes = perProcess.flat();
    expect(indexes.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));

    const log = newLog();
    expect(await log.size()).toBe(100);
    const head = verifyTreeHead(sodium, signer, (await log.checkpoint()) as string);
    expect(head.size).toBe(100);
    const seen = new Set<string>();
    for (let index = 0; index < 100; index++) {
      const entry = await log.entry(index);
      if (entry.kind !== 'received') throw new Error('unexpected entry kind');
      seen.add(`${entry.submission}:${entry.index}`);
      const proof = await log.inclusionProof(index, 100);
      expect(verifyInclusion(entryLeafHash(entry), index, 100, proof, head.rootHash)).toBe(true);
    }
    expect(seen.size).toBe(100);
    for (const id of submissions) expect([...seen].filter((s) => s.startsWith(id))).toHaveLength(25);

    // Each append published a checkpoint; every one is consistent with the latest.
    const stored = await store.list(CHECKPOINTS_PREFIX);
    expect(stored).toHaveLength(100);
    for (const { key } of stored) {
      const old = verifyTreeHead(sodium, signer, (await readBlobText(store, key)) as string);
      const proof = await log.consistencyProof(old.size, 100);
      expect(verifyConsistency(old.size, 100, proof, old.rootHash, head.rootHash)).toBe(true);
    }
    expect(await checkLogIntegrity(store, signer)).toEqual({ ok: true, size: 100, problems: [] });
  }, 180_000);

  it('continues from storage alone after every Redis key is lost, and re-appends idempotently', async () => {
    const before = await newLog().size();
    const saved = (await newLog().checkpoint()) as string;
    // Hold the lock as a crashed appender would have, then lose Redis's state.
    await redis.set(lockKey, 'crashed-holder', 'PX', 600_000);
    const left = await redis.keys(`${prefix}*`);
    await redis.del(...left);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);

    const log = newLog();
    const entry: LogEntry = {
      v: 1,
      kind: 'received',
      submission: randomBytes(16).toString('hex'),
      index: 0,
      intake: { sha256: randomBytes(32).toString('hex') },
      receivedAt: '2026-11-25T19:00:00.000Z',
    };
    const first = await log.append([entry]);
    expect(first).toMatchObject({ indexes: [before], size: before + 1 });
    const again = await newLog().append([entry, entry]);
    expect(again).toMatchObject({ indexes: [before, before], size: before + 1 });
    expect(await newLog().lookup('intake', entry.intake.sha256)).toEqual([before]);
    expect(await checkLogIntegrity(store, signer, [saved])).toEqual({
      ok: true,
      size: before + 1,
      problems: [],
    });
    // The lock is released after each append.
    expect(await redis.exists(lockKey)).toBe(0);
  });

  it('waits for a held lock and times out with a typed error', async () => {
    await redis.set(lockKey, 'someone-else', 'PX', 10_000);
    const log = createProvenanceLog({
      store,
      lock: createRedisLock(redis, { key: lockKey, waitMs: 200 }),
      sodium,
      signer,
    });
    await expect(log.append([])).rejects.toMatchObject({ code: 'LOG_LOCK_TIMEOUT' });
    // Our release never deletes someone else's lock.
    expect(await redis.get(lockKey)).toBe('someone-else');
    await redis.del(lockKey);
  });
});
