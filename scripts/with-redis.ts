// `npm test` wrapper: runs a command with REDIS_URL set. Uses REDIS_URL if already set; otherwise starts
// a private redis-server (same launcher as `npm start`) with its data in a fresh temporary directory,
// so tests never touch a running portal's data, and removes it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv, redisUrl } from '../runtime/config.js';
import { checkPrerequisites } from '../runtime/prerequisites.js';
import { exitOnStartupError } from '../runtime/process.js';
import { type PrivateRedis, startPrivateRedis } from '../runtime/redis-launcher.js';

const PROGRAM = 'kua-test';

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined) throw new Error('usage: with-redis COMMAND [ARGS...]');
  const config = parseEnv(z.object({ REDIS_URL: redisUrl.optional() }), process.env);

  let redis: PrivateRedis | undefined;
  let scratch: string | undefined;
  let url = config.REDIS_URL;
  if (url === undefined) {
    checkPrerequisites({ needRedisServer: true });
    scratch = mkdtempSync(join(tmpdir(), 'kua-test-redis-'));
    redis = await startPrivateRedis({ dataDir: scratch, detached: true });
    url = redis.url;
  }
  try {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, REDIS_URL: url } });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    process.on('SIGINT', forward('SIGINT'));
    process.on('SIGTERM', forward('SIGTERM'));
    return await new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + 2)));
    });
  } finally {
    await redis?.stop();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => exitOnStartupError(PROGRAM, error),
);
