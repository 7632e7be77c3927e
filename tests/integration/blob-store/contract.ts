// The one contract every BlobStore passes (filesystem, memory, later S3). Call from a *.test.ts file.
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  BlobIncompleteError,
  BlobNotFoundError,
  type BlobStore,
  BlobTooLargeError,
  InvalidBlobKeyError,
  InvalidRangeError,
} from '../../../runtime/blob-store/index.js';

async function* chunksOf(bytes: Uint8Array, size = 1000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(new Uint8Array(chunk));
  return new Uint8Array(Buffer.concat(parts));
}

export function blobStoreContract(name: string, make: () => Promise<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    beforeEach(async () => {
      store = await make();
    });

    it('stores and streams back a blob, whole or by range', async () => {
      const data = new Uint8Array(randomBytes(300_000));
      expect(await store.put('a/b/c', chunksOf(data, 7777))).toEqual({ bytes: data.length, created: true });
      expect(await store.stat('a/b/c')).toEqual({ key: 'a/b/c', size: data.length });
      expect(Buffer.compare(await readAll(await store.get('a/b/c')), data)).toBe(0);
      const range = await readAll(await store.get('a/b/c', { start: 1000, end: 200_001 }));
      expect(Buffer.compare(range, data.subarray(1000, 200_001))).toBe(0);
      expect((await readAll(await store.get('a/b/c', { start: 5, end: 5 }))).length).toBe(0);
      expect((await readAll(await store.get('a/b/c', { start: 299_999 }))).length).toBe(1);
    });

    it('stores an empty blob', async () => {
      expect(await store.put('empty', chunksOf(new Uint8Array(0)))).toEqual({ bytes: 0, created: true });
      expect(await store.stat('empty')).toEqual({ key: 'empty', size: 0 });
      expect((await readAll(await store.get('empty'))).length).toBe(0);
    });

    it('reports a missing blob and refuses bad ranges', async () => {
      await expect(store.get('no/such')).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await store.stat('no/such')).toBeUndefined();
      await store.put('x', chunksOf(new Uint8Array(10)));
      await expect(store.get('x', { start: 5, end: 11 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.get('x', { start: 6, end: 5 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.get('x', { start: -1 })).rejects.toBeInstanceOf(InvalidRangeError);
    });

    it('replaces by default; with ifAbsent keeps the existing blob', async () => {
      await store.put('k', chunksOf(Uint8Array.of(1, 2, 3)));
      expect(await store.put('k', chunksOf(Uint8Array.of(4, 5)))).toEqual({ bytes: 2, created: true });
      expect([...(await readAll(await store.get('k')))]).toEqual([4, 5]);
      expect(await store.put('k', chunksOf(Uint8Array.of(6)), { ifAbsent: true })).toEqual({
        bytes: 1,
        created: false,
      });
      expect([...(await readAll(await store.get('k')))]).toEqual([4, 5]);
    });

    it('creates a blob exactly once when racing puts use ifAbsent', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.put('race/p', chunksOf(new Uint8Array(50_000).fill(i), 4096), { ifAbsent: true }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await store.list('race/')).toEqual([{ key: 'race/p', size: 50_000 }]);
    });

    it('stops reading at the first byte over maxBytes and keeps nothing', async () => {
      let yielded = 0;
      async function* endless(): AsyncGenerator<Uint8Array> {
        for (;;) {
          yielded++;
          yield new Uint8Array(1000);
        }
      }
      await expect(store.put('big', endless(), { maxBytes: 2500 })).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(yielded).toBe(3);
      expect(await store.stat('big')).toBeUndefined();
      expect(await store.list('')).toEqual([]);
      await expect(store.put('big', chunksOf(new Uint8Array(11)), { exactBytes: 10 })).rejects.toBeInstanceOf(
        BlobTooLargeError,
      );
    });

    it('keeps nothing when the source is short of exactBytes', async () => {
      await expect(
        store.put('short', chunksOf(new Uint8Array(99)), { exactBytes: 100 }),
      ).rejects.toBeInstanceOf(BlobIncompleteError);
      expect(await store.stat('short')).toBeUndefined();
      expect(await store.put('exact', chunksOf(new Uint8Array(100)), { exactBytes: 100 })).toEqual({
        bytes: 100,
        created: true,
      });
    });

    it('keeps the old blob and nothing new when the source fails midway', async () => {
      await store.put('f/old', chunksOf(Uint8Array.of(9)));
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield new Uint8Array(5000);
        throw new Error('client went away');
      }
      await expect(store.put('f/old', failing())).rejects.toThrow('client went away');
      await expect(store.put('f/new', failing())).rejects.toThrow('client went away');
      expect(await store.list('f/')).toEqual([{ key: 'f/old', size: 1 }]);
    });

    it('never shows a blob before its put completes', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let firstYielded: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        firstYielded = resolve;
      });
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield new Uint8Array(1000);
        firstYielded();
        await gate;
        yield new Uint8Array(1000);
      }
      const put = store.put('slow/x', slow());
      await started;
      expect(await store.stat('slow/x')).toBeUndefined();
      expect(await store.list('slow/')).toEqual([]);
      release();
      await put;
      expect(await store.stat('slow/x')).toEqual({ key: 'slow/x', size: 2000 });
    });

    it('lists by prefix in key order, and names the children of a prefix', async () => {
      for (const key of ['u/s1/0/1', 'u/s1/0/0', 'u/s1/1/0', 'u/s2/0/0', 'v/x', 'u/s10/0/0']) {
        await store.put(key, chunksOf(new Uint8Array(key.length)));
      }
      expect((await store.list('u/s1/')).map((b) => b.key)).toEqual(['u/s1/0/0', 'u/s1/0/1', 'u/s1/1/0']);
      expect((await store.list('u/s1')).map((b) => b.key)).toEqual([
        'u/s1/0/0',
        'u/s1/0/1',
        'u/s1/1/0',
        'u/s10/0/0',
      ]);
      expect((await store.list('')).length).toBe(6);
      expect(await store.list('nothing/')).toEqual([]);
      expect(await store.children('u/')).toEqual(['s1', 's10', 's2']);
      expect(await store.children('')).toEqual(['u', 'v']);
      expect(await store.children('u/s1/')).toEqual(['0', '1']);
      expect(await store.children('none/')).toEqual([]);
    });

    it('deletes one blob or a whole prefix', async () => {
      for (const key of ['d/a/0', 'd/a/1', 'd/ab/0', 'd/b/0'])
        await store.put(key, chunksOf(new Uint8Array(3)));
      expect(await store.delete('d/a/0')).toBe(true);
      expect(await store.delete('d/a/0')).toBe(false);
      expect(await store.deletePrefix('d/a/')).toBe(1);
      expect(await store.deletePrefix('d/a/')).toBe(0);
      expect((await store.list('d/')).map((b) => b.key)).toEqual(['d/ab/0', 'd/b/0']);
      expect(await store.children('d/')).toEqual(['ab', 'b']);
      expect(await store.delete('d/b/0')).toBe(true);
      expect(await store.children('d/')).toEqual(['ab']);
    });

    it('refuses keys that could escape or hide', async () => {
      for (const key of ['', '../x', 'a/../b', 'a//b', '/a', 'a/', '.hidden', 'a/.tmp-1', 'a b', 'a\\b']) {
        await expect(store.put(key, chunksOf(new Uint8Array(1)))).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
      await expect(store.deletePrefix('a')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.list('../')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.children('..')).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });
  });
}
