// The intake API (docs/API.md): create a submission, upload envelope parts, report status, finalize.
// No per-upload state in memory: records live in Redis, parts in the blob store, so any number of
// instances can serve the same submission. Limits are enforced while streaming.
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import express, { type Request, type RequestHandler, Router } from 'express';
import type { Redis } from 'ioredis';
import {
  ACCEPTED_TYPES,
  type CreateSubmissionResponse,
  createSubmissionRequestSchema,
  type FinalizeResponse,
  type IntakeConfig,
  maxEnvelopeBytesFor,
  partCount,
  partLength,
} from '../../core/contracts/intake.js';
import { logReceivedJobId, SUBMISSION_JOB_OPTIONS } from '../../core/contracts/jobs.js';
import type { ReceiptPending } from '../../core/contracts/receipt.js';
import { BlobIncompleteError, type BlobStore, BlobTooLargeError } from '../../runtime/blob-store/types.js';
import type { Logger } from '../../runtime/logger.js';
import { partKey } from './blob-keys.js';
import { checkedAgainst, parseReprDigest } from './digest.js';
import { checkIntakeEnvelope, INTAKE_HEADER_BYTES } from './envelope-check.js';
import { IntakeError, intakeErrors } from './errors.js';
import { createInFlightBudget, type InFlightBudget } from './in-flight.js';
import { readEnvelopePrefix, receivedParts } from './intake-blobs.js';
import { buildReceipt, type ReceiptLogReader } from './receipt.js';
import {
  closeSubmissionRecord,
  createSubmissionRecord,
  getSubmissionRecord,
  markSubmissionQueued,
  type RecordOptions,
  type SubmissionRecord,
} from './records.js';
import { submissionStatus } from './status.js';

export interface IntakeLimits {
  partBytes: number;
  /** Plaintext bytes per file. */
  maxFileBytes: number;
  maxFiles: number;
  maxBytesInFlight: number;
  diskReserveBytes: number;
  expirySeconds: number;
}

export interface IntakeDeps {
  redis: Redis;
  queue: Pick<Queue, 'add' | 'getJob'>;
  store: BlobStore;
  logger: Logger;
  intake: { publicKey: string; fingerprint: string };
  limits: IntakeLimits;
  /** Free bytes where the blob store writes (statfs for the filesystem store). */
  freeDiskBytes: () => Promise<number>;
  keyPrefix?: string;
  now?: () => number;
  /** Shared with tests; one per instance. */
  inFlight?: InFlightBudget;
  /** The public log, for witness receipts (GET /submissions/:id/receipt); without it: 404. */
  logReader?: ReceiptLogReader;
}

const ID = /^[0-9a-f]{32}$/;
const INDEX = /^(0|[1-9]\d{0,8})$/;
const RETRY_AFTER_SECONDS = '5';

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;
}

function isClientAbort(req: Request, error: unknown): boolean {
  if (
    error instanceof IntakeError ||
    error instanceof BlobTooLargeError ||
    error instanceof BlobIncompleteError
  )
    return false;
  return req.readableAborted || req.destroyed;
}

function isNoSpace(error: unknown): boolean {
  return (
    error !== null &&
    typeof error === 'object' &&
    'code' in error &&
    (error as { code: unknown }).code === 'ENOSPC'
  );
}

