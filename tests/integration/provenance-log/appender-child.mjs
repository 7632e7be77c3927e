// One appender process for the concurrency test: once told to go (a line on stdin), appends COUNT
// `received` entries one by one through the real sequencer (fs blob store + Redis lock) and prints
// the index each got, as JSON.
// argv: <blob dir> <lock key> <count> <submission id>; env ORG_PUBLIC_KEY, LOG_SECRET_KEY, LOG_PUBLIC_KEY (hex).
import { Redis } from 'ioredis';
import { fromHex } from '../../../dist/core/bytes.js';
import { readySodium } from '../../../dist/core/sodium.js';
import { createFsBlobStore } from '../../../dist/runtime/blob-store/fs.js';
import {
  createProvenanceLog,
  createRedisLock,
  logSigner,
} from '../../../dist/runtime/provenance-log/index.js';

const [dir, lockKey, countText, submission] = process.argv.slice(2);
const sodium = await readySodium();
const redis = new Redis(process.env.REDIS_URL);
const log = createProvenanceLog({
  store: createFsBlobStore(dir),
  lock: createRedisLock(redis, { key: lockKey, waitMs: 60_000 }),
  sodium,
  signer: logSigner(sodium, fromHex(process.env.ORG_PUBLIC_KEY), {
    publicKey: fromHex(process.env.LOG_PUBLIC_KEY),
    secretKey: fromHex(process.env.LOG_SECRET_KEY),
  }),
});
// Start together: say ready, then wait for the parent's "go" line on stdin.
process.stderr.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const indexes = [];
for (let i = 0; i < Number(countText); i++) {
  const sha256 = Buffer.from(sodium.randombytes_buf(32)).toString('hex');
  const entry = {
    v: 1,
    kind: 'received',
    submission,
    index: i,
    intake: { sha256 },
    receivedAt: new Date().toISOString(),
  };
  const result = await log.append([entry]);
  indexes.push(result.indexes[0]);
}
process.stdout.write(JSON.stringify(indexes));
redis.disconnect();
