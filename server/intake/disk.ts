// Free bytes on the filesystem holding `dir` (what an unprivileged process may still write).
import { mkdir, statfs } from 'node:fs/promises';

export function statfsFreeBytes(dir: string): () => Promise<number> {
  return async () => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  };
}
