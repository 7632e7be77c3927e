// Reading the published log from the blob store: the latest checkpoint, entries, leaf hashes and
// proofs. Only what a signed checkpoint covers is served. Leaf hashes are cached per process (entries
// are immutable once written); proofs are O(n) hashes over the cached leaves (core/merkle/source.ts).
import { fromUtf8, utf8 } from '../../core/bytes.js';
import { LOG_ENTRY_DOMAIN, type LogEntry, parseLogEntry } from '../../core/contracts/log-entry.js';
import { consistencyProof, inclusionProof, leafHash } from '../../core/merkle/index.js';
import type { BlobStore } from '../blob-store/types.js';
import { readBlobBytes, readBlobText } from './blob-io.js';
import { LogEntryNotFoundError, LogRangeError } from './errors.js';
import {
  byHashPrefix,
  CHECKPOINT_KEY,
  type DigestField,
  entryKey,
  idKey,
  parseIndexSegment,
} from './layout.js';
import { readTreeHead } from './signer.js';

export interface LogReader {
  /** The latest signed checkpoint note, or undefined before the first append. */
  checkpoint(): Promise<string | undefined>;
  /** The tree size of the latest checkpoint (0 before the first append). */
  size(): Promise<number>;
  /** Entry `index` as stored (parsed and checked); throws LogEntryNotFoundError. */
  entry(index: number): Promise<LogEntry>;
  /** The leaf hashes of the first `size` entries. */
  leafHashes(size: number): Promise<Uint8Array[]>;
  /** Audit path for `index` in the tree of `size` (≤ the published size). */
  inclusionProof(index: number, size: number): Promise<Uint8Array[]>;
  /** Consistency proof from size `from` to size `to` (≤ the published size). */
  consistencyProof(from: number, to: number): Promise<Uint8Array[]>;
  /** Indexes (below the published size, ascending) of entries carrying `hex` in `field`. */
  lookup(field: DigestField, hex: string): Promise<number[]>;
  /** Index (below the published size) of the entry with this id (core/contracts/log-entry.ts). */
  lookupId(id: string): Promise<number | undefined>;
}

/** The leaf data of a stored entry: the domain line and the stored canonical JSON, exactly. */
export function leafData(storedText: string): Uint8Array {
  return utf8(LOG_ENTRY_DOMAIN + storedText);
}

export function createLogReader(store: BlobStore): LogReader {
  const leaves = new Map<number, Uint8Array>();

  async function storedText(index: number): Promise<string> {
    const bytes = await readBlobBytes(store, entryKey(index));
    if (bytes === undefined) throw new LogEntryNotFoundError();
    return fromUtf8(bytes);
  }

  async function leafAt(index: number): Promise<Uint8Array> {
    const cached = leaves.get(index);
    if (cached !== undefined) return cached;
    const hash = leafHash(leafData(await storedText(index)));
    leaves.set(index, hash);
    return hash;
  }

  async function publishedSize(): Promise<number> {
    const note = await readBlobText(store, CHECKPOINT_KEY);
    return note === undefined ? 0 : readTreeHead(note).size;
  }

  async function leafHashes(size: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let i = 0; i < size; i++) out.push(await leafAt(i));
    return out;
  }

  const checkSize = (value: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < 0 || value > max) throw new LogRangeError();
  };

  return {
    checkpoint: () => readBlobText(store, CHECKPOINT_KEY),
    size: publishedSize,
    async entry(index) {
      checkSize(index, Number.MAX_SAFE_INTEGER);
      return parseLogEntry(await storedText(index));
    },
    leafHashes,
    async inclusionProof(index, size) {
      checkSize(size, await publishedSize());
      if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new LogRangeError();
      const hashes = await leafHashes(size);
      return inclusionProof(index, size, (i) => hashes[i] as Uint8Array);
    },
    async consistencyProof(from, to) {
      checkSize(to, await publishedSize());
      checkSize(from, to);
      const hashes = await leafHashes(to);
      return consistencyProof(from, to, (i) => hashes[i] as Uint8Array);
    },
    async lookup(field, hex) {
      if (!/^[0-9a-f]{64}$/.test(hex)) throw new LogRangeError('not a SHA-256 digest');
      const size = await publishedSize();
      const found: number[] = [];
      for (const segment of await store.children(byHashPrefix(field, hex))) {
        const index = parseIndexSegment(segment);
        if (index !== undefined && index < size) found.push(index);
      }
      return found.sort((a, b) => a - b);
    },
    async lookupId(id) {
      const text = await readBlobText(store, idKey(id));
      if (text === undefined || !/^(0|[1-9]\d{0,14})$/.test(text)) return undefined;
      const index = Number(text);
      return index < (await publishedSize()) ? index : undefined;
    },
  };
}
