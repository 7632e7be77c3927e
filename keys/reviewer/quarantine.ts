// Files that failed verification are moved, never deleted, to OUT/quarantine/<submission>/ so the
// reviewer (or the operator) can examine them. A later copy never overwrites an earlier one.
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';

export const QUARANTINE_DIR = 'quarantine';

async function free(target: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? target : `${target}.${n}`;
    try {
      await stat(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
      throw error;
    }
  }
}

/** Moves `file` into the quarantine folder of `submission`; returns its new path (relative to outDir). */
export async function quarantine(
  outDir: string,
  submission: string,
  file: string,
  name: string,
): Promise<string> {
  const dir = path.join(outDir, QUARANTINE_DIR, submission);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = await free(path.join(dir, name));
  await rename(file, target);
  return path.relative(outDir, target);
}
