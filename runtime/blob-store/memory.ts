// In-memory BlobStore for tests and tools. Same contract as the filesystem store.
import { concatBytes } from '../../core/bytes.js';
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

export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Uint8Array>();
  const sorted = (prefix: string) => [...blobs.keys()].filter((key) => key.startsWith(prefix)).sort();

  return {
    async put(key: string, source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<PutResult> {
      checkKey(key);
      const chunks: Uint8Array[] = [];
      for await (const chunk of limited(source, options)) chunks.push(chunk);
      const out = concatBytes(...chunks);
      if (options?.ifAbsent === true && blobs.has(key)) return { bytes: out.length, created: false };
      blobs.set(key, out);
      return { bytes: out.length, created: true };
    },

    async get(key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
      checkKey(key);
      const blob = blobs.get(key);
      if (blob === undefined) throw new BlobNotFoundError();
      const { start, end } = checkRange(range, blob.length);
      const view = blob.slice(start, end);
      return (async function* () {
        for (let i = 0; i < view.length; i += 65536) yield view.slice(i, i + 65536);
      })();
    },

    async stat(key: string): Promise<BlobInfo | undefined> {
      checkKey(key);
      const blob = blobs.get(key);
      return blob === undefined ? undefined : { key, size: blob.length };
    },

    async list(prefix: string): Promise<BlobInfo[]> {
      checkPrefix(prefix);
      return sorted(prefix).map((key) => ({ key, size: (blobs.get(key) as Uint8Array).length }));
    },

    async children(prefix: string): Promise<string[]> {
      checkPrefix(prefix, true);
      const names = new Set<string>();
      for (const key of sorted(prefix)) names.add(key.slice(prefix.length).split('/')[0] as string);
      return [...names].sort();
    },

    async delete(key: string): Promise<boolean> {
      checkKey(key);
      return blobs.delete(key);
    },

    async deletePrefix(prefix: string): Promise<number> {
      checkPrefix(prefix, true);
      const keys = sorted(prefix);
      for (const key of keys) blobs.delete(key);
      return keys.length;
    },
  };
}
