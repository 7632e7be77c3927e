// The verify page's checks (web/verify/check.ts, leaf.ts) against an in-memory log signed with a real
// Ed25519 key: honest answers are proven; every lie a portal could tell (another entry, an edited
// entry, a proof for another size, a foreign checkpoint, a rewritten or shrunk history) is caught.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { toHex } from '../../../core/bytes.js';
import { encodeLogEntry, type LogEntry } from '../../../core/contracts/log-entry.js';
import { fingerprint } from '../../../core/fingerprint.js';
import {
  consistencyProof,
  formatCheckpoint,
  inclusionProof,
  leafHash,
  logOrigin,
  MemoryTree,
  signCheckpoint,
} from '../../../core/merkle/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { CheckpointRejectedError, createVerifier } from '../../../web/verify/check.js';
import type { ApiEntry, LogApi, LogKey } from '../../../web/verify/client.js';
import { canonicalJson, entryLeafData } from '../../../web/verify/leaf.js';

const SUB = '0123456789abcdef0123456789abcdef';
const H = (c: string) => c.repeat(64);
const ENTRIES: LogEntry[] = [
  { v: 1, kind: 'roster', version: 2, added: ['a'.repeat(32), 'b'.repeat(32)], removed: [] },
  {
    v: 1,
    kind: 'received',
    submission: SUB,
    index: 0,
    intake: { sha256: H('1') },
    receivedAt: '2026-11-25T10:00:00.000Z',
  },
  {
    v: 1,
    kind: 'sanitised',
    submission: SUB,
    index: 0,
    sanitised: { sha256: H('2'), bytes: 1234 },
    sealed: { sha256: H('3'), bytes: 2345 },
    original: { commitment: H('4') },
    tools: [{ name: 'exiftool', version: '12.76', args: ['-all=', '-o', 'ünïcödé "quoted" \\ \u0001 😀'] }],
    processedAt: '2026-11-25T10:00:05.000Z',
  },
  {
    v: 1,
    kind: 'received',
    submission: 'f'.repeat(32),
    index: 0,
    intake: { sha256: H('5') },
    receivedAt: '2026-11-25T11:00:00.000Z',
  },
];

let sodium: Sodium;
let key: LogKey;
let signer: { name: string; secretKey: Uint8Array; publicKey: Uint8Array };
let origin: string;

beforeAll(async () => {
  sodium = await readySodium();
  const org = sodium.crypto_sign_keypair();
  const log = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(9));
  const orgFingerprint = toHex(fingerprint(sodium, org.publicKey));
  origin = logOrigin(orgFingerprint);
  key = {
    logPublicKey: log.publicKey,
    logFingerprint: toHex(fingerprint(sodium, log.publicKey)),
    orgFingerprint,
  };
  signer = { name: origin, secretKey: log.privateKey, publicKey: log.publicKey };
});

/** An honest portal serving `entries`; `lie` may change any answer. */
function portal(entries: LogEntry[], lie: Partial<LogApi> = {}): LogApi {
  const tree = new MemoryTree(entries.map((e) => leafHash(encodeLogEntry(e))));
  const indexed = entries.map((entry, index) => ({ index, entry }) as ApiEntry);
  const honest: LogApi = {
    key: async () => key,
    checkpoint: async () =>
      signCheckpoint(sodium, formatCheckpoint({ origin, size: tree.size, rootHash: tree.root() }), signer),
    lookup: async (field, hex) =>
      indexed.filter(
        (e) =>
          e.entry.kind === 'sanitised' && (e.entry[field] as { sha256: string } | undefined)?.sha256 === hex,
      ),
    byId: async (id) =>
      indexed.filter((e) => {
        const x = e.entry as LogEntry;
        return x.kind !== 'roster' && `${x.kind}:${x.submission}:${x.index}` === id;
      }),
    inclusion: async (index, size) => inclusionProof(index, size, tree),
    consistency: async (from, to) => consistencyProof(from, to, tree),
  };
  return { ...honest, ...lie };
}

describe('leaf data', () => {
  it('equals core’s encodeLogEntry for every kind, escapes and non-ASCII included', () => {
    for (const entry of ENTRIES) {
      expect(toHex(entryLeafData(JSON.parse(JSON.stringify(entry))))).toBe(toHex(encodeLogEntry(entry)));
    }
  });
  it('refuses what canonical JSON cannot hold', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow();
    expect(() => canonicalJson('\ud800')).toThrow();
  });
});