export function createIntakeRouter(deps: IntakeDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const records: RecordOptions = { keyPrefix: deps.keyPrefix };
  const inFlight = deps.inFlight ?? createInFlightBudget(deps.limits.maxBytesInFlight);
  const maxEnvelopeBytes = maxEnvelopeBytesFor(deps.limits.maxFileBytes);
  const log = deps.logger;

  const config: IntakeConfig = {
    intake: { publicKey: deps.intake.publicKey, fingerprint: deps.intake.fingerprint },
    limits: {
      maxFileBytes: deps.limits.maxFileBytes,
      maxEnvelopeBytes,
      maxFiles: deps.limits.maxFiles,
      partBytes: deps.limits.partBytes,
      acceptedTypes: [...ACCEPTED_TYPES],
    },
    expiresInSeconds: deps.limits.expirySeconds,
  };

  const json = (limit: string): RequestHandler[] => [
    (req, _res, next) => {
      if (hasBody(req) && mediaType(req) !== 'application/json') {
        next(intakeErrors.unsupportedType());
        return;
      }
      next();
    },
    express.json({ limit, strict: true, type: 'application/json' }),
  ];

  async function loadRecord(id: string): Promise<SubmissionRecord> {
    const record = ID.test(id) ? await getSubmissionRecord(deps.redis, id, records) : undefined;
    if (record === undefined) throw intakeErrors.notFound();
    return record;
  }

  async function assertDiskRoom(bytes: number): Promise<void> {
    if ((await deps.freeDiskBytes()) - bytes < deps.limits.diskReserveBytes)
      throw intakeErrors.insufficientStorage();
  }

  router.get('/config', (_req, res) => {
    res.json(config);
  });

  router.post('/submissions', ...json('64kb'), async (req, res) => {
    const parsed = createSubmissionRequestSchema.safeParse(req.body);
    if (!parsed.success) throw intakeErrors.badRequest();
    const sizes = parsed.data.files.map((f) => f.bytes);
    if (sizes.length > deps.limits.maxFiles) throw intakeErrors.tooManyFiles();
    if (sizes.some((bytes) => bytes > maxEnvelopeBytes)) throw intakeErrors.fileTooLarge();
    await assertDiskRoom(sizes.reduce((a, b) => a + b, 0));

    const id = randomBytes(16).toString('hex');
    const createdAt = now();
    const expiresAt = createdAt + deps.limits.expirySeconds * 1000;
    const partBytes = deps.limits.partBytes;
    await createSubmissionRecord(deps.redis, { id, files: sizes, partBytes, createdAt, expiresAt }, records);
    log.info('submission_created', { count: sizes.length });
    const body: CreateSubmissionResponse = {
      id,
      partBytes,
      expiresAt: new Date(expiresAt).toISOString(),
      files: sizes.map((bytes, index) => ({ index, bytes, parts: partCount(bytes, partBytes) })),
    };
    res.status(201).json(body);
  });

  router.put('/submissions/:id/files/:index/parts/:part', async (req, res, next) => {
    let reserved = 0;
    try {
      if (mediaType(req) !== 'application/octet-stream') throw intakeErrors.unsupportedType();
      const lengthHeader = req.headers['content-length'];
      if (
        req.headers['transfer-encoding'] !== undefined ||
        lengthHeader === undefined ||
        !/^\d{1,16}$/.test(lengthHeader)
      )
        throw intakeErrors.lengthRequired();
      const contentLength = Number(lengthHeader);
      if (contentLength > deps.limits.partBytes) {
        res.setHeader('Connection', 'close'); // do not read a byte of it
        throw intakeErrors.partTooLarge();
      }
      // From here on the body is at most partBytes: on a refusal Node drains it, so the client
      // reads a clean answer instead of a reset connection.
      const record = await loadRecord(String(req.params.id));
      if (record.closed) throw intakeErrors.closed();
      const indexText = String(req.params.index);
      const partText = String(req.params.part);
      if (!INDEX.test(indexText) || !INDEX.test(partText)) throw intakeErrors.badPart();
      const index = Number(indexText);
      const part = Number(partText);
      const bytes = record.files[index];
      if (bytes === undefined || part >= partCount(bytes, record.partBytes)) throw intakeErrors.badPart();
      const expected = partLength(bytes, record.partBytes, part);
      if (contentLength > expected) throw intakeErrors.partTooLarge();
      if (contentLength < expected) throw intakeErrors.badPartLength();
      const digest = parseReprDigest(req.headers['repr-digest']);

      const key = partKey(record.id, index, part);
      if ((await deps.store.stat(key)) !== undefined) {
        log.debug('part_duplicate');
        res.status(200).json({ stored: false });
        return;
      }
      await assertDiskRoom(expected);
      if (!inFlight.tryAcquire(expected)) {
        res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
        throw intakeErrors.busy();
      }
      reserved = expected;
      // destroyOnReturn false: if storing fails on our side (disk full), the connection survives to
      // carry the error answer; Node drains the rest of the (bounded) body.
      const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
      const result = await deps.store.put(key, checkedAgainst(body, digest), {
        exactBytes: expected,
        ifAbsent: true,
      });
      log.debug(result.created ? 'part_stored' : 'part_duplicate');
      res.status(result.created ? 201 : 200).json({ stored: result.created });
    } catch (error) {
      if (isClientAbort(req, error)) {
        log.info('part_aborted');
        if (!res.headersSent) res.destroy();
        return;
      }
      if (error instanceof BlobTooLargeError) next(intakeErrors.partTooLarge());
      else if (error instanceof BlobIncompleteError) next(intakeErrors.incompletePart());
      else if (isNoSpace(error)) next(intakeErrors.insufficientStorage());
      else next(error);
    } finally {
      inFlight.release(reserved);
    }
  });

  router.get('/submissions/:id', async (req, res) => {
    const id = String(req.params.id);
    const status = ID.test(id)
      ? await submissionStatus({ ...deps, keyPrefix: deps.keyPrefix }, id)
      : undefined;
    if (status === undefined) throw intakeErrors.notFound();
    res.json(status);
  });

  // The witness receipt: 202 { pending: true } until every file's received entry is in a checkpoint.
  router.get('/submissions/:id/receipt', async (req, res) => {
    const record = await loadRecord(String(req.params.id));
    const reader = deps.logReader;
    if (reader === undefined) throw intakeErrors.notFound();
    res.set('cache-control', 'no-store');
    const receipt = record.closed ? await buildReceipt(reader, record.id, record.files.length) : undefined;
    if (receipt === undefined) {
      const pending: ReceiptPending = { pending: true };
      res.status(202).json(pending);
      return;
    }
    res.json(receipt);
  });

  router.post('/submissions/:id/finalize', ...json('1kb'), async (req, res) => {
    const body: unknown = req.body;
    if (
      body !== undefined &&
      (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0)
    )
      throw intakeErrors.badRequest();
    const record = await loadRecord(String(req.params.id));
    const done: FinalizeResponse = { id: record.id, state: 'queued' };
    if (record.queued) {
      res.status(202).json(done);
      return;
    }
    if (!record.closed) {
      const received = await receivedParts(deps.store, record.id);
      let missing = 0;
      let incompleteFiles = 0;
      record.files.forEach((bytes, index) => {
        const have = received.get(index)?.length ?? 0;
        const lacking = partCount(bytes, record.partBytes) - have;
        if (lacking > 0) {
          missing += lacking;
          incompleteFiles++;
        }
      });
      if (missing > 0) throw intakeErrors.incomplete(missing, incompleteFiles);
      let bad = 0;
      for (const [index, bytes] of record.files.entries()) {
        const prefix = await readEnvelopePrefix(deps.store, record.id, index, INTAKE_HEADER_BYTES);
        try {
          checkIntakeEnvelope(prefix, bytes, deps.intake.fingerprint);
        } catch (error) {
          if (!(error instanceof IntakeError)) throw error;
          // Drop only the part holding the bad header, so the page can send it again.
          await deps.store.delete(partKey(record.id, index, 0));
          bad++;
        }
      }
      if (bad > 0) throw intakeErrors.badEnvelope();
      if (!(await closeSubmissionRecord(deps.redis, record.id, records))) throw intakeErrors.notFound();
    }
    // jobId = submission id: a second add (concurrent or repeated finalize) is a no-op in BullMQ.
    // The shared options give transient failures retries with backoff and keep failed jobs visible.
    await deps.queue.add(
      'process-submission',
      { submissionId: record.id },
      { ...SUBMISSION_JOB_OPTIONS, jobId: record.id },
    );
    // Then a quick job that logs what was received, so the page can offer a receipt soon.
    await deps.queue.add(
      'log-received',
      { submissionId: record.id },
      { ...SUBMISSION_JOB_OPTIONS, jobId: logReceivedJobId(record.id) },
    );
    await markSubmissionQueued(deps.redis, record.id, records);
    log.info('submission_queued', { count: record.files.length });
    res.status(202).json(done);
  });

  return router;
}
