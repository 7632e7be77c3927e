// The log end to end with real parts: the real worker pipeline (Redis, fs blob store, real keys,
// sanitiser) appends what it received and produced; the public API (createApp + server/log) serves
// checkpoints, lookups and proofs that verify with core/merkle; nothing in the log identifies the
// witness or the original; a rewritten stored entry is caught.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromBase64 } from '../../../core/base64.js';
import { fromUtf8 } from '../../../core/bytes.js';
import {
  consistencyProofResponseSchema,
  inclusionProofResponseSchema,
  type LogEntry,
  logEntriesResponseSchema,
  serializeLogEntry,
} from '../../../core/contracts/log-entry.js';
import { resultKey } from '../../../core/contracts/record.js';
import { decryptBytes } from '../../../core/envelope/index.js';
import { verifyConsistency, verifyInclusion } from '../../../core/merkle/index.js';
import { createLogger } from '../../../runtime/logger.js';
import { readBlobBytes, writeBlob } from '../../../runtime/provenance-log/blob-io.js';
import {
  checkLogIntegrity,
  createLogReader,
  entryKey,
  entryLeafHash,
  type LogIdentity,
  logIdentity,
  verifyTreeHead,
} from '../../../runtime/provenance-log/index.js';
import { createApp } from '../../../server/app.js';
import { processSubmission } from '../../../worker/pipeline.js';
import { corpusDir, createFixture, type Fixture, readBlob, writeRoster } from '../worker/harness.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);
const JPEG = readFileSync(join(corpusDir, 'exifr_canon600d_gps_serials_iptc.jpg'));
const NOTE = 'Secret-note-marker 77: the square at night.';
const PDF = utf8('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let fixture: Fixture;
let identity: LogIdentity;
let id: string;
let server: ReturnType<ReturnType<typeof createApp>['listen']>;
let base: string;
/** SHA-256 of the sanitised JPEG as reviewer 0 decrypts it (before the roster changes). */
let jpegSanitisedHash: string;

async function get(path: string): Promise<{ status: number; type: string; cache: string; body: string }> {
  const res = await fetch(`${base}${path}`);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    cache: res.headers.get('cache-control') ?? '',
    body: await res.text(),
  };
}

async function getJson(path: string): Promise<unknown> {
  const res = await get(path);
  expect(res.status).toBe(200);
  return JSON.parse(res.body);
}

function sanitisedPlaintext(index: number): Promise<Uint8Array> {
  return readBlob(fixture.store, resultKey(id, index, 'sanitised')).then((envelope) => {
    const r = fixture.reviewers[0] as Fixture['reviewers'][number];
    return decryptBytes(fixture.sodium, envelope, r).plaintext;
  });
}

