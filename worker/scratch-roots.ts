// One scratch root per worker process, so workers sharing a DATA_DIR never wipe each other's plaintext.
// Layout under DATA_DIR/scratch (0700):
//   w-<32 hex>.lock   held with an exclusive flock(2) for as long as its worker process lives
//   w-<32 hex>/       that worker's scratch root (0700), one dir per job inside (worker/scratch.ts)
// The lock is taken (and checked to still be the file at that path) before the root is created, and is
// held by a small child (`sh` exec'ing `cat` on a pipe from the worker, in its own process group): when
// the worker dies, even by SIGKILL, the pipe closes, `cat` exits and the kernel drops the lock. So a lock
// anyone can take is proof that its owner is dead, on this host or on any host sharing the filesystem's
// locks (containers on one kernel included). A sweeper wipes a root and unlinks its lock file only while
// holding that lock itself. Anything else under DATA_DIR/scratch is left alone and counted.
// Needs flock(1) (util-linux) and sh.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KuaError } from '../runtime/errors.js';

const ROOT = /^w-[0-9a-f]{32}$/;
const LOCK = /^(w-[0-9a-f]{32})\.lock$/;
/** flock(1)'s exit code when the lock is held elsewhere (-E). */
const CONFLICT = 75;
const LOCK_TIMEOUT_MS = 10_000;

export class ScratchLockError extends KuaError {
  constructor(detail: string) {
    super('SCRATCH_LOCK_FAILED', `could not lock a private scratch root: ${detail}`);
  }
}

export interface ScratchRootLease {
  /** This process's own scratch root (0700). */
  root: string;
  /** Wipes the root, then drops the lock. */
  release(): Promise<void>;
}

export interface SweepResult {
  /** Roots whose owner was provably dead, now wiped. */
  wiped: number;
  /** Roots whose owner still holds its lock. */
  live: number;
  /** Entries without a lock (not made by this scheme): left alone. */
  unknown: number;
}

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Starts the lock holder; resolves once it holds the lock. */
function holdLock(lockFile: string): Promise<ChildProcess> {
  // Lock fd 9, then make sure the path still names the locked file (a sweeper may have just removed a
  // lock file of that name): only then say so and hold the lock until our stdin closes.
  const script =
    'exec 9>>"$1" && flock -x -n 9 && [ /dev/fd/9 -ef "$1" ] && echo locked && exec cat >/dev/null';
  const child = spawn('sh', ['-c', script, 'kua-scratch-lock', lockFile], {
    stdio: ['pipe', 'pipe', 'ignore'],
    // Its own process group: a Ctrl-C to the worker's group must not drop the lock mid-job.
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail('timed out'), LOCK_TIMEOUT_MS);
    const fail = (detail: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new ScratchLockError(detail));
    };
    child.once('error', (error) => fail((error as NodeJS.ErrnoException).code ?? 'spawn failed'));
    child.once('exit', (code) =>
      fail(code === 127 ? 'flock(1) not found (install util-linux)' : `lock not taken (${code})`),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out !== 'locked\n') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout?.destroy();
      // Neither the child nor its pipe keeps the worker alive; the pipe closes when the worker exits.
      child.unref();
      (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      resolve(child);
    });
  });
}

/**
 * Under `lockFile`'s lock, if nobody else holds it (its owner is dead): wipes `root`, then unlinks the
 * lock file, and returns true. Returns false if the lock is held. Throws on any other failure.
 */
export function wipeIfOwnerDead(lockFile: string, root: string): Promise<boolean> {
  const args = ['-x', '-n', '-E', String(CONFLICT), lockFile, 'sh', '-c', 'rm -rf -- "$1" && rm -f -- "$2"'];
  return new Promise((resolve, reject) => {
    execFile('flock', [...args, 'kua-scratch-sweep', root, lockFile], (error) => {
      if (error === null) resolve(true);
      else if (error.code === CONFLICT) resolve(false);
      else
        reject(new ScratchLockError(typeof error.code === 'number' ? `flock exit ${error.code}` : 'flock'));
    });
  });
}

/** Locks and creates this process's own scratch root under `base` (DATA_DIR/scratch). */
export async function claimScratchRoot(base: string): Promise<ScratchRootLease> {
  await privateDir(base);
  let name = '';
  let holder: ChildProcess | undefined;
  // A fresh random name each try: a try fails only if a sweeper raced us for that very lock file.
  for (let attempt = 1; holder === undefined; attempt++) {
    name = `w-${randomBytes(16).toString('hex')}`;
    try {
      holder = await holdLock(join(base, `${name}.lock`));
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const lockFile = join(base, `${name}.lock`);
  const root = join(base, name);
  try {
    await privateDir(root);
  } catch (error) {
    holder.kill('SIGKILL');
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    root,
    release() {
      released ??= (async () => {
        await rm(root, { recursive: true, force: true });
        await unlink(lockFile).catch(() => {});
        await new Promise<void>((resolve) => {
          if (holder.exitCode !== null || holder.signalCode !== null) return resolve();
          holder.once('exit', () => resolve());
          holder.stdin?.end();
        });
      })();
      return released;
    },
  };
}

/**
 * Wipes every scratch root under `base` whose owner is provably dead (its lock can be taken), except
 * `own`. Live roots and entries not made by this scheme are left alone and only counted.
 */
export async function wipeStaleScratchRoots(base: string, own?: string): Promise<SweepResult> {
  const result: SweepResult = { wiped: 0, live: 0, unknown: 0 };
  let entries: string[];
  try {
    entries = await readdir(base);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw error;
  }
  const locked = new Set<string>();
  for (const entry of entries) {
    const name = LOCK.exec(entry)?.[1];
    if (name === undefined) continue;
    locked.add(name);
    if (join(base, name) === own) continue;
    if (await wipeIfOwnerDead(join(base, entry), join(base, name))) {
      result.wiped++;
    } else {
      result.live++;
    }
  }
  for (const entry of entries) {
    if (LOCK.test(entry) || (ROOT.test(entry) && locked.has(entry))) continue;
    result.unknown++;
  }
  return result;
}
