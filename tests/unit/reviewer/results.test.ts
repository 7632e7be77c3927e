// Visibility rules of the reviewer listing over the in-memory blob store, with hand-made records.
import { describe, expect, it } from '@jest/globals';
import {
  canonicalJson,
  type ProvenanceRecord,
  resultKey,
  summaryKey,
} from '../../../core/contracts/record.js';
import { createMemoryBlobStore } from '../../../runtime/blob-store/memory.js';
import type { BlobStore } from '../../../runtime/blob-store/types.js';
import { blobDigest, visibleSubmission, visibleSubmissions } from '../../../server/reviewer/results.js';

const ME = '1'.repeat(32);
const OTHER = '2'.repeat(32);
const bytes = (s: string) => new TextEncoder().encode(s);
const put = (store: BlobStore, key: string, text: string) =>
  store.put(
    key,
    (async function* () {
      yield bytes(text);
    })(),
  );

function record(id: string, index: number, extra: Partial<ProvenanceRecord>): ProvenanceRecord {
  return {
    v: 1,
    submission: id,
    index,
    status: 'sealed',
    kind: 'note',
    intake: { sha256: 'a'.repeat(64), bytes: 10 },
    original: { bytes: 5, commitment: 'b'.repeat(64) },
    removed: [],
    tools: [],
    receivedAt: '2026-01-01T00:00:00.000Z',
    processedAt: `2026-01-0${index + 1}T00:00:00.000Z`,
    ...extra,
  };
}

async function write(store: BlobStore, id: string, records: ProvenanceRecord[], summaryFiles?: unknown[]) {
  for (const r of records) {
    await put(
      store,
      resultKey(id, r.index, 'record'),
      `${canonicalJson({ record: r, signer: 'c'.repeat(32), signature: `${'A'.repeat(86)}==` })}\n`,
    );
  }
  const files = summaryFiles ?? records.map((r) => ({ index: r.index, status: r.status }));
  await put(store, summaryKey(id), JSON.stringify({ v: 1, submission: id, sealed: 0, refused: 0, files }));
}

const sealedTo = (recipients: string[]) => ({
  roster: { version: 1, recipients },
  sealed: { key: 'k', sha256: 'd'.repeat(64), bytes: 99 },
});

describe('visible submissions', () => {
  it('lists a submission only if something in it was sealed to the reviewer', async () => {
    const store = createMemoryBlobStore();
    const mine = 'a'.repeat(32);
    const theirs = 'b'.repeat(32);
    await write(store, mine, [
      record(mine, 0, sealedTo([ME, OTHER])),
      record(mine, 1, { status: 'refused', reason: 'note-not-text' }), // refused before sealing
      record(mine, 2, { status: 'control', kind: 'choices' }),
      record(mine, 3, { ...sealedTo([OTHER]) }),
    ]);
    await write(store, theirs, [
      record(theirs, 0, sealedTo([OTHER])),
      record(theirs, 1, { status: 'refused', reason: 'note-not-text' }),
    ]);
    const list = await visibleSubmissions(store, ME);
    expect(list.map((s) => s.id)).toEqual([mine]);
    expect(list[0]?.files.map((f) => f.index)).toEqual([0, 1]);
    expect(list[0]?.processedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(blobDigest(list[0]?.files[0] as never, 'sanitised')).toEqual({
      sha256: 'd'.repeat(64),
      bytes: 99,
    });
    expect(blobDigest(list[0]?.files[0] as never, 'original')).toBeUndefined();
    expect(await visibleSubmission(store, theirs, ME)).toBeUndefined();
    expect((await visibleSubmissions(store, OTHER)).map((s) => s.id).sort()).toEqual([mine, theirs]);
  });

  it('ignores submissions without a summary, records of another submission and malformed ids', async () => {
    const store = createMemoryBlobStore();
    const pending = 'c'.repeat(32);
    await put(
      store,
      resultKey(pending, 0, 'record'),
      canonicalJson({ record: record(pending, 0, sealedTo([ME])) }),
    );
    const moved = 'd'.repeat(32);
    await write(store, moved, [record('e'.repeat(32), 0, sealedTo([ME]))], [{ index: 0, status: 'sealed' }]);
    expect(await visibleSubmissions(store, ME)).toEqual([]);
    expect(await visibleSubmission(store, '../x', ME)).toBeUndefined();
  });
});
