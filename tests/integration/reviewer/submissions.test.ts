// Listing and downloading what the real worker pipeline sealed: a reviewer sees only submissions sealed
// to them (two reviewers, one removed before the second submission), downloads blobs whose bytes match
// the listed digests and decrypt with their key, with ETag, 304 and single ranges; marks received.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resultKey, verifyRecord } from '../../../core/contracts/record.js';
import { type SubmissionList, submissionListSchema } from '../../../core/contracts/reviewer.js';
import { decryptBytes } from '../../../core/envelope/index.js';
import { readBlob } from '../worker/harness.js';
import {
  type App,
  bearer,
  challenge,
  login,
  postJson,
  ReviewerHarness,
  signedLogin,
  smallJpeg,
  type TestReviewer,
  utf8,
} from './harness.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const NOTE = 'Ночью на площади. Reviewer-api-note-marker.';

describe('submissions sealed to a reviewer', () => {
  let h: ReviewerHarness;
  let app: App;
  let alice: TestReviewer;
  let bob: TestReviewer;
  let first: string;
  let second: string;
  let aliceToken: string;
  let bobToken: string;

  const get = (token: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${app.base}${path}`, { headers: { ...bearer(token), ...headers } });
  const list = async (token: string): Promise<SubmissionList> => {
    const res = await get(token, '/submissions');
    expect(res.status).toBe(200);
    return submissionListSchema.parse(await res.json());
  };

  beforeAll(async () => {
    h = await ReviewerHarness.create();
    alice = h.newReviewer('Alice');
    bob = h.newReviewer('Bob');
    await h.add(alice);
    await h.add(bob);
    const jpeg = await smallJpeg();
    first = await h.process([
      { bytes: utf8(NOTE), manifest: { name: 'note.txt', type: 'text/plain' } },
      { bytes: jpeg, manifest: { name: 'IMG_secret.jpg', type: 'image/jpeg' } },
      {
        bytes: utf8('{"v":1,"keepOriginal":[1]}'),
        manifest: { name: 'choices.json', type: 'application/json' },
      },
      { bytes: utf8('%PDF-1.4\n%%EOF\n'), manifest: { name: 'x.jpg', type: 'image/jpeg' } },
    ]);
    await h.remove(bob);
    second = await h.process([
      { bytes: utf8('second note'), manifest: { name: 'note.txt', type: 'text/plain' } },
      { bytes: new Uint8Array([0x00, 0x01, 0x1b, 0x5b]), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    app = await h.start({ sleep: async () => {} });
    // Bob is back on a later roster: he may log in, but the second submission was never sealed to him.
    await h.add(bob);
    aliceToken = await login(h, app, alice);
    bobToken = await login(h, app, bob);
  }, 120_000);
  afterAll(async () => h.close());

  it('lists both submissions to the reviewer who was on both rosters', async () => {
    const { submissions } = await list(aliceToken);
    expect(submissions.map((s) => s.id).sort()).toEqual([first, second].sort());
    const one = submissions.find((s) => s.id === first);
    expect(one?.received).toBe(false);
    // Control files (the choices) are never listed; the refused PDF is, with its reason.
    expect(one?.files.map((f) => [f.index, f.status, f.kind])).toEqual([
      [0, 'sealed', 'note'],
      [1, 'sealed', 'image'],
      [3, 'refused', 'unknown'],
    ]);
    const image = one?.files[1];
    expect(image?.mediaType).toBe('image/jpeg');
    expect(Object.keys(image?.blobs ?? {}).sort()).toEqual(['original', 'receipt', 'record', 'sanitised']);
    expect(one?.files[2]?.reason).toBeDefined();
    expect(one?.files[2]?.blobs.sanitised).toBeUndefined();
    // A refused note shows with its reason, its record and its receipt, nothing released.
    const two = submissions.find((s) => s.id === second);
    expect(two?.files.map((f) => [f.index, f.status, Object.keys(f.blobs).sort()])).toEqual([
      [0, 'sealed', ['receipt', 'record', 'sanitised']],
      [1, 'refused', ['receipt', 'record']],
    ]);
  });

  it('shows a reviewer only what was sealed to them', async () => {
    const { submissions } = await list(bobToken);
    expect(submissions.map((s) => s.id)).toEqual([first]);
    for (const blob of ['sanitised', 'record', 'receipt']) {
      expect((await get(bobToken, `/submissions/${second}/files/0/${blob}`)).status).toBe(404);
    }
    expect((await postJson(`${app.base}/submissions/${second}/received`, {}, bearer(bobToken))).status).toBe(
      404,
    );
    // A newcomer sees nothing at all.
    const carol = h.newReviewer('Carol');
    await h.add(carol);
    expect((await list(await login(h, app, carol))).submissions).toEqual([]);
  });

  it('serves blobs whose bytes match the listing, decrypt with the key and carry a valid record', async () => {
    const { submissions } = await list(bobToken);
    const file = submissions[0]?.files.find((f) => f.index === 0);
    const res = await get(bobToken, `/submissions/${first}/files/0/sanitised`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const envelope = new Uint8Array(await res.arrayBuffer());
    expect(res.headers.get('etag')).toBe(`"${sha256(envelope)}"`);
    expect({ sha256: sha256(envelope), bytes: envelope.length }).toEqual(file?.blobs.sanitised);
    const { plaintext } = decryptBytes(h.fixture.sodium, envelope, {
      x25519PublicKey: bob.x25519PublicKey,
      x25519SecretKey: bob.x25519SecretKey,
    });
    expect(new TextDecoder().decode(plaintext)).toBe(NOTE);

    const recordRes = await get(bobToken, `/submissions/${first}/files/0/record`);
    expect(recordRes.headers.get('content-type')).toMatch(/^application\/json/);
    const recordBytes = new Uint8Array(await recordRes.arrayBuffer());
    expect({ sha256: sha256(recordBytes), bytes: recordBytes.length }).toEqual(file?.blobs.record);
    const record = verifyRecord(
      h.fixture.sodium,
      new TextDecoder().decode(recordBytes),
      h.fixture.keys.log.publicKey,
    );
    expect(record.roster?.recipients).toContain(bob.sealingFingerprint);

    const listed = (await list(aliceToken)).submissions.find((s) => s.id === first)?.files[1]?.blobs.original;
    const original = await get(aliceToken, `/submissions/${first}/files/1/original`);
    expect(original.status).toBe(200);
    const originalBytes = new Uint8Array(await original.arrayBuffer());
    expect({ sha256: sha256(originalBytes), bytes: originalBytes.length }).toEqual(listed);
  });

  it('supports ETag revalidation and single byte ranges', async () => {
    const path = `/submissions/${first}/files/1/sanitised`;
    const full = new Uint8Array(await (await get(aliceToken, path)).arrayBuffer());
    const size = full.length;
    const etag = `"${sha256(full)}"`;

    const notModified = await get(aliceToken, path, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await get(aliceToken, path, { 'if-none-match': '"other"' })).status).toBe(200);

    const head = await get(aliceToken, path, { range: 'bytes=0-9' });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-9/${size}`);
    expect(new Uint8Array(await head.arrayBuffer())).toEqual(full.subarray(0, 10));

    const rest = await get(aliceToken, path, { range: 'bytes=10-' });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes 10-${size - 1}/${size}`);
    expect(new Uint8Array(await rest.arrayBuffer())).toEqual(full.subarray(10));

    const tail = await get(aliceToken, path, { range: 'bytes=-7' });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(full.subarray(size - 7));

    const beyond = await get(aliceToken, path, { range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');

    // A stale If-Range or several ranges: the whole blob.
    const stale = await get(aliceToken, path, { range: 'bytes=0-9', 'if-range': '"stale"' });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(size);
    const headOnly = await fetch(`${app.base}${path}`, { method: 'HEAD', headers: bearer(aliceToken) });
    expect(headOnly.status).toBe(200);
    expect(headOnly.headers.get('content-length')).toBe(String(size));
    expect(headOnly.headers.get('etag')).toBe(etag);
    const multi = await get(aliceToken, path, { range: 'bytes=0-1,4-5' });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(size);
  });

  it('answers 404 for unknown submissions, files and blob names', async () => {
    for (const path of [
      `/submissions/${'f'.repeat(32)}/files/0/sanitised`,
      `/submissions/${first}/files/2/sanitised`, // the control file
      `/submissions/${first}/files/9/sanitised`,
      `/submissions/${first}/files/0/original`, // the note has no original
      `/submissions/${first}/files/0/intake`,
      `/submissions/${first}/files/01/record`,
      `/submissions/..%2F..%2Fetc/files/0/record`,
    ]) {
      expect({ path, status: (await get(aliceToken, path)).status }).toEqual({ path, status: 404 });
    }
  });

  it('passes a tampered blob or record on unchanged, for the CLI to detect', async () => {
    const key = resultKey(first, 0, 'record');
    const original = await readBlob(h.fixture.store, key);
    const tampered = new TextDecoder().decode(original).replace('"note"', '"image"');
    await h.fixture.store.put(
      key,
      (async function* () {
        yield utf8(tampered);
      })(),
    );
    try {
      const file = (await list(aliceToken)).submissions.find((s) => s.id === first)?.files[0];
      expect(file?.kind).toBe('image');
      const res = await get(aliceToken, `/submissions/${first}/files/0/record`);
      expect(new TextDecoder().decode(await res.arrayBuffer())).toBe(tampered);
      expect(() => verifyRecord(h.fixture.sodium, tampered, h.fixture.keys.log.publicKey)).toThrow(
        /signature/,
      );
    } finally {
      await h.fixture.store.put(
        key,
        (async function* () {
          yield original;
        })(),
      );
    }
  });

  it('marks a submission received for one reviewer only', async () => {
    const res = await postJson(`${app.base}/submissions/${first}/received`, {}, bearer(aliceToken));
    expect(res.status).toBe(204);
    const again = await fetch(`${app.base}/submissions/${first}/received`, {
      method: 'POST',
      headers: bearer(aliceToken),
    });
    expect(again.status).toBe(204);
    const forAlice = (await list(aliceToken)).submissions;
    expect(forAlice.find((s) => s.id === first)?.received).toBe(true);
    expect(forAlice.find((s) => s.id === second)?.received).toBe(false);
    expect((await list(bobToken)).submissions.find((s) => s.id === first)?.received).toBe(false);
  });

  it('refuses a removed reviewer everything, including downloads with a live token', async () => {
    await h.remove(bob);
    expect((await get(bobToken, `/submissions/${first}/files/0/sanitised`)).status).toBe(401);
    expect((await get(bobToken, '/submissions')).status).toBe(401);
    const { nonce } = await challenge(app, bob.signingFingerprint);
    expect((await postJson(`${app.base}/login`, signedLogin(h, bob, nonce))).status).toBe(401);
    expect((await get(aliceToken, '/submissions')).status).toBe(200);
  });
});
