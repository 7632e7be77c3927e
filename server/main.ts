// The server process: parse config once, wire dependencies by hand, listen.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SUBMISSIONS_QUEUE } from '../core/contracts/jobs.js';
import { parseEnv } from '../runtime/config.js';
import { serverSchema } from '../runtime/config-schemas.js';
import { createLogger } from '../runtime/logger.js';
import { exitOnStartupError, notifyParent, onShutdown } from '../runtime/process.js';
import { createApp } from './app.js';
import { createHealthProbe } from './health.js';

async function main(): Promise<void> {
  const config = parseEnv(serverSchema, process.env);
  const logger = createLogger({ level: config.LOG_LEVEL, component: 'server' });

  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => {}); // reported through /api/health, not by spamming the log
  const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: config.REDIS_URL } });
  queue.on('error', () => {});

  const app = createApp({
    health: createHealthProbe({ redis, queue }),
    logger,
    webRoot: resolve(config.KUA_WEB_DIR),
    trustProxy: config.TRUST_PROXY,
  });
  const server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  logger.info('listening', { port });
  notifyParent({ type: 'listening', port });

  onShutdown(async () => {
    logger.info('stopping');
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    await closed;
    clearTimeout(force);
    await queue.close().catch(() => {});
    redis.disconnect();
    logger.info('stopped');
  });
}

main().catch((error: unknown) => exitOnStartupError('kua-server', error));
