// The one way Kuä starts a private redis-server (used by `npm start` and `npm test`): loopback only,
// a free port, a generated password, AOF on, noeviction. The configuration, password included, goes
// through stdin (`redis-server -`) so it never appears in the process list.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { KuaError } from './errors.js';

export class RedisLaunchError extends KuaError {
  constructor(message: string) {
    super('REDIS_LAUNCH_FAILED', message);
  }
}

export interface PrivateRedis {
  /** redis://:password@127.0.0.1:port — hand it to children through the environment only. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves with the exit of redis-server (e.g. if it dies unexpectedly). */
  readonly exited: Promise<number | null>;
  /** Asks redis-server to shut down (it flushes the AOF), escalating to SIGKILL after the timeout. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface RedisLaunchOptions {
  dataDir: string;
  executable?: string;
  readyTimeoutMs?: number;
  /** Start in a separate process group so a terminal's Ctrl-C reaches only our launcher, which stops us last. */
  detached?: boolean;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export function redisConfig(options: { port: number; password: string; dir: string }): string {
  return [
    `port ${options.port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    `requirepass ${options.password}`,
    `dir "${options.dir}"`,
    'appendonly yes',
    'appendfsync everysec',
    'maxmemory-policy noeviction',
    'daemonize no',
    'loglevel notice',
    'logfile ""',
    '',
  ].join('\n');
}

export async function startPrivateRedis(options: RedisLaunchOptions): Promise<PrivateRedis> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      lastError = error; // most likely the port was taken between probe and bind: try another
    }
  }
  throw lastError;
}

async function startOnce(options: RedisLaunchOptions, port: number): Promise<PrivateRedis> {
  const dir = resolve(options.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('hex');
  const child = spawn(options.executable ?? 'redis-server', ['-'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
    child.once('error', () => resolveExit(null));
  });
  child.stdin?.end(redisConfig({ port, password, dir }));

  await waitUntilReady(child, exited, options.readyTimeoutMs ?? 10_000);
  const pid = child.pid as number;
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    port,
    pid,
    exited,
    stop: (timeoutMs = 10_000) => stopChild(child, exited, timeoutMs),
  };
}

function waitUntilReady(child: ChildProcess, exited: Promise<number | null>, timeoutMs: number) {
  return new Promise<void>((resolveReady, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new RedisLaunchError(`redis-server did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4096);
      if (output.includes('Ready to accept connections')) {
        cleanup();
        // Stop buffering; keep draining so a chatty redis-server never blocks on a full pipe.
        child.stdout?.resume();
        resolveReady();
      }
    };
    const onError = () => {
      cleanup();
      reject(new RedisLaunchError('redis-server could not be started (is it installed?)'));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('error', onError);
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', onError);
    void exited.then((code) => {
      cleanup();
      // Only the last line: redis-server's own explanation (e.g. "Address already in use").
      const last = output.trim().split('\n').pop() ?? '';
      reject(
        new RedisLaunchError(`redis-server exited (code ${code}) before it was ready: ${last.slice(0, 200)}`),
      );
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, timeoutMs: number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
