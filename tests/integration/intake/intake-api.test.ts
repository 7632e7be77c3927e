import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnrecoverableError, Worker } from 'bullmq';
import { fromBase64 } from '../../../core/base64.js';
import { utf8 } from '../../../core/bytes.js';
import { apiErrorSchema } from '../../../core/contracts/errors.js';
import {
  createSubmissionResponseSchema,
  intakeConfigSchema,
  maxEnvelopeBytesFor,
  submissionStatusSchema,
} from '../../../core/contracts/intake.js';
import { encryptBytes } from '../../../core/envelope/index.js';
import { readySodium } from '../../../core/sodium.js';
import type { BlobStore } from '../../../runtime/blob-store/types.js';
import { deleteIntake, openIntakeEnvelope } from '../../../server/intake/intake-blobs.js';
import { getSubmissionRecord, markSubmissionDone } from '../../../server/intake/records.js';
import { Harness, type Instance, partsOf, postJson, putPart, redisUrl, TEST_LIMITS } from './harness.js';

const PART = TEST_LIMITS.partBytes;

async function errorCode(res: Response): Promise<string> {
  return apiErrorSchema.parse(await res.json()).error.code;
}

/** Every file under `dir` (dot files included), recursively. */
function filesUnder(dir: string): string[] {
  try {
    return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile());
  } catch {
    return [];
  }
}

