// `npm start`: check prerequisites, start (or use) Redis, create dev keys on first run, start the server
// and the worker as separate processes, print the URL. Ctrl-C/SIGTERM stops worker, server, then Redis.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ManagedChild, startNodeChild, waitForMessage } from '../runtime/children.js';
import { parseEnv } from '../runtime/config.js';
import { type LauncherConfig, launcherSchema } from '../runtime/config-schemas.js';
import { checkPrerequisites } from '../runtime/prerequisites.js';
import { exitOnStartupError } from '../runtime/process.js';
import { assertRedisReachable } from '../runtime/redis-check.js';
import { type PrivateRedis, startPrivateRedis } from '../runtime/redis-launcher.js';
import { ensureDevKeys } from './dev-keys.js';

const PROGRAM = 'kua';
const distDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER_STOP_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 10_000;
const START_TIMEOUT_MS = 30_000;

export function displayUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
}

interface Running {
  /** Set before redis-server is spawned, so a Ctrl-C during its start-up still stops it. */
  redisStarting?: Promise<PrivateRedis>;
  redis?: PrivateRedis;
  server?: ManagedChild;
  worker?: ManagedChild;
}

async function stopAll(running: Running): Promise<void> {
  await running.worker?.stop(WORKER_STOP_TIMEOUT_MS);
  await running.server?.stop(SERVER_STOP_TIMEOUT_MS);
  const redis = running.redis ?? (await running.redisStarting?.catch(() => undefined));
  await redis?.stop();
}

async function main(): Promise<void> {
  const config: LauncherConfig = parseEnv(launcherSchema, process.env);
  checkPrerequisites({ needRedisServer: config.REDIS_URL === undefined });
  if (config.REDIS_URL !== undefined) await assertRedisReachable(config.REDIS_URL);

  const dataDir = resolve(config.DATA_DIR);
  const keysDir = resolve(config.KUA_KEYS_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const running: Running = {};
  let stopping = false;
  const shutdown = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    await stopAll(running);
    if (exitCode === 0) process.stdout.write('Kuä stopped.\n');
    process.exit(exitCode);
  };
  // Ctrl-C may arrive twice (from the terminal and forwarded by npm): shut down once.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // npm dies at once on a SIGTERM sent to it alone, without passing it on: if our parent goes away,
  // stop everything rather than linger as an orphan.
  const parent = process.ppid;
  if (parent > 1) {
    setInterval(() => {
      if (process.ppid !== parent) {
        process.stderr.write(`${PROGRAM}: parent process exited; shutting down\n`);
        void shutdown(0);
      }
    }, 500).unref();
  }

  try {
    let redisUrl = config.REDIS_URL;
    if (redisUrl === undefined) {
      running.redisStarting = startPrivateRedis({ dataDir: join(dataDir, 'redis'), detached: true });
      running.redis = await running.redisStarting;
      redisUrl = running.redis.url;
      void running.redis.exited.then(() => {
        if (!stopping) {
          process.stderr.write(`${PROGRAM}: redis-server stopped unexpectedly; shutting down\n`);
          void shutdown(1);
        }
      });
    }
    if (stopping) return;

    const warning = await ensureDevKeys(keysDir);
    if (warning !== undefined) process.stdout.write(`${warning}\n`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: redisUrl,
      PORT: String(config.PORT),
      HOST: config.HOST,
      DATA_DIR: dataDir,
      KUA_KEYS_DIR: keysDir,
      KUA_WEB_DIR: join(distDir, 'web'),
      LOG_LEVEL: config.LOG_LEVEL,
      TRUST_PROXY: config.TRUST_PROXY === false ? 'off' : String(config.TRUST_PROXY),
    };
    const watch = (child: ManagedChild) =>
      void child.exited.then((code) => {
        if (!stopping) {
          process.stderr.write(
            `${PROGRAM}: ${child.name} exited unexpectedly (code ${code}); shutting down\n`,
          );
          void shutdown(1);
        }
      });

    if (stopping) return;
    running.server = startNodeChild({ name: 'server', script: join(distDir, 'server', 'main.js'), env });
    const listening = await waitForMessage<{ type: 'listening'; port: number }>(
      running.server,
      'listening',
      START_TIMEOUT_MS,
    );
    watch(running.server);

    if (stopping) return;
    running.worker = startNodeChild({ name: 'worker', script: join(distDir, 'worker', 'main.js'), env });
    await waitForMessage(running.worker, 'ready', START_TIMEOUT_MS);
    watch(running.worker);

    if (stopping) return;
    process.stdout.write(`Kuä is running at ${displayUrl(config.HOST, listening.port)}\n`);
    process.stdout.write('Press Ctrl-C to stop.\n');
  } catch (error) {
    if (stopping) return;
    stopping = true;
    await stopAll(running);
    throw error;
  }
}

main().catch((error: unknown) => exitOnStartupError(PROGRAM, error));
