// File writes for key material: private directories, atomic writes (temp file + link/rename),
// and a no-overwrite mode that is atomic too (link(2) fails if the target exists).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

export class FileExistsError extends Error {
  readonly code = 'FILE_EXISTS';
  constructor() {
    super('file already exists');
    this.name = 'FileExistsError';
  }
}

/** Creates the directory (and parents) and makes it 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stats = await lstat(dir);
  if (!stats.isDirectory()) throw new Error('not a directory');
  await chmod(dir, 0o700);
}

export async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function writeTemp(target: string, data: string | Uint8Array, mode: number): Promise<string> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(8).toString('hex')}.tmp`,
  );
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask may have narrowed or (never) widened the mode
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  return temp;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a new file atomically; throws FileExistsError (and leaves the old file) if it exists. */
export async function writeNewFile(target: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temp = await writeTemp(target, data, mode);
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError();
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncDir(path.dirname(target));
}

/** Replaces a file atomically: readers see the old or the new content, never a mix. */
export async function replaceFile(target: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temp = await writeTemp(target, data, mode);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDir(path.dirname(target));
}
