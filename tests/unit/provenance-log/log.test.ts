// The provenance log on the in-memory blob store with an in-process lock: appends, proofs that
// verify with core/merkle, idempotency, roster diffs, crash recovery and tamper detection.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { fromUtf8 } from '../../../core/bytes.js';
import {
  encodeLogEntry,
  LOG_ENTRY_DOMAIN,
  type LogEntry,
  parseLogEntry,
  serializeLogEntry,
} from '../../../core/contracts/log-entry.js';
import {
  leafHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../core/merkle/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { createMemoryBlobStore } from '../../../runtime/blob-store/memory.js';
import type { BlobStore } from '../../../runtime/blob-store/types.js';
import { readBlobText, writeBlob } from '../../../runtime/provenance-log/blob-io.js';
import { checkLogIntegrity } from '../../../runtime/provenance-log/integrity.js';
import { CHECKPOINT_KEY, CHECKPOINTS_PREFIX, entryKey } from '../../../runtime/provenance-log/layout.js';
import { createLocalLock } from '../../../runtime/provenance-log/lock.js';
import { createProvenanceLog, entryLeafHash } from '../../../runtime/provenance-log/sequencer.js';
import { type LogSigner, signTreeHead, verifyTreeHead } from '../../../runtime/provenance-log/signer.js';
import { received, sanitised, someEntries, submissionId, testSigner } from './helpers.js';

let sodium: Sodium;
let signer: LogSigner;
beforeAll(async () => {
  sodium = await readySodium();
  signer = testSigner(sodium);
});

function newLog(store: BlobStore = createMemoryBlobStore()) {
  return { store, log: createProvenanceLog({ store, lock: createLocalLock(), sodium, signer }) };
}

async function storedCheckpoints(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for (const { key } of await store.list(CHECKPOINTS_PREFIX))
    out.push((await readBlobText(store, key)) as string);
  return out;
}

describe('log entries (core/contracts/log-entry.ts)', () => {
  it('leaf data is the domain line and the canonical JSON; parsing refuses anything else', () => {
    const entry = sanitised(submissionId(), 3);
    const text = serializeLogEntry(entry);
    expect(fromUtf8(encodeLogEntry(entry))).toBe(LOG_ENTRY_DOMAIN + text);
    expect(parseLogEntry(text)).toEqual(entry);
    expect(() => parseLogEntry(JSON.stringify(entry, null, 1))).toThrow(
      expect.objectContaining({ code: 'LOG_ENTRY_MALFORMED' }),
    );
    expect(() => parseLogEntry(text.replace('"v":1', '"v":2'))).toThrow();
  });

  it('has no place for the original plain hash or size, nor the intake size', () => {
    const entry = sanitised(submissionId(), 0);
    const withHash = { ...entry, original: { ...entry.original, sha256: 'ab'.repeat(32) } };
    expect(() => serializeLogEntry(withHash as LogEntry)).toThrow(
      expect.objectContaining({ code: 'LOG_ENTRY_MALFORMED' }),
    );
    const withSize = { ...entry, original: { ...entry.original, bytes: 5 } };
    expect(() => serializeLogEntry(withSize as LogEntry)).toThrow();
    const r = received(submissionId(), 0);
    const withIntakeSize = { ...r, intake: { ...r.intake, bytes: 5 } };
    expect(() => serializeLogEntry(withIntakeSize as LogEntry)).toThrow();
  });
});

describe('provenance log', () => {
  it('appends in order, signs a checkpoint, and every inclusion and consistency proof verifies', async () => {
    const { store, log } = newLog();
    const entries = someEntries(13);
    const checkpoints: string[] = [];
    for (let i = 0; i < entries.length; i += 3) {
      const result = await log.append(entries.slice(i, i + 3));
      expect(result.indexes).toEqual(entries.slice(i, i + 3).map((_, k) => i + k));
      checkpoints.push(result.checkpoint);
    }
    expect(await log.size()).toBe(13);
    const head = verifyTreeHead(sodium, signer, (await log.checkpoint()) as string);
    expect(head.size).toBe(13);
    for (const [index, entry] of entries.entries()) {
      expect(await log.entry(index)).toEqual(entry);
      const proof = await log.inclusionProof(index, head.size);
      expect(verifyInclusion(entryLeafHash(entry), index, head.size, proof, head.rootHash)).toBe(true);
      expect(() =>
        verifyInclusion(
          entryLeafHash(entries[(index + 1) % 13] as LogEntry),
          index,
          head.size,
          proof,
          head.rootHash,
        ),
      ).toThrow();
    }
    expect(await storedCheckpoints(store)).toEqual(checkpoints);
    for (const a of checkpoints) {
      for (const b of checkpoints) {
        const m = verifyTreeHead(sodium, signer, a);
        const n = verifyTreeHead(sodium, signer, b);
        if (m.size > n.size) continue;
        const proof = await log.consistencyProof(m.size, n.size);
        expect(verifyConsistency(m.size, n.size, proof, m.rootHash, n.rootHash)).toBe(true);
      }
    }
    await expect(log.inclusionProof(0, 14)).rejects.toMatchObject({ code: 'LOG_RANGE' });
    await expect(log.consistencyProof(5, 14)).rejects.toMatchObject({ code: 'LOG_RANGE' });
    await expect(log.consistencyProof(6, 5)).rejects.toMatchObject({ code: 'LOG_RANGE' });
  });

  it('is idempotent by entry id and finds entries by digest', async () => {
    const { log } = newLog();
    const submission = submissionId();
    const first = [received(submission, 0), sanitised(submission, 0)];
    expect((await log.append(first)).indexes).toEqual([0, 1]);
    // A rerun with a later processedAt keeps the first entry and index.
    const again = { ...(first[1] as LogEntry), processedAt: '2026-11-25T19:00:00.000Z' } as LogEntry;
    const result = await log.append([first[0] as LogEntry, again, received(submission, 1)]);
    expect(result.indexes).toEqual([0, 1, 2]);
    expect(result.size).toBe(3);
    expect(await log.entry(1)).toEqual(first[1]);
    const s = first[1] as ReturnType<typeof sanitised>;
    expect(await log.lookup('sanitised', s.sanitised.sha256)).toEqual([1]);
    expect(await log.lookup('sealed', s.sealed.sha256)).toEqual([1]);
    expect(await log.lookup('intake', s.sanitised.sha256)).toEqual([]);
    expect(await log.lookup('intake', (first[0] as ReturnType<typeof received>).intake.sha256)).toEqual([0]);
  });

  it('logs roster changes as reviewers added and removed, once per new version', async () => {
    const { log } = newLog();
    const [a, b, c] = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];
    const r1 = await log.append([], { roster: { version: 1, reviewers: [b, a] } });
    expect(r1.rosterIndex).toBe(0);
    expect(await log.entry(0)).toEqual({ v: 1, kind: 'roster', version: 1, added: [a, b], removed: [] });
    const again = await log.append([received(submissionId(), 0)], {
      roster: { version: 1, reviewers: [a, b] },
    });
    expect(again).toMatchObject({ rosterIndex: 0, indexes: [1], size: 2 });
    const r2 = await log.append([], { roster: { version: 3, reviewers: [a, c] } });
    expect(r2.rosterIndex).toBe(2);
    expect(await log.entry(2)).toEqual({ v: 1, kind: 'roster', version: 3, added: [c], removed: [b] });
    // An older version than the logged one adds nothing.
    expect((await log.append([], { roster: { version: 2, reviewers: [a] } })).size).toBe(3);
  });

  it('recovers entries a crashed writer stored without signing, and their indexes', async () => {
    const { store, log } = newLog();
    await log.append(someEntries(2));
    const orphan = received(submissionId(), 0);
    await writeBlob(store, entryKey(2), serializeLogEntry(orphan), { ifAbsent: true });
    const fresh = newLog(store).log;
    const result = await fresh.append([orphan, received(submissionId(), 1)]);
    expect(result.indexes).toEqual([2, 3]);
    expect(await fresh.lookup('intake', orphan.intake.sha256)).toEqual([2]);
    expect((await checkLogIntegrity(store, signer)).ok).toBe(true);
  });

  it('checkLogIntegrity reports a rewritten entry; the sequencer refuses to extend it', async () => {
    const { store, log } = newLog();
    const entries = someEntries(6);
    const saved = (await log.append(entries.slice(0, 4))).checkpoint;
    await log.append(entries.slice(4));
    expect(await checkLogIntegrity(store, signer, [saved])).toEqual({ ok: true, size: 6, problems: [] });

    const forged = { ...(entries[1] as LogEntry), processedAt: '2030-01-01T00:00:00.000Z' } as LogEntry;
    await writeBlob(store, entryKey(1), serializeLogEntry(forged));
    const report = await checkLogIntegrity(store, signer, [saved]);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { code: 'root_mismatch', size: 6 },
      { code: 'root_mismatch', size: 4 },
    ]);
    // A freshly started reader serves proofs from the rewritten entry: they no longer verify.
    const head = verifyTreeHead(sodium, signer, saved);
    const fresh = newLog(store).log;
    const proof = await fresh.inclusionProof(1, 4);
    expect(() => verifyInclusion(leafHash(encodeLogEntry(forged)), 1, 4, proof, head.rootHash)).toThrow();
    // The sequencer never signs over it.
    await expect(fresh.append(someEntries(1))).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
    expect(await fresh.size()).toBe(6);

    // Whoever holds the log key and re-signs the rewritten history is caught by saved checkpoints.
    const hashes = await fresh.leafHashes(6);
    const resigned = signTreeHead(sodium, signer, 6, rootFromLeafHashes(hashes));
    await writeBlob(store, CHECKPOINT_KEY, resigned);
    const after = await checkLogIntegrity(store, signer, [saved]);
    expect(after.problems).toEqual(
      expect.arrayContaining([
        { code: 'root_mismatch', size: 4 },
        { code: 'inconsistent', from: 4, to: 6 },
      ]),
    );
    const m = verifyTreeHead(sodium, signer, saved);
    const n = verifyTreeHead(sodium, signer, resigned);
    const forkProof = await fresh.consistencyProof(4, 6);
    expect(() => verifyConsistency(4, 6, forkProof, m.rootHash, n.rootHash)).toThrow();
  });

  it('refuses a checkpoint signed by another key', async () => {
    const { store, log } = newLog();
    await log.append(someEntries(1));
    const other = testSigner(sodium);
    const report = await checkLogIntegrity(store, other);
    expect(report).toMatchObject({ ok: false, problems: [{ code: 'checkpoint_signature' }] });
  });
});
