// The worker pipeline end to end with real parts: Redis + BullMQ, the filesystem blob store, real
// envelope crypto and keys, D's real sanitiser (sharp, ffmpeg, exiftool, ffprobe) on corpus files.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type Job, Queue, Worker } from 'bullmq';
import { SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import {
  type ProvenanceRecord,
  parseSignedRecord,
  resultKey,
  resultsPrefix,
  type SubmissionSummary,
  verifyRecord,
} from '../../../core/contracts/record.js';
import { decryptBytes } from '../../../core/envelope/index.js';
import { createLogger } from '../../../runtime/logger.js';
import { submissionPrefix } from '../../../server/intake/blob-keys.js';
import { getSubmissionRecord } from '../../../server/intake/records.js';
import { submissionStatus } from '../../../server/intake/status.js';
import { readTags } from '../../../worker/media/exiftool.js';
import { DEFAULT_MEDIA_LIMITS, sanitizeFile } from '../../../worker/media/index.js';
import { assertClean, disallowedExifGroups } from '../../../worker/media/verify.js';
import { processSubmission } from '../../../worker/pipeline.js';
import { createProcessor } from '../../../worker/processor.js';
import { ROSTER_SEEN_KEY } from '../../../worker/roster.js';
import {
  corpusDir,
  createFixture,
  dumpRedis,
  type Fixture,
  filesUnder,
  readBlob,
  redisUrl,
  writeRoster,
} from './harness.js';

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const JPEG = readFileSync(join(corpusDir, 'exifr_canon600d_gps_serials_iptc.jpg'));
const MP4 = readFileSync(join(corpusDir, 'mei_android6_samsung_gps.mp4'));
const NOTE = 'Ночью на площади Республики. Secret-note-marker 42.';
const PDF = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Runs jobs through a real BullMQ queue and worker with the given pipeline. */
async function runJob(
  fixture: Fixture,
  id: string,
  deps = fixture.deps(),
): Promise<{ job: Job; state: 'completed' | 'failed'; error?: Error }> {
  const prefix = `${fixture.prefix}bull`;
  const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: redisUrl() }, prefix });
  const worker = new Worker(
    SUBMISSIONS_QUEUE,
    createProcessor({
      logger: createLogger({ level: 'silent', component: 'w' }),
      run: (submissionId, jobId) => processSubmission(deps, submissionId, jobId),
    }),
    { connection: { url: redisUrl(), maxRetriesPerRequest: null }, prefix },
  );
  try {
    const done = new Promise<{ job: Job; state: 'completed' | 'failed'; error?: Error }>((resolve) => {
      worker.on('completed', (job) => resolve({ job, state: 'completed' }));
      worker.on('failed', (job, error) => {
        if (job !== undefined) resolve({ job, state: 'failed', error });
      });
    });
    await queue.add('process-submission', { submissionId: id }, { jobId: id, attempts: 3 });
    return await done;
  } finally {
    await worker.close();
    await queue.close();
  }
}

function decryptAs(fixture: Fixture, reviewer: number, envelope: Uint8Array) {
  const r = fixture.reviewers[reviewer]!;
  return decryptBytes(fixture.sodium, envelope, {
    x25519PublicKey: r.x25519PublicKey,
    x25519SecretKey: r.x25519SecretKey,
  });
}

async function storedRecord(fixture: Fixture, id: string, index: number): Promise<ProvenanceRecord> {
  const text = new TextDecoder().decode(await readBlob(fixture.store, resultKey(id, index, 'record')));
  return verifyRecord(fixture.sodium, text, fixture.keys.log.publicKey);
}

