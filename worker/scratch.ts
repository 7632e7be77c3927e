// The private scratch area: plaintext exists only in memory and here. One 0700 directory per job under
// `root` (this worker process's own root, DATA_DIR/scratch/w-…, see scratch-roots.ts), wiped when the
// job ends, whatever happens; a killed worker's whole root is wiped by the next worker that starts (or
// sweeps) on this DATA_DIR once its lock proves it dead.
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface Scratch {
  dir: string;
  /** A path inside the scratch dir for `name` (a fixed, non-identifying name). */
  path(name: string): string;
  wipe(): Promise<void>;
}

const JOB_DIR = /^[A-Za-z0-9_-]{1,100}$/;

/** Deletes everything under `root` and recreates it empty with mode 0700 (tests; workers share a base). */
export async function resetScratchRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
}

/** A fresh, empty 0700 directory for one job (an older one with the same id is wiped first). */
export async function createScratch(root: string, jobId: string): Promise<Scratch> {
  if (!JOB_DIR.test(jobId)) throw new Error('invalid scratch directory name');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const dir = join(root, jobId);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { mode: 0o700 });
  await chmod(dir, 0o700);
  return {
    dir,
    path: (name) => {
      if (!JOB_DIR.test(name)) throw new Error('invalid scratch file name');
      return join(dir, name);
    },
    wipe: () => rm(dir, { recursive: true, force: true }),
  };
}
