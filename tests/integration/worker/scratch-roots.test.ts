// Per-process scratch roots with real flock(1) locks and real processes: a root is wiped only once the
// process holding its lock is dead; live roots and foreign entries are left alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { claimScratchRoot, wipeStaleScratchRoots } from '../../../worker/scratch-roots.js';

const dir = mkdtempSync(join(tmpdir(), 'kua-scratch-roots-'));
const holders: ChildProcess[] = [];
afterAll(() => {
  for (const h of holders) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Another process owning root `name` under `base` exactly as a worker does: lock held, then the root. */
async function otherOwner(base: string, name: string): Promise<ChildProcess> {
  const script = 'exec 9>>"$1" && flock -x -n 9 && echo locked && exec cat >/dev/null';
  const child = spawn('sh', ['-c', script, 'test-owner', join(base, `${name}.lock`)], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  holders.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  mkdirSync(join(base, name, 'job1'), { recursive: true, mode: 0o700 });
  writeFileSync(join(base, name, 'job1', 'f0-plain'), 'plaintext of a running job');
  return child;
}

function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

describe('scratch roots', () => {
  it('gives each claim its own 0700 root under a 0700 base, and release removes root and lock', async () => {
    const base = join(dir, 'own');
    const a = await claimScratchRoot(base);
    const b = await claimScratchRoot(base);
    expect(a.root).not.toBe(b.root);
    for (const root of [base, a.root, b.root]) expect(statSync(root).mode & 0o777).toBe(0o700);
    writeFileSync(join(a.root, 'x'), 'a');
    // Each sees the other as live (its lock is held), never wipes it.
    expect(await wipeStaleScratchRoots(base, a.root)).toEqual({ wiped: 0, live: 1, unknown: 0 });
    expect(existsSync(join(a.root, 'x'))).toBe(true);
    await a.release();
    await b.release();
    expect(readdirSync(base)).toEqual([]);
  });

  it('wipes the root of a process that died holding its lock, and only that one', async () => {
    const base = join(dir, 'dead');
    mkdirSync(base, { mode: 0o700 });
    const dead = `w-${'a'.repeat(32)}`;
    const alive = `w-${'b'.repeat(32)}`;
    const deadOwner = await otherOwner(base, dead);
    await otherOwner(base, alive);
    // Not made by this scheme (e.g. the old one-root layout): left alone, counted.
    mkdirSync(join(base, 'legacy-job'));
    writeFileSync(join(base, 'legacy-job', 'f0-plain'), 'old');
    const mine = await claimScratchRoot(base);

    expect(await wipeStaleScratchRoots(base, mine.root)).toEqual({ wiped: 0, live: 2, unknown: 1 });
    expect(existsSync(join(base, dead, 'job1', 'f0-plain'))).toBe(true);

    await killed(deadOwner); // SIGKILL: no chance to clean up; the kernel drops its lock
    expect(await wipeStaleScratchRoots(base, mine.root)).toEqual({ wiped: 1, live: 1, unknown: 1 });
    expect(existsSync(join(base, dead))).toBe(false);
    expect(existsSync(join(base, `${dead}.lock`))).toBe(false);
    expect(existsSync(join(base, alive, 'job1', 'f0-plain'))).toBe(true);
    expect(existsSync(join(base, 'legacy-job', 'f0-plain'))).toBe(true);
    expect(existsSync(mine.root)).toBe(true);
    await mine.release();
  });

  it('drops the lock when the claiming process dies by SIGKILL', async () => {
    const base = join(dir, 'child');
    // A real process claims a root through the same code path, then is killed.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { claimScratchRoot } = await import(${JSON.stringify(join(import.meta.dirname, '../../../dist/worker/scratch-roots.js'))});
         const lease = await claimScratchRoot(process.argv[1]);
         process.stdout.write(lease.root + '\\n');
         setInterval(() => {}, 1000);`,
        base,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    holders.push(child);
    const root = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.endsWith('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`claimer exited ${code}`)));
    });
    writeFileSync(join(root, 'f0-plain'), 'plaintext');
    expect(await wipeStaleScratchRoots(base)).toEqual({ wiped: 0, live: 1, unknown: 0 });
    await killed(child);
    // The lock holder notices its parent is gone when its pipe closes; bounded wait for that.
    const deadline = Date.now() + 5_000;
    let result = await wipeStaleScratchRoots(base);
    while (result.wiped === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      result = await wipeStaleScratchRoots(base);
    }
    expect(result).toEqual({ wiped: 1, live: 0, unknown: 0 });
    expect(readdirSync(base)).toEqual([]);
  });
});
