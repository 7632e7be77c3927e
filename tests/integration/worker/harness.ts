// Real parts for the worker's integration tests: Redis (REDIS_URL) under a unique key prefix, the
// filesystem blob store in a temp dir, organisation keys from initKeys, a roster of two reviewers signed
// with the real org key, envelopes made with the real envelope code, submissions stored exactly where
// the intake server puts them (server/intake records and part keys).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { ManifestInput } from '../../../core/envelope/index.js';
import { encryptBytes } from '../../../core/envelope/index.js';
import { signRoster } from '../../../core/roster.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { initKeys } from '../../../keys/init.js';
import { loadOrgSigningKey } from '../../../keys/load-keys.js';
import { addReviewer, EMPTY_ROSTER } from '../../../keys/roster-edit.js';
import { saveRoster } from '../../../keys/roster-store.js';
import { createFsBlobStore } from '../../../runtime/blob-store/fs.js';
import type { BlobStore } from '../../../runtime/blob-store/types.js';
import { createLogger } from '../../../runtime/logger.js';
import { partKey } from '../../../server/intake/blob-keys.js';
import { closeSubmissionRecord, createSubmissionRecord } from '../../../server/intake/records.js';
import { createPipelineDeps } from '../../../worker/deps.js';
import { loadWorkerKeys, type WorkerKeys } from '../../../worker/keys.js';
import type { PipelineDeps } from '../../../worker/pipeline.js';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
export const corpusDir = join(repoRoot, 'tests/fixtures/corpus');

export const redisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (url === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');
  return url;
};

export interface Reviewer {
  name: string;
  x25519PublicKey: Uint8Array;
  x25519SecretKey: Uint8Array;
}

export interface Fixture {
  sodium: Sodium;
  dir: string;
  keysDir: string;
  dataDir: string;
  scratchRoot: string;
  store: BlobStore;
  redis: Redis;
  /** Redis key prefix of everything this fixture writes (intake records, roster high-water mark). */
  prefix: string;
  keys: WorkerKeys;
  reviewers: Reviewer[];
  logLines: string[];
  deps(overrides?: Partial<PipelineDeps>): PipelineDeps;
  /** Stores a finalized submission as the intake server would; returns its id. */
  submit(
    files: { bytes: Uint8Array; manifest: Omit<ManifestInput, 'size'> }[],
    options?: { partBytes?: number; redis?: Redis; intakeKeyPrefix?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

function reviewerKeys(sodium: Sodium, name: string) {
  const box = sodium.crypto_box_keypair();
  const sign = sodium.crypto_sign_keypair();
  return {
    reviewer: { name, x25519PublicKey: box.publicKey, x25519SecretKey: box.privateKey },
    identity: { x25519PublicKey: box.publicKey, ed25519PublicKey: sign.publicKey },
  };
}

/** Signs and saves a roster of `names` (version = names.length + start) with the real org key. */
export async function writeRoster(sodium: Sodium, keysDir: string, names: string[]): Promise<Reviewer[]> {
  const org = await loadOrgSigningKey(sodium, keysDir);
  let roster = EMPTY_ROSTER;
  const reviewers: Reviewer[] = [];
  for (const name of names) {
    const { reviewer, identity } = reviewerKeys(sodium, name);
    roster = addReviewer(sodium, roster, name, identity, new Date());
    reviewers.push(reviewer);
  }
  await saveRoster(keysDir, signRoster(sodium, roster, org.secretKey));
  return reviewers;
}

export async function createFixture(options: { roster?: boolean } = {}): Promise<Fixture> {
  const sodium = await readySodium();
  const dir = mkdtempSync(join(tmpdir(), 'kua-worker-'));
  const keysDir = join(dir, 'keys');
  const dataDir = join(dir, 'data');
  await initKeys(keysDir);
  const reviewers = options.roster === false ? [] : await writeRoster(sodium, keysDir, ['Alice', 'Bob']);
  const keys = await loadWorkerKeys(sodium, keysDir);
  const store = createFsBlobStore(join(dataDir, 'blobs'));
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 3 });
  const prefix = `kua-test-${randomBytes(6).toString('hex')}:`;
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', component: 'worker', sink: (l) => logLines.push(l) });
  const scratchRoot = join(dataDir, 'scratch');

  const fixture: Fixture = {
    sodium,
    dir,
    keysDir,
    dataDir,
    scratchRoot,
    store,
    redis,
    prefix,
    keys,
    reviewers,
    logLines,
    deps: (overrides = {}) => ({
      ...createPipelineDeps({
        sodium,
        keys,
        keysDir,
        store,
        redis,
        scratchRoot,
        logger,
        intakeKeyPrefix: `${prefix}intake:`,
        rosterSeenKey: `${prefix}roster:seen`,
      }),
      ...overrides,
    }),
    async submit(files, options = {}) {
      const partBytes = options.partBytes ?? 64 * 1024;
      const db = options.redis ?? redis;
      const keyPrefix = options.intakeKeyPrefix ?? `${prefix}intake:`;
      const id = randomBytes(16).toString('hex');
      const envelopes = files.map((f) =>
        encryptBytes(sodium, f.bytes, {
          recipients: [{ x25519PublicKey: keys.intakeIdentity.x25519PublicKey }],
          manifest: f.manifest,
        }),
      );
      const now = Date.now();
      await createSubmissionRecord(
        db,
        { id, files: envelopes.map((e) => e.length), partBytes, createdAt: now, expiresAt: now + 3_600_000 },
        { keyPrefix },
      );
      for (const [index, envelope] of envelopes.entries()) {
        for (let part = 0; part * partBytes < envelope.length; part++) {
          const bytes = envelope.subarray(part * partBytes, (part + 1) * partBytes);
          await store.put(
            partKey(id, index, part),
            (async function* () {
              yield bytes;
            })(),
          );
        }
      }
      await closeSubmissionRecord(db, id, { keyPrefix });
      return id;
    },
    async close() {
      const keysLeft = await redis.keys(`${prefix}*`);
      if (keysLeft.length > 0) await redis.del(...keysLeft);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Every file left under a directory (recursively), relative names. */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

export async function readBlob(store: BlobStore, key: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of await store.get(key)) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}

/** Every key and every value (strings, hashes, lists, sets, zsets, streams) in the Redis database. */
export async function dumpRedis(redis: Redis): Promise<string> {
  const out: string[] = [];
  for (const key of await redis.keys('*')) {
    out.push(key);
    const type = await redis.type(key);
    if (type === 'string') out.push((await redis.get(key)) ?? '');
    else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
    else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return out.join('\n');
}
