// Drives exactly what a newcomer types: `npm start` in the repo, then Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { fromBase64 } from '../../core/base64.js';
import { healthResponseSchema } from '../../core/contracts/health.js';
import { verifyRoster } from '../../core/roster.js';
import { readySodium } from '../../core/sodium.js';
import { loadReviewerKeyFile } from '../../keys/reviewer-key.js';
import { findExecutable } from '../../runtime/prerequisites.js';
import { launchChromium } from './support/chromium.js';

const repo = join(import.meta.dirname, '..', '..');

interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
}

function processTable(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.push({ pid: Number(entry), ppid, cmd });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function descendants(root: number): Proc[] {
  const table = processTable();
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const p of table) {
      if (p.ppid === parent) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `predicate` holds, checking whenever `onChange` fires or at most every 100 ms; bounded. */
async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function output(child: ChildProcess) {
  let text = '';
  const listeners = new Set<() => void>();
  const on = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', on);
  child.stderr?.on('data', on);
  return {
    text: () => text,
    waitForMatch: (re: RegExp, timeoutMs: number) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const m = text.match(re);
          if (m !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no match for ${re} within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        child.once('exit', () => {
          if (text.match(re) === null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`exited before ${re}; output:\n${text}`));
          }
        });
        check();
      }),
  };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Resolves when every process holding the child's stdout/stderr (the whole tree) has let go. */
