// The worker process: no inbound network. Wires the pipeline's dependencies by hand and consumes the
// submissions queue; on SIGINT/SIGTERM `worker.close()` lets the current job finish before exiting.
// A job whose worker died (lock expired) is taken up again by the stalled-job check.
import { join, resolve } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { SUBMISSIONS_QUEUE } from '../core/contracts/jobs.js';
import { readySodium } from '../core/sodium.js';
import { createFsBlobStore } from '../runtime/blob-store/fs.js';
import { parseEnv } from '../runtime/config.js';
import { workerSchema } from '../runtime/config-schemas.js';
import { createLogger, errorCode } from '../runtime/logger.js';
import { exitOnStartupError, notifyParent, onShutdown } from '../runtime/process.js';
import { createPipelineDeps } from './deps.js';
import { loadWorkerKeys } from './keys.js';
import { createLogReceivedDeps, logReceived } from './log-received.js';
import { processSubmission } from './pipeline.js';
import { createProcessor } from './processor.js';
import { claimScratchRoot, wipeStaleScratchRoots } from './scratch-roots.js';

const SCRATCH_SWEEP_INTERVAL_MS = 5 * 60_000;

async function main(): Promise<void> {
  const config = parseEnv(workerSchema, process.env);
  const logger = createLogger({ level: config.LOG_LEVEL, component: 'worker' });
  const sodium = await readySodium();
  const keysDir = resolve(config.KUA_KEYS_DIR);
  const keys = await loadWorkerKeys(sodium, keysDir);
  const dataDir = resolve(config.DATA_DIR);
  // This process's own scratch root, locked for its lifetime; then whatever a dead worker left behind
  // (plaintext) is wiped before anything else happens, and again every few minutes. Roots of live
  // workers sharing this DATA_DIR are left alone.
  const scratchBase = join(dataDir, 'scratch');
  const scratchLease = await claimScratchRoot(scratchBase);
  const scratchRoot = scratchLease.root;
  const sweepScratch = async () => {
    const swept = await wipeStaleScratchRoots(scratchBase, scratchRoot);
    logger.info('scratch_stale_wiped', { count: swept.wiped });
    logger.info('scratch_live_roots', { count: swept.live });
    if (swept.unknown > 0) logger.warn('scratch_unknown_entries', { count: swept.unknown });
  };
  await sweepScratch();
  setInterval(
    () =>
      void sweepScratch().catch((error) => logger.warn('scratch_sweep_failed', { code: errorCode(error) })),
    SCRATCH_SWEEP_INTERVAL_MS,
  ).unref();

  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  redis.on('error', (error) => logger.warn('redis_error', { code: errorCode(error) }));

  const deps = createPipelineDeps({
    sodium,
    keys,
    keysDir,
    store: createFsBlobStore(join(dataDir, 'blobs')),
    redis,
    scratchRoot,
    logger: logger.child('pipeline'),
    statusRetentionSeconds: config.STATUS_RETENTION_SECONDS,
  });

  const logReceivedDeps = createLogReceivedDeps(deps);
  const worker = new Worker(
    SUBMISSIONS_QUEUE,
    createProcessor({
      logger,
      run: (id, jobId) => processSubmission(deps, id, jobId),
      logReceived: (id) => logReceived(logReceivedDeps, id),
    }),
    {
      connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.WORKER_LOCK_DURATION_MS,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on('error', (error) => logger.error('worker_error', { code: errorCode(error) }));
  worker.on('active', (job) =>
    logger.info('job_active', { jobName: job.name, attempt: job.attemptsMade + 1 }),
  );
  worker.on('stalled', () => logger.warn('job_stalled'));

  onShutdown(async () => {
    logger.info('stopping');
    await worker.close();
    await scratchLease.release();
    await redis.quit().catch(() => {});
    logger.info('stopped');
  });

  worker.run().catch((error: unknown) => {
    logger.error('worker_stopped_unexpectedly', { code: errorCode(error) });
    process.exit(1);
  });
  await worker.waitUntilReady();
  logger.info('ready', { queue: SUBMISSIONS_QUEUE, count: config.WORKER_CONCURRENCY });
  notifyParent({ type: 'ready' });
}

main().catch((error: unknown) => exitOnStartupError('kua-worker', error));