describe('intake API against real Redis and the filesystem store', () => {
  const h = new Harness();
  let app: Instance;

  beforeAll(async () => {
    await h.setUp();
    app = await h.start();
  });
  afterAll(() => h.tearDown());

  async function create(sizes: number[], headers: Record<string, string> = {}) {
    const res = await postJson(
      app.base,
      '/api/submissions',
      { files: sizes.map((bytes) => ({ bytes })) },
      headers,
    );
    expect(res.status).toBe(201);
    return createSubmissionResponseSchema.parse(await res.json());
  }

  async function uploadAll(id: string, envelopes: Uint8Array[], headers: Record<string, string> = {}) {
    for (const [index, envelope] of envelopes.entries()) {
      for (const [part, bytes] of partsOf(envelope, PART).entries()) {
        const res = await putPart(app.base, id, index, part, bytes, headers);
        expect([index, part, res.status]).toEqual([index, part, 201]);
        expect(await res.json()).toEqual({ stored: true });
      }
    }
  }

  async function jobsFor(id: string) {
    const jobs = await h.queue.getJobs([
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
      'prioritized',
    ]);
    return jobs.filter((job) => job.id === id);
  }

  it('serves the intake key and the limits', async () => {
    const res = await fetch(`${app.base}/api/config`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const config = intakeConfigSchema.parse(await res.json());
    expect(config.intake).toEqual(h.intake);
    expect(config.limits).toMatchObject({
      maxFileBytes: TEST_LIMITS.maxFileBytes,
      maxEnvelopeBytes: maxEnvelopeBytesFor(TEST_LIMITS.maxFileBytes),
      maxFiles: TEST_LIMITS.maxFiles,
      partBytes: PART,
    });
    expect(config.limits.acceptedTypes).toContain('image/heic');
    expect(config.expiresInSeconds).toBe(3600);
  });

  it('takes a whole submission, queues one job with opaque IDs only, and leaks no request origin', async () => {
    const UA = 'Mozilla/5.0 (WitnessPhone; Almaty-UA-7781)';
    const XFF = '203.0.113.77';
    const NOTE = 'Note: police van plate 777 ABC at the square';
    const NAME = 'IMG_20260101_witness.jpg';
    const origin = { 'User-Agent': UA, 'X-Forwarded-For': XFF, Referer: 'https://ref.example/secret-path' };
    const photo = await h.envelope(new Uint8Array(randomBytes(200_000)), { name: NAME, type: 'image/jpeg' });
    const note = await h.envelope(utf8(NOTE), { name: 'note.txt', type: 'text/plain' });

    const created = await create([photo.length, note.length], origin);
    expect(created.files).toEqual([
      { index: 0, bytes: photo.length, parts: Math.ceil(photo.length / PART) },
      { index: 1, bytes: note.length, parts: 1 },
    ]);
    expect(created.partBytes).toBe(PART);
    expect(new Date(created.expiresAt).getTime()).toBe(h.clock + 3600_000);

    await uploadAll(created.id, [photo, note], origin);
    const status = submissionStatusSchema.parse(
      await (await fetch(`${app.base}/api/submissions/${created.id}`, { headers: origin })).json(),
    );
    expect(status.state).toBe('uploading');
    expect(status.files[0]?.received).toEqual([0, 1, 2, 3]);
    expect(status.files[1]?.received).toEqual([0]);

    const fin = await postJson(app.base, `/api/submissions/${created.id}/finalize`, {}, origin);
    expect(fin.status).toBe(202);
    expect(await fin.json()).toEqual({ id: created.id, state: 'queued' });
    const jobs = await jobsFor(created.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.name).toBe('process-submission');
    expect(jobs[0]?.data).toEqual({ submissionId: created.id });

    // The worker reads exactly the envelope the page sent.
    const read: Uint8Array[] = [];
    for await (const chunk of openIntakeEnvelope(h.store, created.id, 0)) read.push(chunk);
    expect(Buffer.compare(Buffer.concat(read), photo)).toBe(0);

    const after = submissionStatusSchema.parse(
      await (await fetch(`${app.base}/api/submissions/${created.id}`)).json(),
    );
    expect(after.state).toBe('queued');
    expect(after.expiresAt).toBeUndefined();

    // Nothing identifying anywhere: logs, Redis, blob store.
    const logs = h.logs.lines.join('\n');
    expect(h.logs.count('part_stored')).toBeGreaterThanOrEqual(5);
    expect(h.logs.count('submission_queued')).toBeGreaterThanOrEqual(1);
    const redis = await h.redisDump();
    expect(redis).toContain(created.id); // the record and the job are there ...
    const blobs = filesUnder(h.blobDir)
      .map((f) => readFileSync(join(h.blobDir, f)).toString('latin1'))
      .join('\n');
    const blobNames = filesUnder(h.blobDir).join('\n');
    for (const secret of [
      UA,
      'Almaty-UA',
      XFF,
      '127.0.0.1',
      'ref.example',
      NOTE,
      'plate 777',
      NAME,
      'witness',
    ]) {
      expect([secret, logs.includes(secret)]).toEqual([secret, false]);
      expect([secret, redis.includes(secret)]).toEqual([secret, false]);
      expect([secret, blobs.includes(secret)]).toEqual([secret, false]);
      expect([secret, blobNames.includes(secret)]).toEqual([secret, false]);
    }
    expect(logs).not.toContain(created.id); // ... but logs never name a submission
  });

  it('finalizes idempotently: a repeated or concurrent finalize adds no second job', async () => {
    const env = await h.envelope(new Uint8Array(1000));
    const { id } = await create([env.length]);
    await uploadAll(id, [env]);
    const results = await Promise.all(
      [1, 2, 3].map(() => postJson(app.base, `/api/submissions/${id}/finalize`, '')),
    );
    expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
    const again = await fetch(`${app.base}/api/submissions/${id}/finalize`, { method: 'POST' });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ id, state: 'queued' });
    expect(await jobsFor(id)).toHaveLength(1);
    // Closed: no more parts.
    const late = await putPart(app.base, id, 0, 0, partsOf(env, PART)[0] as Uint8Array);
    expect(late.status).toBe(409);
    expect(await errorCode(late)).toBe('SUBMISSION_CLOSED');
  });

  it('reports the processing outcome from the queue job, failures as a generic code', async () => {
    const env = await h.envelope(new Uint8Array(10));
    const ok = await create([env.length]);
    const bad = await create([env.length]);
    for (const id of [ok.id, bad.id]) {
      await uploadAll(id, [env]);
      expect((await postJson(app.base, `/api/submissions/${id}/finalize`, {})).status).toBe(202);
    }
    const worker = new Worker(
      'kua-submissions',
      async (job) => {
        // Permanent failures are unrecoverable (transient ones would be retried with backoff and stay queued).
        if (job.id === bad.id) throw new UnrecoverableError('secret decoder detail');
        // What the real worker returns: its summary, codes and counts only.
        return {
          v: 1,
          submission: job.id,
          sealed: 0,
          refused: 1,
          files: [{ index: 0, status: 'refused', reason: 'unsupported-type' }],
        };
      },
      { connection: { url: redisUrl() }, prefix: h.queuePrefix },
    );
    const settled = new Set<string>();
    const bothSettled = new Promise<void>((resolve) => {
      const mark = (id: string | undefined) => {
        if (id === ok.id || id === bad.id) settled.add(id);
        if (settled.size === 2) resolve();
      };
      worker.on('completed', (job) => mark(job.id));
      worker.on('failed', (job) => mark(job?.id));
    });
    await bothSettled;
    await worker.close();
    const okStatus = await (await fetch(`${app.base}/api/submissions/${ok.id}`)).json();
    expect(submissionStatusSchema.parse(okStatus)).toMatchObject({
      state: 'done',
      files: [{ index: 0, outcome: 'refused', reason: 'unsupported-type' }],
    });
    const badText = await (await fetch(`${app.base}/api/submissions/${bad.id}`)).text();
    expect(submissionStatusSchema.parse(JSON.parse(badText))).toMatchObject({
      state: 'failed',
      reason: 'PROCESSING_FAILED',
    });
    expect(badText).not.toContain('secret');
  });

  it('keeps a processed submission checkable for the retention period, with outcome codes only', async () => {
    const env = await h.envelope(new Uint8Array(10));
    const { id } = await create([env.length, env.length, env.length]);
    await uploadAll(id, [env, env, env]);
    expect((await postJson(app.base, `/api/submissions/${id}/finalize`, {})).status).toBe(202);
    // What the worker does when it finishes: intake parts gone, outcomes on the record, TTL set.
    await deleteIntake(h.store, id);
    const marked = await markSubmissionDone(
      h.redis,
      id,
      [{ outcome: 'sealed' }, { outcome: 'control' }, { outcome: 'refused', reason: 'polyglot' }],
      120,
      { keyPrefix: h.keyPrefix },
    );
    expect(marked).toBe(true);
    const res = await fetch(`${app.base}/api/submissions/${id}`);
    expect(res.status).toBe(200);
    const status = submissionStatusSchema.parse(await res.json());
    expect(status).toEqual({
      id,
      state: 'done',
      files: [
        { index: 0, bytes: env.length, parts: 1, received: [], outcome: 'sealed' },
        { index: 1, bytes: env.length, parts: 1, received: [], outcome: 'control' },
        { index: 2, bytes: env.length, parts: 1, received: [], outcome: 'refused', reason: 'polyglot' },
      ],
    });
    const ttl = await h.redis.ttl(`${h.keyPrefix}submission:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
    // A finalize after processing changes nothing.
    expect((await postJson(app.base, `/api/submissions/${id}/finalize`, {})).status).toBe(202);
    const again = await (await fetch(`${app.base}/api/submissions/${id}`)).json();
    expect(submissionStatusSchema.parse(again).state).toBe('done');
    // Once Redis drops the record (end of retention), the code is unknown again.
    await h.redis.del(`${h.keyPrefix}submission:${id}`);
    expect((await fetch(`${app.base}/api/submissions/${id}`)).status).toBe(404);
  });

  it('stores a part once: a re-upload answers 200 stored:false and keeps the first bytes', async () => {
    const env = await h.envelope(new Uint8Array(100_000));
    const { id } = await create([env.length]);
    const first = partsOf(env, PART)[0] as Uint8Array;
    expect((await putPart(app.base, id, 0, 0, first)).status).toBe(201);
    const again = await putPart(app.base, id, 0, 0, first);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ stored: false });
    const other = new Uint8Array(first.length).fill(7);
    expect((await putPart(app.base, id, 0, 0, other)).status).toBe(200);
    const stored: Uint8Array[] = [];
    for await (const chunk of await h.store.get(`uploads/${id}/0/0`)) stored.push(chunk);
    expect(Buffer.compare(Buffer.concat(stored), first)).toBe(0);
  });

  it('stores a part once when the same part arrives on several connections at once', async () => {
    const env = await h.envelope(new Uint8Array(100_000));
    const { id } = await create([env.length]);
    const first = Buffer.from(partsOf(env, PART)[0] as Uint8Array);
    // Six clients send the first half of the same part; once all six are streaming, they finish.
    const clients = Array.from({ length: 6 }, () => {
      const req = request(`${app.base}/api/submissions/${id}/files/0/parts/0`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(PART) },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('error', reject);
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        });
      });
      req.write(first.subarray(0, PART / 2));
      return { req, answer };
    });
    await waitUntil(() => app.inFlight.inUse() === 6 * PART);
    for (const { req } of clients) req.end(first.subarray(PART / 2));
    const answers = await Promise.all(clients.map((c) => c.answer));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(answers.filter((a) => JSON.parse(a.body).stored === true)).toHaveLength(1);
    expect(h.logs.count('part_duplicate')).toBeGreaterThanOrEqual(5);
  });

  it('checks Repr-Digest while streaming', async () => {
    const env = await h.envelope(new Uint8Array(100_000));
    const { id } = await create([env.length]);
    const [p0, p1] = partsOf(env, PART) as [Uint8Array, Uint8Array];
    const digest = (b: Uint8Array) => `sha-256=:${createHash('sha256').update(b).digest('base64')}:`;
    const wrong = await putPart(app.base, id, 0, 0, p0, { 'Repr-Digest': digest(p1) });
    expect(wrong.status).toBe(400);
    expect(await errorCode(wrong)).toBe('DIGEST_MISMATCH');
    expect(await h.store.stat(`uploads/${id}/0/0`)).toBeUndefined();
    const malformed = await putPart(app.base, id, 0, 0, p0, { 'Repr-Digest': 'sha-256=nope' });
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe('BAD_DIGEST');
    const right = await putPart(app.base, id, 0, 0, p0, { 'Repr-Digest': `sha-512=:AAAA:, ${digest(p0)}` });
    expect(right.status).toBe(201);
  });

  describe('bad input gets a clear 4xx and changes nothing', () => {
    it('refuses malformed JSON, wrong content types and malformed requests to create', async () => {
      const before = await h.recordCount();
      const cases: Array<[RequestInit, number, string]> = [
        [{ body: '{"files": [', headers: { 'Content-Type': 'application/json' } }, 400, 'BAD_JSON'],
        [
          { body: '{"files":[{"bytes":1000}]}', headers: { 'Content-Type': 'text/plain' } },
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        ],
        [
          { body: 'files=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        ],
        [{ body: '{"files":[]}', headers: { 'Content-Type': 'application/json' } }, 400, 'BAD_REQUEST'],
        [
          { body: '{"files":[{"bytes":10}]}', headers: { 'Content-Type': 'application/json' } },
          400,
          'BAD_REQUEST',
        ],
        [
          { body: '{"files":[{"bytes":1000.5}]}', headers: { 'Content-Type': 'application/json' } },
          400,
          'BAD_REQUEST',
        ],
        [
          {
            body: '{"files":[{"bytes":1000,"name":"x.jpg"}]}',
            headers: { 'Content-Type': 'application/json' },
          },
          400,
          'BAD_REQUEST',
        ],
        [{ body: '[1,2]', headers: { 'Content-Type': 'application/json' } }, 400, 'BAD_REQUEST'],
        [{ headers: { 'Content-Type': 'application/json' } }, 400, 'BAD_REQUEST'],
        [
          {
            body: JSON.stringify({ files: Array(6).fill({ bytes: 1000 }) }),
            headers: { 'Content-Type': 'application/json' },
          },
          400,
          'TOO_MANY_FILES',
        ],
        [
          {
            body: JSON.stringify({ files: [{ bytes: maxEnvelopeBytesFor(TEST_LIMITS.maxFileBytes) + 1 }] }),
            headers: { 'Content-Type': 'application/json' },
          },
          413,
          'FILE_TOO_LARGE',
        ],
        [
          {
            body: `{"files":[${'{"bytes":1000},'.repeat(5000)}{"bytes":1000}]}`,
            headers: { 'Content-Type': 'application/json' },
          },
          413,
          'PAYLOAD_TOO_LARGE',
        ],
      ];
      for (const [init, status, code] of cases) {
        const res = await fetch(`${app.base}/api/submissions`, { method: 'POST', ...init });
        expect([init.body?.toString().slice(0, 40), res.status]).toEqual([
          init.body?.toString().slice(0, 40),
          status,
        ]);
        expect(res.headers.get('content-type')).toContain('application/json');
        const body = await res.text();
        expect(apiErrorSchema.parse(JSON.parse(body)).error.code).toBe(code);
        expect(body).not.toContain('x.jpg');
      }
      expect(await h.recordCount()).toBe(before);
    });

    it('refuses bad part uploads without storing anything', async () => {
      const env = await h.envelope(new Uint8Array(100_000));
      const { id } = await create([env.length]);
      const p0 = partsOf(env, PART)[0] as Uint8Array;
      const last = partsOf(env, PART)[1] as Uint8Array;
      const expectRefused = async (res: Response, status: number, code: string) => {
        expect([code, res.status]).toEqual([code, status]);
        expect(await errorCode(res)).toBe(code);
      };
      await expectRefused(await putPart(app.base, id, 0, 2, p0), 400, 'BAD_PART');
      await expectRefused(await putPart(app.base, id, 1, 0, p0), 400, 'BAD_PART');
      await expectRefused(await putPart(app.base, id, 0, -1 as number, p0), 400, 'BAD_PART');
      await expectRefused(await putPart(app.base, id, '01' as unknown as number, 0, p0), 400, 'BAD_PART');
      await expectRefused(await putPart(app.base, id, 0, 1, p0), 413, 'PART_TOO_LARGE'); // last part is shorter
      await expectRefused(await putPart(app.base, id, 0, 0, last), 400, 'BAD_PART_LENGTH');
      await expectRefused(
        await putPart(app.base, id, 0, 0, p0, { 'Content-Type': 'application/json' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      await expectRefused(await putPart(app.base, 'f'.repeat(32), 0, 0, p0), 404, 'SUBMISSION_NOT_FOUND');
      await expectRefused(await putPart(app.base, 'not-an-id', 0, 0, p0), 404, 'SUBMISSION_NOT_FOUND');
      expect(await h.store.list(`uploads/${id}/`)).toEqual([]);
      expect(filesUnder(h.blobDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    });

    it('refuses a part larger than any part before reading it, and chunked bodies with 411', async () => {
      const env = await h.envelope(new Uint8Array(100_000));
      const { id } = await create([env.length]);
      const huge = await rawPut(app.base, `/api/submissions/${id}/files/0/parts/0`, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(1024 * 1024 * 1024),
      });
      expect(huge.status).toBe(413);
      expect(huge.headers.connection).toBe('close');
      expect(JSON.parse(huge.body).error.code).toBe('PART_TOO_LARGE');
      const chunked = await rawPut(
        app.base,
        `/api/submissions/${id}/files/0/parts/0`,
        { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' },
        Buffer.alloc(10),
      );
      expect(chunked.status).toBe(411);
      expect(JSON.parse(chunked.body).error.code).toBe('LENGTH_REQUIRED');
      expect(await h.store.list(`uploads/${id}/`)).toEqual([]);
    });

    it('keeps nothing of a part whose client goes away mid-body', async () => {
      const env = await h.envelope(new Uint8Array(100_000));
      const { id } = await create([env.length]);
      const aborted = h.logs.waitFor('part_aborted');
      const req = request(`${app.base}/api/submissions/${id}/files/0/parts/0`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(PART) },
      });
      req.on('error', () => {});
      req.write(Buffer.alloc(PART / 2, 1), () => setImmediate(() => req.destroy()));
      await aborted;
      expect(await h.store.stat(`uploads/${id}/0/0`)).toBeUndefined();
      expect(filesUnder(h.blobDir).filter((f) => f.includes(id))).toEqual([]);
      expect(app.inFlight.inUse()).toBe(0);
      // ... and the part can then be sent in full.
      expect((await putPart(app.base, id, 0, 0, partsOf(env, PART)[0] as Uint8Array)).status).toBe(201);
    });

    it('answers 404 for an unknown submission everywhere', async () => {
      for (const id of ['0'.repeat(32), 'zz', '../../etc']) {
        const get = await fetch(`${app.base}/api/submissions/${id}`);
        expect(get.status).toBe(404);
        const fin = await postJson(app.base, `/api/submissions/${id}/finalize`, {});
        expect(fin.status).toBe(404);
      }
    });

    it('refuses to finalize before every part is there, with counts only', async () => {
      const a = await h.envelope(new Uint8Array(100_000));
      const b = await h.envelope(new Uint8Array(100));
      const { id } = await create([a.length, b.length]);
      expect((await putPart(app.base, id, 0, 0, partsOf(a, PART)[0] as Uint8Array)).status).toBe(201);
      const res = await postJson(app.base, `/api/submissions/${id}/finalize`, {});
      expect(res.status).toBe(409);
      const body = apiErrorSchema.parse(await res.json());
      expect(body.error).toEqual({
        code: 'INCOMPLETE',
        message: 'Upload incomplete: 2 parts missing in 2 files',
      });
      expect(await jobsFor(id)).toHaveLength(0);
      expect((await getSubmissionRecord(h.redis, id, { keyPrefix: h.keyPrefix }))?.closed).toBe(false);
      const bad = await postJson(app.base, `/api/submissions/${id}/finalize`, { force: true });
      expect(bad.status).toBe(400);
      const notJson = await fetch(`${app.base}/api/submissions/${id}/finalize`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: '{}',
      });
      expect(notJson.status).toBe(415);
    });

    it('refuses garbage where an envelope header should be, keeping the rest for a re-send', async () => {
      const good = await h.envelope(new Uint8Array(100_000));
      const garbage = new Uint8Array(randomBytes(good.length));
      const { id } = await create([good.length, good.length]);
      await uploadAll(id, [good, garbage]);
      const res = await postJson(app.base, `/api/submissions/${id}/finalize`, {});
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('BAD_ENVELOPE');
      expect(await jobsFor(id)).toHaveLength(0);
      const status = submissionStatusSchema.parse(
        await (await fetch(`${app.base}/api/submissions/${id}`)).json(),
      );
      expect(status.state).toBe('uploading');
      expect(status.files.map((f) => f.received)).toEqual([[0, 1], [1]]);
      // The page sends the right first part again; now it finalizes.
      expect((await putPart(app.base, id, 1, 0, partsOf(good, PART)[0] as Uint8Array)).status).toBe(201);
      expect((await postJson(app.base, `/api/submissions/${id}/finalize`, {})).status).toBe(202);
    });

    it('refuses envelopes to another key, to several keys, or with a length the header cannot explain', async () => {
      const sodium = await readySodium();
      const stranger = sodium.crypto_box_keypair().publicKey;
      const intakeKey = fromBase64(h.intake.publicKey);
      // A full 64 KiB chunk: one byte more would leave a last chunk shorter than its tag.
      const good = await h.envelope(new Uint8Array(65536));
      const longer = new Uint8Array(good.length + 5);
      longer.set(good);
      const cases = [
        encryptBytes(sodium, new Uint8Array(100), {
          recipients: [{ x25519PublicKey: stranger }],
          manifest: {},
        }),
        encryptBytes(sodium, new Uint8Array(100), {
          recipients: [{ x25519PublicKey: intakeKey }, { x25519PublicKey: stranger }],
          manifest: {},
        }),
        longer,
      ];
      for (const envelope of cases) {
        const { id } = await create([envelope.length]);
        await uploadAll(id, [envelope]);
        const res = await postJson(app.base, `/api/submissions/${id}/finalize`, {});
        expect(res.status).toBe(400);
        expect(await errorCode(res)).toBe('BAD_ENVELOPE');
        expect(await jobsFor(id)).toHaveLength(0);
      }
    });
  });

  describe('storage and load limits', () => {
    it('answers 507 when free disk would fall under the reserve, writing nothing', async () => {
      const env = await h.envelope(new Uint8Array(100_000));
      const { id } = await create([env.length]);
      const before = await h.recordCount();
      h.freeDisk = env.length - 1;
      try {
        const res = await postJson(app.base, '/api/submissions', { files: [{ bytes: env.length }] });
        expect(res.status).toBe(507);
        expect(await errorCode(res)).toBe('INSUFFICIENT_STORAGE');
        expect(await h.recordCount()).toBe(before);
        h.freeDisk = PART - 1;
        const put = await putPart(app.base, id, 0, 0, partsOf(env, PART)[0] as Uint8Array);
        expect(put.status).toBe(507);
        expect(await h.store.list(`uploads/${id}/`)).toEqual([]);
      } finally {
        h.freeDisk = Number.MAX_SAFE_INTEGER;
      }
    });

    it('answers 507 when the disk fills up mid-part, keeping nothing', async () => {
      // A store whose disk runs out after the first 10 000 bytes of any blob (a full disk cannot be
      // arranged here; everything else is the real filesystem store).
      const full: BlobStore = {
        ...h.store,
        put: (key, source, options) =>
          h.store.put(
            key,
            (async function* () {
              let seen = 0;
              for await (const chunk of source) {
                seen += chunk.length;
                if (seen > 10_000)
                  throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
                yield chunk;
              }
            })(),
            options,
          ),
      };
      const filling = await h.start(TEST_LIMITS, full);
      const env = await h.envelope(new Uint8Array(100_000));
      const { id } = await create([env.length]);
      const res = await putPart(filling.base, id, 0, 0, partsOf(env, PART)[0] as Uint8Array);
      expect(res.status).toBe(507);
      expect(await errorCode(res)).toBe('INSUFFICIENT_STORAGE');
      expect(await h.store.list(`uploads/${id}/`)).toEqual([]);
      expect(filesUnder(h.blobDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
      expect(filling.inFlight.inUse()).toBe(0);
    });

    it('answers 503 with Retry-After when this instance has too many bytes in flight', async () => {
      const env = await h.envelope(new Uint8Array(100_000));
      const { id } = await create([env.length]);
      const taken = TEST_LIMITS.maxBytesInFlight - PART + 1;
      expect(app.inFlight.tryAcquire(taken)).toBe(true);
      try {
        const res = await putPart(app.base, id, 0, 0, partsOf(env, PART)[0] as Uint8Array);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(await errorCode(res)).toBe('BUSY');
      } finally {
        app.inFlight.release(taken);
      }
      expect((await putPart(app.base, id, 0, 0, partsOf(env, PART)[0] as Uint8Array)).status).toBe(201);
      expect(app.inFlight.inUse()).toBe(0);
    });
  });

  it('serves one submission from several instances (no per-upload state in memory)', async () => {
    const other = await h.start();
    const env = await h.envelope(new Uint8Array(300_000));
    const { id } = await create([env.length]);
    const parts = partsOf(env, PART);
    for (const [part, bytes] of parts.entries()) {
      const base = part % 2 === 0 ? app.base : other.base;
      expect((await putPart(base, id, 0, part, bytes)).status).toBe(201);
    }
    expect((await putPart(other.base, id, 0, 0, parts[0] as Uint8Array)).status).toBe(200);
    const status = submissionStatusSchema.parse(
      await (await fetch(`${other.base}/api/submissions/${id}`)).json(),
    );
    expect(status.files[0]?.received).toEqual(parts.map((_, i) => i));
    expect((await postJson(other.base, `/api/submissions/${id}/finalize`, {})).status).toBe(202);
    expect((await postJson(app.base, `/api/submissions/${id}/finalize`, {})).status).toBe(202);
    expect(await jobsFor(id)).toHaveLength(1);
  });
});

/** Waits (bounded) for a condition that another party makes true. */
async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function rawPut(
  base: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'PUT', headers });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    if (body !== undefined) req.write(body);
    // Without a body the request stays open (a client that announced 1 GiB): only the headers go out.
    if (headers['Content-Length'] === undefined) req.end();
    else req.flushHeaders();
  });
}