function outputClosed(child: ChildProcess): Promise<void> {
  const closed = (s: NodeJS.ReadableStream | null) =>
    new Promise<void>((resolve) => (s === null ? resolve() : s.once('close', () => resolve())));
  return Promise.all([closed(child.stdout), closed(child.stderr)]).then(() => undefined);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function npmStart(env: Record<string, string>): ChildProcess {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.REDIS_URL; // exercise the private redis-server path
  return spawn('npm', ['start'], {
    cwd: repo,
    env: { ...base, ...env },
    detached: true, // own process group, like a terminal's foreground job: Ctrl-C = SIGINT to the group
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('npm start', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kua-start-'));
  const started: ChildProcess[] = [];
  const trees: Proc[][] = [];
  afterAll(() => {
    // If a test failed half-way, kill what it left (its own process groups and the detached children).
    for (const p of trees.flat()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const child of started) {
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves the page within 60 s and Ctrl-C leaves no process behind', async () => {
    const dataDir = join(scratch, 'data');
    const keysDir = join(scratch, 'keys');
    const npm = npmStart({ PORT: '0', DATA_DIR: dataDir, KUA_KEYS_DIR: keysDir, LOG_LEVEL: 'debug' });
    started.push(npm);
    const out = output(npm);
    const [, url] = await out.waitForMatch(/Kuä is running at (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000);

    const tree = descendants(npm.pid as number);
    trees.push(tree);

    expect(out.text()).toContain('DEVELOPMENT KEYS');
    expect(out.text()).toContain(keysDir);
    expect(existsSync(join(keysDir, 'public.json'))).toBe(true);

    // A dev reviewer on a roster signed by the org key, so the local worker can seal results.
    expect(out.text()).toContain(join(keysDir, 'dev-reviewer.passphrase'));
    expect(out.text()).toContain('kua roster add');
    expect(statSync(join(keysDir, 'dev-reviewer.passphrase')).mode & 0o777).toBe(0o600);
    expect(statSync(join(keysDir, 'dev-reviewer.key')).mode & 0o777).toBe(0o600);
    const sodium = await readySodium();
    const publicConfig = JSON.parse(readFileSync(join(keysDir, 'public.json'), 'utf8'));
    const roster = verifyRoster(
      sodium,
      readFileSync(join(keysDir, 'roster.json'), 'utf8'),
      fromBase64(publicConfig.orgPublicKey),
    );
    const reviewer = await loadReviewerKeyFile(
      join(keysDir, 'dev-reviewer.key'),
      readFileSync(join(keysDir, 'dev-reviewer.passphrase'), 'utf8').trimEnd(),
    );
    expect(roster.reviewers.map((r) => [r.name, sodium.to_hex(r.fingerprint)])).toEqual([
      ['dev-reviewer', sodium.to_hex(reviewer.fingerprint)],
    ]);

    const headers = { 'User-Agent': 'E2E-Witness-UA/4.2', 'X-Forwarded-For': '192.0.2.77' };
    const page = await fetch(url as string, { headers });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Kuä');
    const script = html.match(/<script[^>]*src="([^"]+)"/)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(new URL(script as string, url), { headers })).status).toBe(200);

    const healthRes = await fetch(new URL('/api/health', url), { headers });
    expect(healthRes.status).toBe(200);
    const health = healthResponseSchema.parse(await healthRes.json());
    expect(health).toMatchObject({ status: 'ok', redis: 'ok' });

    // The page works in a real browser under its own CSP (no violations, its script ran).
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      tab.on('pageerror', (e) => problems.push(e.message));
      await tab.goto(url as string);
      // The upload page marks itself ready once it has loaded the intake config and started its worker.
      await tab.waitForSelector('html[data-kua="ready"]', { state: 'attached', timeout: 10_000 });
      expect(await tab.getByRole('heading', { level: 1 }).textContent()).toBe('Kuä');
      expect(await tab.evaluate('document.cookie')).toBe('');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }

    const redis = tree.filter((p) => p.cmd.startsWith('redis-server'));
    const server = tree.filter((p) => p.cmd.includes('dist/server/main.js'));
    const worker = tree.filter((p) => p.cmd.includes('dist/worker/main.js'));
    expect([redis.length, server.length, worker.length]).toEqual([1, 1, 1]);
    expect(existsSync(join(dataDir, 'redis'))).toBe(true);

    const closed = outputClosed(npm);
    const exited = exitOf(npm);
    process.kill(-(npm.pid as number), 'SIGINT'); // what a terminal's Ctrl-C does
    await within(closed, 30_000, 'every process of npm start to close its output');
    await within(exited, 5_000, 'npm to exit');
    await waitFor(() => tree.every((p) => !alive(p.pid)), 10_000, 'every started process to exit');
    // npm itself re-raises SIGINT; the launcher reports a clean stop (it exits 0 only after stopping all).
    expect(npm.exitCode === 0 || npm.signalCode === 'SIGINT').toBe(true);
    expect(out.text()).toContain('Kuä stopped.');

    const log = out.text();
    expect(log).not.toContain('E2E-Witness-UA');
    expect(log).not.toContain('192.0.2.77');
    expect(log).not.toMatch(/redis:\/\/:[0-9a-f]{48}@/); // the Redis password never reaches the output
  }, 120_000);

  it('fails at once naming a broken variable, never echoing its value', async () => {
    const npm = npmStart({
      PORT: 'abc',
      DATA_DIR: join(scratch, 'bad'),
      KUA_KEYS_DIR: join(scratch, 'badkeys'),
    });
    started.push(npm);
    const out = output(npm);
    const code = await exitOf(npm);
    expect(code).not.toBe(0);
    expect(out.text()).toMatch(/kua: Invalid configuration: PORT/);
    expect(out.text()).not.toMatch(/\babc\b/);
    expect(existsSync(join(scratch, 'badkeys'))).toBe(false);
  }, 60_000);

  it('stops at once with a one-line fix when redis-server is missing', async () => {
    // A PATH with node, npm, ffmpeg and ffprobe but no redis-server.
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    for (const tool of ['npm', 'ffmpeg', 'ffprobe', 'sh']) {
      const found = findExecutable(tool);
      if (found === undefined) throw new Error(`${tool} must be installed for this test`);
      symlinkSync(realpathSync(found), join(bin, tool));
    }
    const npm = npmStart({
      PATH: bin,
      DATA_DIR: join(scratch, 'nored'),
      KUA_KEYS_DIR: join(scratch, 'noredkeys'),
    });
    started.push(npm);
    const out = output(npm);
    expect(await exitOf(npm)).not.toBe(0);
    const lines = out
      .text()
      .split('\n')
      .filter((l) => l.startsWith('kua:'));
    expect(lines).toEqual([
      'kua: redis-server not found: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to an existing Redis',
    ]);
    expect(existsSync(join(scratch, 'noredkeys'))).toBe(false);
  }, 60_000);

  it('stops everything when npm alone is sent SIGTERM (npm does not pass it on)', async () => {
    const npm = npmStart({ PORT: '0', DATA_DIR: join(scratch, 'data'), KUA_KEYS_DIR: join(scratch, 'keys') });
    started.push(npm);
    const out = output(npm);
    await out.waitForMatch(/Kuä is running at http:\/\/127\.0\.0\.1:\d+\//, 60_000);
    const tree = descendants(npm.pid as number);
    trees.push(tree);
    expect(tree.filter((p) => p.cmd.startsWith('redis-server'))).toHaveLength(1);
    expect(out.text()).not.toContain('DEVELOPMENT KEYS'); // second run: the keys from the first test are kept
    const closed = outputClosed(npm);
    process.kill(npm.pid as number, 'SIGTERM');
    await within(closed, 30_000, 'every process of npm start to close its output');
    await waitFor(() => tree.every((p) => !alive(p.pid)), 10_000, 'every started process to exit');
    expect(out.text()).toContain('Kuä stopped.');
  }, 90_000);
});
