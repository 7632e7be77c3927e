import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createFsBlobStore, createMemoryBlobStore } from '../../../runtime/blob-store/index.js';
import { blobStoreContract } from './contract.js';

const scratch = mkdtempSync(join(tmpdir(), 'kua-blobs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
const fsRoot = () => join(scratch, `store-${n++}`);

blobStoreContract('memory', async () => createMemoryBlobStore());
blobStoreContract('filesystem', async () => createFsBlobStore(fsRoot()));

/** Every directory entry under `dir`, dot files included. */
function everything(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: false }) as string[];
  } catch {
    return [];
  }
}

describe('filesystem BlobStore on disk', () => {
  it('leaves no temp file and no empty directory behind after failures and deletes', async () => {
    const root = fsRoot();
    const store = createFsBlobStore(root);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(100_000);
      throw new Error('abort');
    }
    await expect(store.put('up/s/0/0', failing())).rejects.toThrow('abort');
    await expect(
      store.put(
        'up/s/0/1',
        (async function* () {
          yield new Uint8Array(10);
        })(),
        { maxBytes: 5 },
      ),
    ).rejects.toThrow();
    expect(everything(root).filter((name) => name.includes('.tmp-'))).toEqual([]);
    await store.put(
      'up/s/0/2',
      (async function* () {
        yield new Uint8Array(10);
      })(),
    );
    await store.deletePrefix('up/s/');
    expect(everything(root)).toEqual([]);
  });

  it('writes blobs owner-only', async () => {
    const root = fsRoot();
    const store = createFsBlobStore(root);
    await store.put(
      'p/q',
      (async function* () {
        yield new Uint8Array(1);
      })(),
    );
    const { statSync } = await import('node:fs');
    expect(statSync(join(root, 'p', 'q')).mode & 0o077).toBe(0);
    expect(statSync(join(root, 'p')).mode & 0o077).toBe(0);
  });
});
