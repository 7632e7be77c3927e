// The server process: parse config once, wire dependencies by hand, listen.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { toBase64 } from '../core/base64.js';
import { toHex } from '../core/bytes.js';
import { SUBMISSIONS_QUEUE } from '../core/contracts/jobs.js';
import { fingerprint } from '../core/fingerprint.js';
import { readySodium } from '../core/sodium.js';
import { PUBLIC_CONFIG_FILE } from '../keys/paths.js';
import { parsePublicConfig } from '../keys/public-config.js';
import { createFsBlobStore } from '../runtime/blob-store/fs.js';
import { parseEnv } from '../runtime/config.js';
import { serverSchema } from '../runtime/config-schemas.js';
import { KuaError } from '../runtime/errors.js';
import { createLogger } from '../runtime/logger.js';
import { exitOnStartupError, notifyParent, onShutdown } from '../runtime/process.js';
import { createLogReader } from '../runtime/provenance-log/reader.js';
import { redisRosterHighWater } from '../runtime/roster-high-water.js';
import { createApp } from './app.js';
import { createHealthProbe } from './health.js';
import { statfsFreeBytes } from './intake/disk.js';
import { createSweeper } from './intake/sweeper.js';
import type { LogKeyResponse } from './log/router.js';
import { rosterFileReader } from './reviewer/roster.js';

/** The intake and org public keys from KUA_KEYS_DIR/public.json, fingerprints checked. */
async function loadPublicKeys(keysDir: string): Promise<{
  intake: { publicKey: string; fingerprint: string };
  orgPublicKey: Uint8Array;
  log: LogKeyResponse;
}> {
  const sodium = await readySodium();
  const text = await readFile(join(keysDir, PUBLIC_CONFIG_FILE), 'utf8').catch(() => {
    throw new KuaError(
      'INTAKE_KEY_MISSING',
      `cannot read ${PUBLIC_CONFIG_FILE} in KUA_KEYS_DIR; create the keys with "kua init"`,
    );
  });
  const keys = parsePublicConfig(sodium, text);
  return {
    intake: { publicKey: toBase64(keys.intake), fingerprint: toHex(fingerprint(sodium, keys.intake)) },
    orgPublicKey: keys.org,
    log: {
      logPublicKey: toBase64(keys.log),
      logFingerprint: toHex(fingerprint(sodium, keys.log)),
      orgFingerprint: toHex(fingerprint(sodium, keys.org)),
    },
  };
}

async function main(): Promise<void> {
  const config = parseEnv(serverSchema, process.env);
  const logger = createLogger({ level: config.LOG_LEVEL, component: 'server' });

  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => {}); // reported through /api/health, not by spamming the log
  const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: config.REDIS_URL } });
  queue.on('error', () => {});

  const blobDir = join(resolve(config.DATA_DIR), 'blobs');
  const store = createFsBlobStore(blobDir);
  const logReader = createLogReader(store);
  const intakeLogger = logger.child('intake');
  const keysDir = resolve(config.KUA_KEYS_DIR);
  const publicKeys = await loadPublicKeys(keysDir);
  const app = createApp({
    health: createHealthProbe({ redis, queue }),
    logger,
    webRoot: resolve(config.KUA_WEB_DIR),
    trustProxy: config.TRUST_PROXY,
    intake: {
      redis,
      queue,
      store,
      logger: intakeLogger,
      intake: publicKeys.intake,
      limits: {
        partBytes: config.UPLOAD_PART_BYTES,
        maxFileBytes: config.MAX_FILE_BYTES,
        maxFiles: config.MAX_FILES,
        maxBytesInFlight: config.MAX_BYTES_IN_FLIGHT,
        diskReserveBytes: config.DISK_RESERVE_BYTES,
        expirySeconds: config.UPLOAD_EXPIRY_SECONDS,
      },
      freeDiskBytes: statfsFreeBytes(blobDir),
      logReader,
    },
    reviewer: {
      redis,
      store,
      logger: logger.child('reviewer'),
      sodium: await readySodium(),
      orgPublicKey: publicKeys.orgPublicKey,
      readRoster: rosterFileReader(keysDir),
      highWater: redisRosterHighWater(redis),
    },
    log: { reader: logReader, key: publicKeys.log },
  });
  const sweeper = createSweeper({ store, redis, logger: intakeLogger });
  sweeper.start(config.SWEEP_INTERVAL_SECONDS * 1000);
  const server = app.listen(config.PORT, config.HOST);
  // Slow uploads (Tor, 3G) may take minutes per part: no whole-request deadline, but a socket that
  // sends nothing for two minutes is closed (its partial part is discarded).
  server.requestTimeout = 0;
  server.setTimeout(120_000);
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
    await sweeper.stop();
    await queue.close().catch(() => {});
    redis.disconnect();
    logger.info('stopped');
  });
}

main().catch((error: unknown) => exitOnStartupError('kua-server', error));
