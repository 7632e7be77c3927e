// The witness receipt end to end with real parts: finalize (real intake router, real BullMQ queue on
// real Redis) queues `log-received` next to `process-submission`; a real BullMQ worker runs both (the
// real pipeline and worker/log-received.ts); GET /api/submissions/:id/receipt answers 202 until the
// received entries are signed, then a receipt whose checkpoint and inclusion proofs verify with
// core/receipt.ts; the pipeline's own appends do not duplicate a received entry.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { logReceivedJobId, SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import {
  type LogEntry,
  logEntriesForRecord,
  logEntryId,
  serializeLogEntry,
} from '../../../core/contracts/log-entry.js';
import { type Receipt, receiptPendingSchema, receiptSchema } from '../../../core/contracts/receipt.js';
import { ReceiptError, verifyReceipt, verifyReceiptStillLogged } from '../../../core/receipt.js';
import { createLogger } from '../../../runtime/logger.js';
import {
  createLogReader,
  type LogIdentity,
  logIdentity,
  verifyTreeHead,
} from '../../../runtime/provenance-log/index.js';
import { createApp } from '../../../server/app.js';
import { createLogReceivedDeps, logReceived } from '../../../worker/log-received.js';
import { processSubmission } from '../../../worker/pipeline.js';
import { createProcessor } from '../../../worker/processor.js';
import { readStoredRecord } from '../../../worker/publish.js';
import { createFixture, type Fixture, redisUrl } from '../worker/harness.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const NOTE = 'Receipt-note-marker 41: what I saw.';

let fixture: Fixture;
let identity: LogIdentity;
let queue: Queue;
let server: ReturnType<ReturnType<typeof createApp>['listen']>;
let base: string;
const queuePrefix = `kua-test-q${Date.now().toString(16)}`;

function verifier() {
  return { origin: identity.origin, name: identity.name, publicKey: fixture.keys.log.publicKey };
}