describe('worker pipeline: a whole submission', () => {
  let fixture: Fixture;
  let id: string;
  let outcome: Awaited<ReturnType<typeof runJob>>;

  beforeAll(async () => {
    fixture = await createFixture();
    id = await fixture.submit([
      { bytes: utf8(NOTE), manifest: { name: 'note.txt', type: 'text/plain' } },
      {
        bytes: utf8(JSON.stringify({ v: 1, keepOriginal: [2] })),
        manifest: { name: 'choices.json', type: 'application/json' },
      },
      { bytes: JPEG, manifest: { name: 'IMG_2041-Almaty-Secret.jpg', type: 'image/jpeg' } },
      { bytes: MP4, manifest: { name: 'VID_secret_place.mp4', type: 'video/mp4' } },
      // Declared as a photo; the bytes say PDF.
      { bytes: PDF, manifest: { name: 'leaflet-secret.jpg', type: 'image/jpeg' } },
    ]);
    outcome = await runJob(fixture, id);
  }, 120_000);

  afterAll(async () => {
    await fixture.close();
  });

  it('completes with per-file status codes only', () => {
    expect(outcome.state).toBe('completed');
    const summary = outcome.job.returnvalue as SubmissionSummary;
    expect(summary).toEqual({
      v: 1,
      submission: id,
      sealed: 3,
      refused: 1,
      files: [
        { index: 0, status: 'sealed', kind: 'note' },
        { index: 1, status: 'control' },
        { index: 2, status: 'sealed', kind: 'image' },
        { index: 3, status: 'sealed', kind: 'video' },
        { index: 4, status: 'refused', reason: 'unsupported-type' },
      ],
    });
  });

  it('seals the sanitised photo to every reviewer; its hashes match the signed record', async () => {
    const record = await storedRecord(fixture, id, 2);
    const envelope = await readBlob(fixture.store, resultKey(id, 2, 'sanitised'));
    expect(record.sealed).toEqual({
      key: resultKey(id, 2, 'sanitised'),
      sha256: sha256(envelope),
      bytes: envelope.length,
    });
    expect(record.roster?.recipients).toHaveLength(2);
    for (const reviewer of [0, 1]) {
      const { manifest, plaintext } = decryptAs(fixture, reviewer, envelope);
      expect(sha256(plaintext)).toBe(record.sanitised?.sha256);
      expect(plaintext.length).toBe(record.sanitised?.bytes);
      expect(manifest.type).toBe('image/jpeg');
      expect(manifest.name).not.toContain('Secret');
      expect(plaintext).not.toEqual(new Uint8Array(JPEG));
    }
    expect(record).toMatchObject({ status: 'sealed', kind: 'image', mediaType: 'image/jpeg' });
    expect(record.removed).toEqual(expect.arrayContaining(['location']));
    expect(record.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['exiftool']));
    // The intake ciphertext is committed to; the original only through a salted hash.
    expect(record.original.bytes).toBe(JPEG.length);
    expect(record.original.commitment).not.toBe(sha256(JPEG));
    expect(JSON.stringify(record)).not.toContain(sha256(JPEG));
  });

  it('leaves no GPS, serials, make/model or dates in the photo reviewers receive', async () => {
    const { plaintext } = decryptAs(fixture, 0, await readBlob(fixture.store, resultKey(id, 2, 'sanitised')));
    const path = join(fixture.dir, 'check.jpg');
    writeFileSync(path, plaintext);
    const { stdout } = await run('exiftool', ['-j', '-a', '-u', '-G1', '-ee', path]);
    const tags = Object.keys((JSON.parse(stdout) as Record<string, unknown>[])[0] ?? {});
    expect(tags.filter((t) => /GPS|Serial|Make|Model|DateTimeOriginal|CreateDate|XMP|IPTC/i.test(t))).toEqual(
      [],
    );
  });

  it('keeps the video streams and drops its metadata', async () => {
    const record = await storedRecord(fixture, id, 3);
    const { plaintext } = decryptAs(fixture, 1, await readBlob(fixture.store, resultKey(id, 3, 'sanitised')));
    expect(sha256(plaintext)).toBe(record.sanitised?.sha256);
    const path = join(fixture.dir, 'check.mp4');
    writeFileSync(path, plaintext);
    const probe = JSON.parse(
      (await run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', path])).stdout,
    ) as { streams: { codec_type: string }[]; format: { tags?: Record<string, string> } };
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Object.keys(probe.format.tags ?? {}).filter((t) => /location|creation|xyz/i.test(t))).toEqual([]);
    expect(record).toMatchObject({ status: 'sealed', kind: 'video', mediaType: 'video/mp4' });
  });

  it('seals the untouched original only where the witness chose it, labelled, with a checkable commitment', async () => {
    const record = await storedRecord(fixture, id, 2);
    const envelope = await readBlob(fixture.store, resultKey(id, 2, 'original'));
    expect(record.sealedOriginal).toEqual({
      key: resultKey(id, 2, 'original'),
      sha256: sha256(envelope),
      bytes: envelope.length,
    });
    const { manifest, plaintext } = decryptAs(fixture, 1, envelope);
    expect(plaintext).toEqual(new Uint8Array(JPEG));
    expect(manifest.name).toMatch(/original/);
    expect(manifest.type).toBe('image/jpeg');
    // The receipt gives reviewers the salt: SHA-256(salt || original) is the record's commitment.
    const receipt = JSON.parse(
      new TextDecoder().decode(
        decryptAs(fixture, 0, await readBlob(fixture.store, resultKey(id, 2, 'receipt'))).plaintext,
      ),
    ) as { salt: string; commitment: string };
    const check = createHash('sha256').update(Buffer.from(receipt.salt, 'hex')).update(JPEG).digest('hex');
    expect(check).toBe(record.original.commitment);
    expect(manifest.commitment).toEqual({ salt: receipt.salt, sha256: record.original.commitment });
    expect(await fixture.store.stat(resultKey(id, 3, 'original'))).toBeUndefined();
  });

  it('re-seals the note as-is and keeps the choices file to itself', async () => {
    const note = await storedRecord(fixture, id, 0);
    const { plaintext } = decryptAs(fixture, 0, await readBlob(fixture.store, resultKey(id, 0, 'sanitised')));
    expect(new TextDecoder().decode(plaintext)).toBe(NOTE);
    expect(note).toMatchObject({ status: 'sealed', kind: 'note', mediaType: 'text/plain' });
    const choices = await storedRecord(fixture, id, 1);
    expect(choices).toMatchObject({ status: 'control', kind: 'choices' });
    expect(await fixture.store.list(`${resultsPrefix(id)}1/`)).toEqual([
      expect.objectContaining({ key: resultKey(id, 1, 'record') }),
    ]);
  });

  it('refuses the PDF with a reason and releases nothing of it', async () => {
    const record = await storedRecord(fixture, id, 4);
    expect(record).toMatchObject({ status: 'refused', reason: 'unsupported-type' });
    expect(record.sealed).toBeUndefined();
    expect(await fixture.store.stat(resultKey(id, 4, 'sanitised'))).toBeUndefined();
    expect(await fixture.store.stat(resultKey(id, 4, 'original'))).toBeUndefined();
  });

  it('deletes the intake input and marks the record done, kept for the retention period', async () => {
    expect(await fixture.store.list(submissionPrefix(id))).toEqual([]);
    const record = await getSubmissionRecord(fixture.redis, id, { keyPrefix: `${fixture.prefix}intake:` });
    expect(record?.outcomes).toEqual([
      { outcome: 'sealed' },
      { outcome: 'control' },
      { outcome: 'sealed' },
      { outcome: 'sealed' },
      { outcome: 'refused', reason: 'unsupported-type' },
    ]);
    const ttl = await fixture.redis.ttl(`${fixture.prefix}intake:submission:${id}`);
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    expect(await fixture.redis.get(`${fixture.prefix}roster:seen`)).toBe('2');
  });

  it('the status the witness sees names the refused file and its reason, nothing else', async () => {
    const queue = new Queue(SUBMISSIONS_QUEUE, {
      connection: { url: redisUrl() },
      prefix: `${fixture.prefix}bull`,
    });
    try {
      const status = await submissionStatus(
        { redis: fixture.redis, queue, store: fixture.store, keyPrefix: `${fixture.prefix}intake:` },
        id,
      );
      expect(status?.state).toBe('done');
      expect(status?.files.map(({ index, outcome, reason }) => ({ index, outcome, reason }))).toEqual([
        { index: 0, outcome: 'sealed', reason: undefined },
        { index: 1, outcome: 'control', reason: undefined },
        { index: 2, outcome: 'sealed', reason: undefined },
        { index: 3, outcome: 'sealed', reason: undefined },
        { index: 4, outcome: 'refused', reason: 'unsupported-type' },
      ]);
      const text = JSON.stringify(status);
      for (const secret of ['leaflet', 'Secret', 'secret', 'pdf', 'jpg']) expect(text).not.toContain(secret);
    } finally {
      await queue.close();
    }
  });

  it('leaves no scratch files', () => {
    expect(filesUnder(fixture.scratchRoot)).toEqual([]);
  });

  it('never puts plaintext, names or plain hashes into Redis or the logs', async () => {
    const everything = `${await dumpRedis(fixture.redis)}\n${fixture.logLines.join('\n')}`;
    expect(everything).toContain(id); // the dump did read the job
    for (const secret of [
      'Secret',
      'secret',
      'Ночью',
      'note.txt',
      'IMG_2041',
      'leaflet',
      sha256(JPEG),
      sha256(MP4),
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('a job that runs again leaves exactly one result per file, unchanged', async () => {
    const before = await fixture.store.list(resultsPrefix(id));
    const recordBytes = await readBlob(fixture.store, resultKey(id, 2, 'record'));
    const again = await processSubmission(fixture.deps(), id, id);
    expect(again).toEqual(outcome.job.returnvalue);
    expect(await fixture.store.list(resultsPrefix(id))).toEqual(before);
    expect(await readBlob(fixture.store, resultKey(id, 2, 'record'))).toEqual(recordBytes);
  });
});

describe('worker pipeline: reruns and failures', () => {
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = await createFixture();
  });
  afterEach(() => {
    expect(filesUnder(fixture.scratchRoot)).toEqual([]);
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('a rerun after a crash between storing and cleanup completes each file once', async () => {
    const id = await fixture.submit([
      { bytes: JPEG, manifest: { name: 'a.jpg', type: 'image/jpeg' } },
      { bytes: utf8('second note'), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    let sanitised = 0;
    const deps = fixture.deps();
    const counting = fixture.deps({
      sanitize: (input) => {
        sanitised++;
        return deps.sanitize(input);
      },
      // Crash after every result and record is stored, before the intake is deleted.
      deleteIntake: async () => {
        throw Object.assign(new Error('simulated crash'), { code: 'ECONNRESET' });
      },
    });
    await expect(processSubmission(counting, id, id)).rejects.toThrow('simulated crash');
    const records = await fixture.store.list(resultsPrefix(id));
    // Simulate a crash one step earlier for file 1: its blob stored, its record not yet.
    await fixture.store.delete(resultKey(id, 1, 'record'));
    await fixture.store.delete(`${resultsPrefix(id)}summary`);
    const summary = await processSubmission(fixture.deps({ sanitize: counting.sanitize }), id, id);
    expect(summary.files.map((f) => f.status)).toEqual(['sealed', 'sealed']);
    expect(sanitised).toBe(1); // the photo was not processed again: its record existed
    expect((await fixture.store.list(resultsPrefix(id))).map((b) => b.key)).toEqual(
      records.map((b) => b.key),
    );
    expect(await fixture.store.list(submissionPrefix(id))).toEqual([]);
  }, 60_000);

  it('fails closed when verification fails: nothing released, input kept, job failed once', async () => {
    const id = await fixture.submit([
      { bytes: utf8('a note'), manifest: { name: 'note.txt', type: 'text/plain' } },
      { bytes: JPEG, manifest: { name: 'b.jpg', type: 'image/jpeg' } },
    ]);
    // A sanitiser whose output still carries GPS (written back with exiftool), then D's real check.
    const leaky = fixture.deps({
      sanitize: async (input) => {
        const result = await sanitizeFile(input);
        await run('exiftool', [
          '-overwrite_original',
          '-GPSLatitude=43.2',
          '-GPSLatitudeRef=N',
          result.outputPath,
        ]);
        const tags = await readTags(result.outputPath, DEFAULT_MEDIA_LIMITS.reader);
        assertClean(disallowedExifGroups(tags, 'jpeg', 'image/jpeg'));
        return result;
      },
    });
    const { state, job, error } = await runJob(fixture, id, leaky);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(error?.name).toBe('UnrecoverableError');
    expect(error?.message).toContain('MEDIA_VERIFICATION_FAILED');
    expect(await fixture.store.list(resultsPrefix(id))).toEqual([]);
    expect((await fixture.store.list(submissionPrefix(id))).length).toBeGreaterThan(0);
    expect(
      await getSubmissionRecord(fixture.redis, id, { keyPrefix: `${fixture.prefix}intake:` }),
    ).toBeDefined();
  }, 60_000);

  it('fails unrecoverably on an envelope not sealed to this intake key', async () => {
    const other = fixture.sodium.crypto_box_keypair();
    const id = await fixture.submit([{ bytes: JPEG, manifest: { name: 'c.jpg', type: 'image/jpeg' } }]);
    const wrongKey = fixture.deps({
      intakeIdentity: { x25519PublicKey: other.publicKey, x25519SecretKey: other.privateKey },
    });
    const { state, job, error } = await runJob(fixture, id, wrongKey);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(error?.message).toContain('INTAKE_UNREADABLE');
    expect(await fixture.store.list(resultsPrefix(id))).toEqual([]);
    expect((await fixture.store.list(submissionPrefix(id))).length).toBeGreaterThan(0);
  }, 30_000);

  it('refuses to seal to a rolled-back roster, before decrypting anything', async () => {
    const id = await fixture.submit([{ bytes: JPEG, manifest: { name: 'd.jpg', type: 'image/jpeg' } }]);
    await fixture.redis.set(`${fixture.prefix}roster:seen`, '7');
    let decrypted = false;
    const deps = fixture.deps({ sanitize: async () => Promise.reject(new Error('must not run')) });
    const open = deps.openIntake;
    deps.openIntake = (sid, index) => {
      decrypted = true;
      return open(sid, index);
    };
    const { state, error } = await runJob(fixture, id, deps);
    expect(state).toBe('failed');
    expect(error?.message).toContain('ROSTER_UNUSABLE');
    expect(decrypted).toBe(false);
    expect(await fixture.store.list(resultsPrefix(id))).toEqual([]);
    await fixture.redis.del(`${fixture.prefix}roster:seen`);
  }, 30_000);

  it('refuses to seal when there is no roster', async () => {
    const empty = await createFixture({ roster: false });
    try {
      const id = await empty.submit([
        { bytes: utf8('x'), manifest: { name: 'note.txt', type: 'text/plain' } },
      ]);
      await expect(processSubmission(empty.deps(), id, id)).rejects.toMatchObject({
        code: 'ROSTER_UNUSABLE',
      });
      // A new roster (version 2) is then accepted.
      empty.reviewers.push(...(await writeRoster(empty.sodium, empty.keysDir, ['Carol', 'Dan'])));
      const summary = await processSubmission(empty.deps(), id, id);
      expect(summary.sealed).toBe(1);
    } finally {
      await empty.close();
    }
  }, 30_000);

  it('refuses choices that name a non-media file, and keeps no original then', async () => {
    const choices = (keep: number[]) => ({
      bytes: utf8(JSON.stringify({ v: 1, keepOriginal: keep })),
      manifest: { name: 'choices.json', type: 'application/json' },
    });
    const id = await fixture.submit([
      choices([2]),
      { bytes: JPEG, manifest: { name: 'e.jpg', type: 'image/jpeg' } },
      { bytes: utf8('note'), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    const summary = await processSubmission(fixture.deps(), id, id);
    expect(summary.files).toEqual([
      { index: 0, status: 'refused', reason: 'invalid-choices' },
      { index: 1, status: 'sealed', kind: 'image' },
      { index: 2, status: 'sealed', kind: 'note' },
    ]);
    expect(await fixture.store.list(`${resultsPrefix(id)}0/`)).toHaveLength(1); // its record only
    expect(await fixture.store.stat(resultKey(id, 1, 'original'))).toBeUndefined();
  }, 30_000);

  it('fails unrecoverably for a submission that does not exist or is still open', async () => {
    await expect(processSubmission(fixture.deps(), 'e'.repeat(32), 'e'.repeat(32))).rejects.toMatchObject({
      code: 'SUBMISSION_NOT_FOUND',
      unrecoverable: true,
    });
  });

  it('uses the production roster high-water key by default', () => {
    expect(ROSTER_SEEN_KEY).toBe('kua:roster:seen');
  });

  it('stores records that verify and that any change breaks', async () => {
    const id = await fixture.submit([
      { bytes: utf8('note'), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    await processSubmission(fixture.deps(), id, id);
    const text = new TextDecoder().decode(await readBlob(fixture.store, resultKey(id, 0, 'record')));
    const signed = parseSignedRecord(text);
    expect(verifyRecord(fixture.sodium, text, fixture.keys.log.publicKey).index).toBe(0);
    const altered = { ...signed, record: { ...signed.record, index: 1 } };
    expect(() => verifyRecord(fixture.sodium, altered, fixture.keys.log.publicKey)).toThrow(/signature/);
    expect(() => verifyRecord(fixture.sodium, text, fixture.keys.intakeIdentity.x25519PublicKey)).toThrow();
  });
});