beforeAll(async () => {
  fixture = await createFixture();
  identity = logIdentity(fixture.sodium, fixture.keys.orgPublicKey, fixture.keys.log.publicKey);
  id = await fixture.submit([
    { bytes: utf8(NOTE), manifest: { name: 'note.txt', type: 'text/plain' } },
    {
      bytes: utf8(JSON.stringify({ v: 1, keepOriginal: [2] })),
      manifest: { name: 'choices.json', type: 'application/json' },
    },
    { bytes: JPEG, manifest: { name: 'IMG_2041-Almaty-Secret.jpg', type: 'image/jpeg' } },
    { bytes: PDF, manifest: { name: 'leaflet-secret.jpg', type: 'image/jpeg' } },
  ]);
  await processSubmission(fixture.deps(), id, 'job-1');
  jpegSanitisedHash = sha256(await sanitisedPlaintext(2));

  const app = createApp({
    health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
    logger: createLogger({ level: 'error', component: 'server', sink: () => {} }),
    webRoot: fixture.dir,
    trustProxy: false,
    log: { reader: createLogReader(fixture.store) },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fixture.close();
});

describe('worker → provenance log', () => {
  it('logs the roster, then every file as received and every sealed file as sanitised', async () => {
    const reader = createLogReader(fixture.store);
    const entries: LogEntry[] = [];
    for (let i = 0; i < (await reader.size()); i++) entries.push(await reader.entry(i));
    expect(entries.map((e) => (e.kind === 'roster' ? 'roster' : `${e.kind}:${e.index}`))).toEqual([
      'roster',
      'received:0',
      'received:1',
      'received:2',
      'sanitised:2',
      'received:3',
    ]);
    expect(entries[0]).toEqual({
      v: 1,
      kind: 'roster',
      version: 2,
      added: [...(await rosterFingerprints())].sort(),
      removed: [],
    });
    const jpeg = entries[4];
    if (jpeg?.kind !== 'sanitised') throw new Error('expected a sanitised entry');
    expect(jpeg.sanitised.sha256).toBe(jpegSanitisedHash);
    expect(jpeg.sealed.sha256).toBe(sha256(await readBlob(fixture.store, resultKey(id, 2, 'sanitised'))));
    expect(jpeg.tools.length).toBeGreaterThan(0);
    const received = entries[3];
    if (received?.kind !== 'received') throw new Error('expected a received entry');
    expect(received.submission).toBe(id);
    await expect(checkLogIntegrity(fixture.store, identity)).resolves.toMatchObject({ ok: true, size: 6 });
  });

  it('never puts the original, its plain hash, the note or a file name in the log', async () => {
    const blobs = await fixture.store.list('log/');
    expect(blobs.length).toBeGreaterThan(6);
    let all = '';
    for (const { key } of blobs)
      all += `${key}\n${fromUtf8((await readBlobBytes(fixture.store, key)) as Uint8Array)}\n`;
    const jpegHash = sha256(JPEG);
    for (const secret of [
      jpegHash,
      Buffer.from(jpegHash, 'hex').toString('base64'),
      sha256(PDF),
      sha256(utf8(NOTE)),
      'Secret-note-marker',
      'IMG_2041',
      'Almaty',
      'leaflet',
      String(JPEG.length),
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('a second submission does not log the roster again; a new roster version logs who changed', async () => {
    const before = await createLogReader(fixture.store).size();
    const second = await fixture.submit([
      { bytes: utf8('another note'), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    await processSubmission(fixture.deps(), second, 'job-2');
    expect(await createLogReader(fixture.store).size()).toBe(before + 1);
    // Rerunning a finished submission appends nothing.
    await processSubmission(fixture.deps(), second, 'job-2b');
    expect(await createLogReader(fixture.store).size()).toBe(before + 1);

    const old = await rosterFingerprints();
    fixture.reviewers = await writeRoster(fixture.sodium, fixture.keysDir, ['Carol', 'Dan', 'Erin']);
    const third = await fixture.submit([
      { bytes: utf8('third note'), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    await processSubmission(fixture.deps(), third, 'job-3');
    const reader = createLogReader(fixture.store);
    expect(await reader.size()).toBe(before + 3);
    const roster = await reader.entry(before + 1);
    expect(roster).toMatchObject({ kind: 'roster', version: 3, removed: [...old].sort() });
    expect(roster.kind === 'roster' && roster.added).toEqual([...(await rosterFingerprints())].sort());
  }, 60_000);
});

describe('public log API', () => {
  it('serves the signed checkpoint as text, not cached', async () => {
    const res = await get('/api/log/checkpoint');
    expect(res).toMatchObject({ status: 200, cache: 'no-store' });
    expect(res.type).toMatch(/^text\/plain/);
    expect(verifyTreeHead(fixture.sodium, identity, res.body).size).toBe(
      await createLogReader(fixture.store).size(),
    );
  });

  it('finds a reviewer’s file by its hash and proves its inclusion under the checkpoint', async () => {
    const head = verifyTreeHead(fixture.sodium, identity, (await get('/api/log/checkpoint')).body);
    const hash = jpegSanitisedHash;
    const found = logEntriesResponseSchema.parse(await getJson(`/api/log/entries?sanitised=${hash}`));
    expect(found.entries).toHaveLength(1);
    const { index, entry } = found.entries[0] as (typeof found.entries)[number];
    expect(entry).toMatchObject({ kind: 'sanitised', submission: id, index: 2 });
    const sealedHash = sha256(await readBlob(fixture.store, resultKey(id, 2, 'sanitised')));
    expect(
      logEntriesResponseSchema.parse(await getJson(`/api/log/entries?sealed=${sealedHash}`)).entries,
    ).toEqual(found.entries);
    // The matching received entry (the time it was received), by id and by index.
    const byId = logEntriesResponseSchema.parse(await getJson(`/api/log/entries?id=received:${id}:2`));
    expect(byId.entries).toHaveLength(1);
    expect(byId.entries[0]?.entry).toMatchObject({ kind: 'received', submission: id, index: 2 });
    expect(byId.entries[0]?.entry).toHaveProperty('receivedAt');
    const byIndex = logEntriesResponseSchema.parse(
      await getJson(`/api/log/entries/${byId.entries[0]?.index}`),
    );
    expect(byIndex.entries).toEqual(byId.entries);
    const noSuchId = logEntriesResponseSchema.parse(await getJson(`/api/log/entries?id=received:${id}:9`));
    expect(noSuchId.entries).toEqual([]);

    const proof = inclusionProofResponseSchema.parse(
      await getJson(`/api/log/proof/inclusion?index=${index}&size=${head.size}`),
    );
    const hashes = proof.proof.map(fromBase64);
    expect(verifyInclusion(entryLeafHash(entry), index, head.size, hashes, head.rootHash)).toBe(true);
    const other = found.entries[0]?.entry as LogEntry;
    const altered = { ...other, processedAt: '2030-01-01T00:00:00.000Z' } as LogEntry;
    expect(() => verifyInclusion(entryLeafHash(altered), index, head.size, hashes, head.rootHash)).toThrow();

    const unknown = logEntriesResponseSchema.parse(
      await getJson(`/api/log/entries?sanitised=${'0'.repeat(64)}`),
    );
    expect(unknown.entries).toEqual([]);
  });

  it('proves consistency between every stored checkpoint and the latest', async () => {
    const head = verifyTreeHead(fixture.sodium, identity, (await get('/api/log/checkpoint')).body);
    const stored = await fixture.store.list('log/checkpoints/');
    expect(stored.length).toBeGreaterThanOrEqual(3);
    for (const { key } of stored) {
      const old = verifyTreeHead(fixture.sodium, identity, fromUtf8(await readBlob(fixture.store, key)));
      const body = consistencyProofResponseSchema.parse(
        await getJson(`/api/log/proof/consistency?from=${old.size}&to=${head.size}`),
      );
      expect(
        verifyConsistency(old.size, head.size, body.proof.map(fromBase64), old.rootHash, head.rootHash),
      ).toBe(true);
    }
  });

  it.each([
    ['/api/log/entries', 400],
    ['/api/log/entries?sanitised=abc', 400],
    [`/api/log/entries?sanitised=${'a'.repeat(64)}&sealed=${'a'.repeat(64)}`, 400],
    ['/api/log/entries/999999', 400],
    ['/api/log/entries?id=received:abc:1', 400],
    [`/api/log/entries?id=roster:1&sanitised=${'a'.repeat(64)}`, 400],
    ['/api/log/entries/-1', 400],
    ['/api/log/proof/inclusion?index=0&size=999999', 400],
    ['/api/log/proof/inclusion?index=5&size=5', 400],
    ['/api/log/proof/inclusion?index=01&size=5', 400],
    ['/api/log/proof/consistency?from=3&to=2', 400],
    ['/api/log/proof/consistency?from=0', 400],
  ])('%s → %i', async (path, status) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.cache).toBe('no-store');
    expect(JSON.parse(res.body).error.code).toMatch(/^(BAD_REQUEST|LOG_RANGE)$/);
  });

  it('a rewritten stored entry: its proof no longer verifies and the integrity check says so', async () => {
    const saved = (await get('/api/log/checkpoint')).body;
    const head = verifyTreeHead(fixture.sodium, identity, saved);
    const original = await createLogReader(fixture.store).entry(4);
    const forged = { ...original, tools: [] } as LogEntry;
    await writeBlob(fixture.store, entryKey(4), serializeLogEntry(forged));
    // A fresh server process (no cached leaves) serves from storage.
    const reader = createLogReader(fixture.store);
    const proof = await reader.inclusionProof(4, head.size);
    expect(() => verifyInclusion(entryLeafHash(forged), 4, head.size, proof, head.rootHash)).toThrow();
    const report = await checkLogIntegrity(fixture.store, identity, [saved]);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual({ code: 'root_mismatch', size: head.size });
    // The worker refuses to extend (and sign) the rewritten log: the job fails.
    const next = await fixture.submit([
      { bytes: utf8('late note'), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    await expect(processSubmission(fixture.deps(), next, 'job-4')).rejects.toMatchObject({
      code: 'LOG_CORRUPT',
    });
    await writeBlob(fixture.store, entryKey(4), serializeLogEntry(original));
  }, 60_000);
});

async function rosterFingerprints(): Promise<Set<string>> {
  const { loadSealingRoster } = await import('../../../worker/roster.js');
  const { readRosterFile } = await import('../../../worker/keys.js');
  const roster = await loadSealingRoster({
    sodium: fixture.sodium,
    orgPublicKey: fixture.keys.orgPublicKey,
    readRoster: () => readRosterFile(fixture.keysDir),
    highWater: { get: async () => 0, raise: async () => {} },
  });
  return new Set(roster.fingerprints);
}