describe('checking a file', () => {
  it('proves a sanitised file included, with the time its submission’s file was received', async () => {
    const result = await createVerifier(sodium, portal(ENTRIES), key).checkFile(H('2'));
    expect(result).toMatchObject({
      status: 'included',
      head: { checkpoint: { size: 4 } },
      found: {
        match: 'sanitised',
        index: 2,
        submission: SUB,
        file: 0,
        receivedIndex: 1,
        receivedAt: '2026-11-25T10:00:00.000Z',
        processedAt: '2026-11-25T10:00:05.000Z',
        tools: [{ name: 'exiftool', version: '12.76' }],
      },
    });
    const sealed = await createVerifier(sodium, portal(ENTRIES), key).checkFile(H('3'));
    expect(sealed).toMatchObject({ status: 'included', found: { match: 'sealed' } });
  });

  it('an unrelated file is unknown', async () => {
    const result = await createVerifier(sodium, portal(ENTRIES), key).checkFile(H('9'));
    expect(result.status).toBe('unknown');
    // An intake hash is not a published file.
    expect((await createVerifier(sodium, portal(ENTRIES), key).checkFile(H('1'))).status).toBe('unknown');
  });

  it('every lie about entries or proofs is reported as failed', async () => {
    const sanitised = { index: 2, entry: ENTRIES[2] } as ApiEntry;
    const edited = (change: Record<string, unknown>): ApiEntry => ({
      index: 2,
      entry: { ...(ENTRIES[2] as Record<string, unknown>), ...change },
    });
    const received = { index: 1, entry: ENTRIES[1] } as ApiEntry;
    const lies: Partial<LogApi>[] = [
      { lookup: async () => [edited({ processedAt: '2020-01-01T00:00:00.000Z' })] },
      { lookup: async () => [{ ...sanitised, index: 1 }] },
      { lookup: async () => [{ ...sanitised, index: 9 }] },
      { lookup: async () => [{ index: 1, entry: ENTRIES[1] } as ApiEntry] },
      { inclusion: async () => [] },
      {
        inclusion: async (index, size) =>
          inclusionProof(index, size, new MemoryTree(ENTRIES.map((e) => leafHash(encodeLogEntry(e))))).map(
            (h, j) => (j === 0 ? h.map((b) => b ^ 1) : h),
          ),
      },
      {
        inclusion: async (index) =>
          inclusionProof(
            index,
            3,
            new MemoryTree(ENTRIES.slice(0, 3).map((e) => leafHash(encodeLogEntry(e)))),
          ),
      },
      { byId: async () => [] },
      { byId: async () => [{ index: 3, entry: ENTRIES[3] } as ApiEntry] },
      {
        byId: async () => [
          { ...received, entry: { ...received.entry, receivedAt: '2020-01-01T00:00:00.000Z' } },
        ],
      },
    ];
    for (const [i, lie] of lies.entries()) {
      const api = portal(ENTRIES, lie);
      const result = await createVerifier(sodium, api, key)
        .checkFile(H('2'))
        .catch((e: Error) => e.name);
      expect([i, typeof result === 'string' ? result : result.status]).toEqual([i, 'failed']);
    }
    // A lookup for one hash that returns another file's entry is not that file.
    const other = portal(ENTRIES, { lookup: async () => [sanitised] });
    expect((await createVerifier(sodium, other, key).checkFile(H('7'))).status).toBe('failed');
  });

  it('refuses a checkpoint not signed by the log key, or for another log', async () => {
    const foreign = sodium.crypto_sign_keypair();
    const forged = portal(ENTRIES, {
      checkpoint: async () =>
        signCheckpoint(sodium, formatCheckpoint({ origin, size: 4, rootHash: new Uint8Array(32) }), {
          name: origin,
          secretKey: foreign.privateKey,
          publicKey: foreign.publicKey,
        }),
    });
    await expect(createVerifier(sodium, forged, key).checkFile(H('2'))).rejects.toBeInstanceOf(
      CheckpointRejectedError,
    );
    const elsewhere = portal(ENTRIES, {
      checkpoint: async () =>
        signCheckpoint(
          sodium,
          formatCheckpoint({ origin: logOrigin('f'.repeat(32)), size: 4, rootHash: new Uint8Array(32) }),
          { ...signer, name: logOrigin('f'.repeat(32)) },
        ),
    });
    await expect(createVerifier(sodium, elsewhere, key).current()).rejects.toBeInstanceOf(
      CheckpointRejectedError,
    );
  });
});

describe('consistency with a saved checkpoint', () => {
  it('a saved checkpoint of a prefix is consistent, pasted with CRLF and without the final newline too', async () => {
    const saved = await portal(ENTRIES.slice(0, 3)).checkpoint();
    const verifier = createVerifier(sodium, portal(ENTRIES), key);
    expect(await verifier.checkSaved(saved)).toMatchObject({ status: 'consistent', from: 3, to: 4 });
    expect(await verifier.checkSaved(saved.trimEnd().replaceAll('\n', '\r\n'))).toMatchObject({
      status: 'consistent',
    });
    expect(await verifier.checkSaved(await portal(ENTRIES).checkpoint())).toMatchObject({
      status: 'consistent',
      from: 4,
      to: 4,
    });
  });

  it('a rewritten or shrunk history is inconsistent; foreign text is invalid', async () => {
    const rewritten = [ENTRIES[0], { ...ENTRIES[1], receivedAt: '2020-01-01T00:00:00.000Z' }, ENTRIES[2]];
    const saved = await portal(rewritten as LogEntry[]).checkpoint();
    const verifier = createVerifier(sodium, portal(ENTRIES), key);
    expect(await verifier.checkSaved(saved)).toMatchObject({ status: 'inconsistent', from: 3, to: 4 });
    const longer = await portal([...ENTRIES, ENTRIES[0] as LogEntry]).checkpoint();
    expect(await verifier.checkSaved(longer)).toMatchObject({ status: 'inconsistent', from: 5, to: 4 });
    expect(await verifier.checkSaved('hello\n')).toEqual({ status: 'invalid' });
    const tampered = (await portal(ENTRIES.slice(0, 3)).checkpoint()).replace('\n3\n', '\n2\n');
    expect(await verifier.checkSaved(tampered)).toEqual({ status: 'invalid' });
  });
});