async function receipt(id: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}/api/submissions/${id}/receipt`);
  return { status: res.status, body: await res.json() };
}

async function allEntries(): Promise<LogEntry[]> {
  const reader = createLogReader(fixture.store);
  const out: LogEntry[] = [];
  for (let i = 0; i < (await reader.size()); i++) out.push(await reader.entry(i));
  return out;
}

function submitTwo(): Promise<string> {
  return fixture.submit([
    { bytes: utf8(NOTE), manifest: { name: 'note.txt', type: 'text/plain' } },
    { bytes: utf8(`${NOTE} second`), manifest: { name: 'other-note.txt', type: 'text/plain' } },
  ]);
}

beforeAll(async () => {
  fixture = await createFixture();
  identity = logIdentity(fixture.sodium, fixture.keys.orgPublicKey, fixture.keys.log.publicKey);
  queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: redisUrl() }, prefix: queuePrefix });
  const logger = createLogger({ level: 'error', component: 'server', sink: () => {} });
  const app = createApp({
    health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
    logger,
    webRoot: fixture.dir,
    trustProxy: false,
    intake: {
      redis: fixture.redis,
      queue,
      store: fixture.store,
      logger,
      intake: { publicKey: 'unused', fingerprint: 'unused' },
      limits: {
        partBytes: 64 * 1024,
        maxFileBytes: 1024 * 1024,
        maxFiles: 5,
        maxBytesInFlight: 1024 * 1024,
        diskReserveBytes: 0,
        expirySeconds: 3600,
      },
      freeDiskBytes: async () => Number.MAX_SAFE_INTEGER,
      keyPrefix: `${fixture.prefix}intake:`,
      logReader: createLogReader(fixture.store),
    },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await queue.obliterate({ force: true });
  await queue.close();
  await fixture.close();
});

describe('witness receipt', () => {
  it('is pending until log-received ran, then verifies; the pipeline does not duplicate entries', async () => {
    const id = await submitTwo();
    const before = await receipt(id);
    expect(before.status).toBe(202);
    expect(receiptPendingSchema.parse(before.body)).toEqual({ pending: true });

    const deps = fixture.deps();
    const first = await logReceived(createLogReceivedDeps(deps), id);
    expect(first.indexes).toHaveLength(2);
    const got = await receipt(id);
    expect(got.status).toBe(200);
    const r: Receipt = receiptSchema.parse(got.body);
    expect(r.submission).toBe(id);
    expect(r.entries.map((e) => e.index)).toEqual(first.indexes);
    const verified = verifyReceipt(fixture.sodium, JSON.stringify(r), verifier());
    expect(verified.files).toBe(2);
    // Nothing about the content: only the intake ciphertext's hash, the time and ids.
    expect(JSON.stringify(r)).not.toContain('Receipt-note-marker');
    expect(JSON.stringify(r)).not.toContain('note.txt');

    const receivedBefore = (await allEntries()).filter((e) => e.kind === 'received' && e.submission === id);
    await processSubmission(deps, id, 'job-receipt-1');
    const after = await allEntries();
    const ids = after.map(logEntryId);
    expect(new Set(ids).size).toBe(ids.length);
    const receivedAfter = after.filter((e) => e.kind === 'received' && e.submission === id);
    expect(receivedAfter.map(serializeLogEntry)).toEqual(receivedBefore.map(serializeLogEntry));
    // … and byte-identical to what the stored records yield (what `kua pull` expects to find).
    for (const [index, logged] of receivedBefore.entries()) {
      const stored = await readStoredRecord(fixture.store, id, index);
      if (stored === undefined) throw new Error('no record');
      const fromRecord = logEntriesForRecord(stored).find((e) => e.kind === 'received');
      expect(fromRecord && serializeLogEntry(fromRecord)).toBe(serializeLogEntry(logged));
    }

    // The receipt's checkpoint is consistent with the grown log.
    const reader = createLogReader(fixture.store);
    const note = await reader.checkpoint();
    if (note === undefined) throw new Error('no checkpoint');
    const current = verifyTreeHead(fixture.sodium, identity, note);
    expect(current.size).toBeGreaterThan(verified.checkpoint.size);
    const proof = await reader.consistencyProof(verified.checkpoint.size, current.size);
    expect(verifyReceiptStillLogged(verified.checkpoint, current, proof)).toBe(true);
    // … and a forged "current" root is refused.
    const forged = { ...current, rootHash: new Uint8Array(32) };
    expect(() => verifyReceiptStillLogged(verified.checkpoint, forged, proof)).toThrow(ReceiptError);

    // Once processed (intake deleted), log-received is a no-op with the same indexes.
    const size = await reader.size();
    expect((await logReceived(createLogReceivedDeps(deps), id)).indexes).toEqual(first.indexes);
    expect(await reader.size()).toBe(size);
    // The receipt endpoint still answers with the same entries.
    const later = receiptSchema.parse((await receipt(id)).body);
    expect(later.entries.map((e) => e.entry)).toEqual(r.entries.map((e) => e.entry));
    expect(verifyReceipt(fixture.sodium, later, verifier()).receivedAt).toBe(verified.receivedAt);
  }, 60_000);

  it('finalize queues log-received; a real worker runs both jobs; each received id is logged once', async () => {
    const id = await submitTwo();
    const res = await fetch(`${base}/api/submissions/${id}/finalize`, { method: 'POST' });
    expect(res.status).toBe(202);
    const job = await queue.getJob(logReceivedJobId(id));
    expect(job?.name).toBe('log-received');
    expect(job?.data).toEqual({ submissionId: id });
    expect((await queue.getJob(id))?.name).toBe('process-submission');

    const deps = fixture.deps();
    const events = new QueueEvents(SUBMISSIONS_QUEUE, {
      connection: { url: redisUrl() },
      prefix: queuePrefix,
    });
    await events.waitUntilReady();
    const worker = new Worker(
      SUBMISSIONS_QUEUE,
      createProcessor({
        logger: createLogger({ level: 'error', component: 'worker', sink: () => {} }),
        run: (sid, jobId) => processSubmission(deps, sid, jobId),
        logReceived: (sid) => logReceived(createLogReceivedDeps(deps), sid),
      }),
      { connection: { url: redisUrl(), maxRetriesPerRequest: null }, prefix: queuePrefix, concurrency: 2 },
    );
    try {
      const lr = await queue.getJob(logReceivedJobId(id));
      const ps = await queue.getJob(id);
      if (lr === undefined || ps === undefined) throw new Error('jobs missing');
      await Promise.all([lr.waitUntilFinished(events, 30_000), ps.waitUntilFinished(events, 30_000)]);
    } finally {
      await worker.close();
      await events.close();
    }
    const got = await receipt(id);
    expect(got.status).toBe(200);
    const verified = verifyReceipt(fixture.sodium, got.body, verifier());
    expect(verified.submission).toBe(id);
    const ids = (await allEntries()).map(logEntryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((x) => x.startsWith(`received:${id}:`)).sort()).toEqual([
      `received:${id}:0`,
      `received:${id}:1`,
    ]);
  }, 60_000);

  it('a tampered receipt fails verification', async () => {
    const id = await submitTwo();
    await logReceived(createLogReceivedDeps(fixture.deps()), id);
    const r = receiptSchema.parse((await receipt(id)).body);
    expect(() => verifyReceipt(fixture.sodium, r, verifier())).not.toThrow();
    const entry = r.entries[0];
    if (entry === undefined) throw new Error('no entry');
    const otherTime = {
      ...r,
      entries: [{ ...entry, entry: { ...entry.entry, receivedAt: '2020-01-01T00:00:00.000Z' } }],
    };
    expect(() => verifyReceipt(fixture.sodium, otherTime, verifier())).toThrow(ReceiptError);
    const otherIndex = { ...r, entries: [{ ...entry, index: entry.index + 1 }] };
    expect(() => verifyReceipt(fixture.sodium, otherIndex, verifier())).toThrow(ReceiptError);
    const wrongKey = { ...verifier(), publicKey: fixture.sodium.crypto_sign_keypair().publicKey };
    expect(() => verifyReceipt(fixture.sodium, r, wrongKey)).toThrow(ReceiptError);
    expect(() => verifyReceipt(fixture.sodium, '{"v":1}', verifier())).toThrow(ReceiptError);
  }, 60_000);
});
