// `npm run bench`: every benchmark, one after another, in one process. Figures are noisy; compare the
// ratios printed within one run, not absolute numbers across machines.
// KUA_BENCH_MIB sets the payload size (default 256 MiB).
import { readySodium } from '../core/sodium.js';
import { nodeCipherFactory } from '../runtime/aead-node.js';
import { benchEnvelope, envelopeRatios } from './envelope.js';
import { benchIngest } from './ingest.js';
import { benchMedia } from './media.js';
import { benchWorker } from './worker.js';

const mib = Number(process.env.KUA_BENCH_MIB ?? '256');
if (!Number.isInteger(mib) || mib < 1) {
  process.stderr.write('bench: KUA_BENCH_MIB must be a positive integer\n');
  process.exit(2);
}
const log = (line: string) => process.stdout.write(`${line}\n`);
const sodium = await readySodium();

log(`envelope: ${mib} MiB in 64 KiB chunks (node ${process.version}, ${process.arch})`);
const results = await benchEnvelope({
  sodium,
  bytes: mib * 1024 * 1024,
  variants: [{ name: 'node fast path', cipherFactory: nodeCipherFactory }],
  log,
});
log('ratios (higher is better; 1.00 = as fast as the raw AEAD):');
for (const line of envelopeRatios(results)) log(line);
log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

log('');
await benchMedia({ log });

log('');
await benchWorker({ log });

const ingestMib = Number(process.env.KUA_BENCH_INGEST_MIB ?? '2048');
log('');
log(`ingest: ${ingestMib} MiB upload in 4 MiB parts over loopback`);
await benchIngest({ bytes: ingestMib * 1024 * 1024, redisUrl: process.env.REDIS_URL, log });
