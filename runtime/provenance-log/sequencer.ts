// The one way entries enter the log. Under the sequencer lock:
//   recover the size from storage (latest checkpoint, then any entry written after it by a writer
//   that died before signing) → skip entries whose id is already logged → write each new entry at the
//   next index (ifAbsent: an index is never rewritten) with its id and digest indexes → sign and store
//   the new checkpoint (log/checkpoints/<size>, then log/checkpoint).
// Redis holds only the lock: after losing Redis the log continues from storage alone.
import { equalBytes } from '../../core/bytes.js';
import {
  type LogEntry,
  logEntryDigests,
  logEntryId,
  parseLogEntry,
  type RosterEntry,
  serializeLogEntry,
} from '../../core/contracts/log-entry.js';
import { leafHash, rootFromLeafHashes } from '../../core/merkle/index.js';
import type { Sodium } from '../../core/sodium.js';
import type { BlobStore } from '../blob-store/types.js';
import { readBlobText, writeBlob } from './blob-io.js';
import { LogContentionError, LogCorruptError } from './errors.js';
import {
  byHashKey,
  CHECKPOINT_KEY,
  checkpointKey,
  entryKey,
  idKey,
  parseIndexSegment,
  ROSTERS_PREFIX,
  rosterKey,
} from './layout.js';
import type { SequencerLock } from './lock.js';
import { createLogReader, type LogReader, leafData } from './reader.js';
import { type LogSigner, readTreeHead, signTreeHead } from './signer.js';

export interface RosterSnapshot {
  version: number;
  /** Reviewer fingerprints (32 hex digits) of this roster version. */
  reviewers: string[];
}

export interface AppendResult {
  /** The index of each entry passed in (an already logged id keeps its first index). */
  indexes: number[];
  /** Index of the roster entry, if a roster snapshot was passed and logged (now or before). */
  rosterIndex?: number;
  size: number;
  checkpoint: string;
}

export interface ProvenanceLog extends LogReader {
  /**
   * Appends entries atomically with respect to other appenders and signs one checkpoint covering
   * them. With `roster`, first logs a roster entry (the reviewers added and removed since the last
   * logged roster) unless this version or a newer one is already logged.
   */
  append(entries: readonly LogEntry[], options?: { roster?: RosterSnapshot }): Promise<AppendResult>;
}

export interface ProvenanceLogDeps {
  store: BlobStore;
  lock: SequencerLock;
  sodium: Sodium;
  signer: LogSigner;
}

const CONTENTION_RETRIES = 3;

export function createProvenanceLog(deps: ProvenanceLogDeps): ProvenanceLog {
  const { store } = deps;
  const reader = createLogReader(store);

  async function readIndex(key: string): Promise<number | undefined> {
    const text = await readBlobText(store, key);
    if (text === undefined) return undefined;
    const index = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(index)) throw new LogCorruptError();
    return index;
  }

  /** The id, digest and roster indexes of entry `index` (idempotent; repairs a crashed append). */
  async function writeIndexes(index: number, entry: LogEntry): Promise<void> {
    await writeBlob(store, idKey(logEntryId(entry)), String(index), { ifAbsent: true });
    for (const { field, sha256 } of logEntryDigests(entry)) {
      await writeBlob(store, byHashKey(field, sha256, index), '', { ifAbsent: true });
    }
    if (entry.kind === 'roster') {
      await writeBlob(store, rosterKey(entry.version), String(index), { ifAbsent: true });
    }
  }

  /** The current size from storage alone: the checkpoint's, plus entries written after it. */
  async function recoverSize(): Promise<{ size: number; signed: number }> {
    const note = await readBlobText(store, CHECKPOINT_KEY);
    const head = note === undefined ? undefined : readTreeHead(note);
    const signed = head?.size ?? 0;
    // Never extend (and so never sign) a log whose stored entries no longer match what was signed.
    if (
      head !== undefined &&
      !equalBytes(rootFromLeafHashes(await reader.leafHashes(signed)), head.rootHash)
    ) {
      throw new LogCorruptError('the stored provenance log no longer matches its latest checkpoint');
    }
    let size = signed;
    for (;;) {
      const text = await readBlobText(store, entryKey(size));
      if (text === undefined) break;
      await writeIndexes(size, parseLogEntry(text));
      size++;
    }
    return { size, signed };
  }

  /** Reviewers of the latest logged roster (replaying every roster entry) and its version. */
  async function loggedRoster(): Promise<{ version: number; reviewers: Set<string> }> {
    const reviewers = new Set<string>();
    let version = 0;
    const keys = await store.list(ROSTERS_PREFIX);
    for (const { key } of keys) {
      if (parseIndexSegment(key.slice(ROSTERS_PREFIX.length)) === undefined) continue;
      const index = await readIndex(key);
      if (index === undefined) continue;
      const entry = await reader.entry(index);
      if (entry.kind !== 'roster') throw new LogCorruptError();
      for (const fp of entry.removed) reviewers.delete(fp);
      for (const fp of entry.added) reviewers.add(fp);
      version = entry.version;
    }
    return { version, reviewers };
  }

  async function rosterEntry(snapshot: RosterSnapshot): Promise<RosterEntry | undefined> {
    const logged = await loggedRoster();
    if (snapshot.version <= logged.version) return undefined;
    const next = new Set(snapshot.reviewers);
    return {
      v: 1,
      kind: 'roster',
      version: snapshot.version,
      added: [...next].filter((fp) => !logged.reviewers.has(fp)).sort(),
      removed: [...logged.reviewers].filter((fp) => !next.has(fp)).sort(),
    };
  }

  async function appendOnce(entries: readonly LogEntry[], roster?: RosterSnapshot): Promise<AppendResult> {
    let { size, signed } = await recoverSize();
    const indexOf = async (entry: LogEntry): Promise<number> => {
      const existing = await readIndex(idKey(logEntryId(entry)));
      if (existing !== undefined) return existing;
      const text = serializeLogEntry(entry);
      const created = await writeBlob(store, entryKey(size), text, { ifAbsent: true });
      if (!created) throw new LogContentionError();
      await writeIndexes(size, entry);
      return size++;
    };
    let rosterIndex: number | undefined;
    if (roster !== undefined) {
      const entry = await rosterEntry(roster);
      rosterIndex = entry !== undefined ? await indexOf(entry) : await readIndex(rosterKey(roster.version));
    }
    const indexes: number[] = [];
    for (const entry of entries) indexes.push(await indexOf(entry));

    let checkpoint = await readBlobText(store, CHECKPOINT_KEY);
    if (checkpoint === undefined || size !== signed) {
      const hashes = await reader.leafHashes(size);
      checkpoint = signTreeHead(deps.sodium, deps.signer, size, rootFromLeafHashes(hashes));
      await writeBlob(store, checkpointKey(size), checkpoint, { ifAbsent: true });
      await writeBlob(store, CHECKPOINT_KEY, checkpoint);
    }
    return { indexes, ...(rosterIndex !== undefined ? { rosterIndex } : {}), size, checkpoint };
  }

  return {
    ...reader,
    async append(entries, options = {}) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await deps.lock.run(() => appendOnce(entries, options.roster));
        } catch (error) {
          if (!(error instanceof LogContentionError) || attempt >= CONTENTION_RETRIES) throw error;
        }
      }
    },
  };
}

/** The leaf hash of an entry as the log stores it. */
export function entryLeafHash(entry: LogEntry): Uint8Array {
  return leafHash(leafData(serializeLogEntry(entry)));
}
