// The worker process: no inbound network. Consumes the submissions queue; on SIGINT/SIGTERM
// `worker.close()` lets the current job finish before exiting.
import { Worker } from 'bullmq';
import { SUBMISSIONS_QUEUE } from '../core/contracts/jobs.js';
import { parseEnv } from '../runtime/config.js';
import { workerSchema } from '../runtime/config-schemas.js';
import { createLogger, errorCode } from '../runtime/logger.js';
import { exitOnStartupError, notifyParent, onShutdown } from '../runtime/process.js';
import { createProcessor } from './processor.js';

async function main(): Promise<void> {
  const config = parseEnv(workerSchema, process.env);
  const logger = createLogger({ level: config.LOG_LEVEL, component: 'worker' });

  const worker = new Worker(SUBMISSIONS_QUEUE, createProcessor({ logger }), {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
    concurrency: config.WORKER_CONCURRENCY,
    autorun: false,
  });
  worker.on('error', (error) => logger.error('worker_error', { code: errorCode(error) }));
  worker.on('failed', (job) => logger.info('job_failed', { jobName: job?.name ?? 'unknown' }));

  onShutdown(async () => {
    logger.info('stopping');
    await worker.close();
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
