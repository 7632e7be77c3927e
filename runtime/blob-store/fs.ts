// Filesystem BlobStore: one file per blob under `root`, key segments as directories. A put streams to a
// dot-named temp file in the target's directory, fsyncs it, then renames (or, with ifAbsent, hard-links)
// it into place, so a blob is never seen half-written; any failure removes the temp file.
// Dot-named entries are never blobs (listing skips them). A key cannot also be a prefix of another key.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  unlink,
} from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  type ByteRange,
  checkKey,
  checkPrefix,
  checkRange,
  limited,
  type PutOptions,
  type PutResult,
} from './types.js';

const WRITE_BATCH_BYTES = 256 * 1024;

function errno(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
}

async function openTemp(dir: string): Promise<{ path: string; handle: FileHandle }> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `.tmp-${randomBytes(12).toString('hex')}`);
    try {
      return { path, handle: await open(path, 'wx', 0o600) };
    } catch (error) {
      // A concurrent delete may have pruned the (empty) directory between mkdir and open.
      if (errno(error) !== 'ENOENT' || attempt >= 3) throw error;
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}

async function writeAll(handle: FileHandle, source: AsyncIterable<Uint8Array>): Promise<number> {
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let total = 0;
  for await (const chunk of source) {
    batch.push(chunk);
    batchBytes += chunk.length;
    total += chunk.length;
    if (batchBytes >= WRITE_BATCH_BYTES) {
      await handle.writev(batch);
      batch = [];
      batchBytes = 0;
    }
  }
  if (batchBytes > 0) await handle.writev(batch);
  return total;
}

export function createFsBlobStore(root: string): BlobStore {
  const pathOf = (key: string) => join(root, ...checkKey(key));

  /** Removes empty directories from `dir` up to (not including) the root. */
  async function prune(dir: string): Promise<void> {
    let current = dir;
    while (current !== root && relative(root, current) !== '' && !relative(root, current).startsWith('..')) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone): stop
      }
      current = dirname(current);
    }
  }

  async function walk(dir: string, out: BlobInfo[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, out);
      else if (entry.isFile()) {
        try {
          const info = await lstat(path);
          out.push({ key: relative(root, path).split(sep).join('/'), size: info.size });
        } catch (error) {
          if (errno(error) !== 'ENOENT') throw error; // deleted meanwhile
        }
      }
    }
  }

  const store: BlobStore = {
    async put(key: string, source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<PutResult> {
      const target = pathOf(key);
      const temp = await openTemp(dirname(target));
      let kept = false;
      try {
        let bytes: number;
        try {
          bytes = await writeAll(temp.handle, limited(source, options));
          await temp.handle.sync();
        } finally {
          await temp.handle.close();
        }
        let created = true;
        if (options?.ifAbsent === true) {
          try {
            await link(temp.path, target);
          } catch (error) {
            if (errno(error) !== 'EEXIST') throw error;
            created = false;
          }
          await unlink(temp.path);
        } else {
          await rename(temp.path, target);
        }
        kept = true;
        if (created) await syncDir(dirname(target));
        return { bytes, created };
      } finally {
        if (!kept) await rm(temp.path, { force: true });
      }
    },

    async get(key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
      const path = pathOf(key);
      let handle: FileHandle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        if (errno(error) === 'ENOENT' || errno(error) === 'EISDIR' || errno(error) === 'ENOTDIR')
          throw new BlobNotFoundError();
        throw error;
      }
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw new BlobNotFoundError();
        const { start, end } = checkRange(range, info.size);
        if (end === start) {
          await handle.close();
          return (async function* () {})();
        }
        return createReadStream('', { fd: handle, start, end: end - 1, highWaterMark: 256 * 1024 });
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async stat(key: string): Promise<BlobInfo | undefined> {
      try {
        const info = await lstat(pathOf(key));
        return info.isFile() ? { key, size: info.size } : undefined;
      } catch (error) {
        if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return undefined;
        throw error;
      }
    },

    async list(prefix: string): Promise<BlobInfo[]> {
      checkPrefix(prefix);
      const cut = prefix.lastIndexOf('/');
      const base = cut < 0 ? root : join(root, ...prefix.slice(0, cut).split('/'));
      const out: BlobInfo[] = [];
      await walk(base, out);
      return out.filter((b) => b.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
    },

    async children(prefix: string): Promise<string[]> {
      checkPrefix(prefix, true);
      const dir = prefix === '' ? root : join(root, ...prefix.slice(0, -1).split('/'));
      try {
        const entries = await readdir(dir, { withFileTypes: true });
        return entries
          .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isFile()))
          .map((e) => e.name)
          .sort();
      } catch (error) {
        if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return [];
        throw error;
      }
    },

    async delete(key: string): Promise<boolean> {
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return false;
        throw error;
      }
      await prune(dirname(path));
      return true;
    },

    async deletePrefix(prefix: string): Promise<number> {
      checkPrefix(prefix, true);
      if (prefix === '') {
        const all = await store.list('');
        for (const blob of all) await store.delete(blob.key);
        return all.length;
      }
      const count = (await store.list(prefix)).length;
      const dir = join(root, ...prefix.slice(0, -1).split('/'));
      await rm(dir, { recursive: true, force: true });
      await prune(dirname(dir));
      return count;
    },
  };
  return store;
}
