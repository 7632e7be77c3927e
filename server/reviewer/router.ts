// The reviewer API (docs/API.md, "Reviewer API"): challenge–response login with the reviewer's Ed25519
// key against the current signed roster, short-lived bearer tokens, the submissions sealed to this
// reviewer, their blobs (ETag, ranges) and received marks. No cookies; nothing about the request's
// origin is read, logged or stored. All state is in Redis and the blob store: any number of instances.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Redis } from 'ioredis';
import { fromBase64 } from '../../core/base64.js';
import { resultKey } from '../../core/contracts/record.js';
import {
  type ChallengeResponse,
  challengeRequestSchema,
  type LoginResponse,
  loginMessage,
  loginRequestSchema,
  NONCE_TTL_SECONDS,
  REVIEWER_BLOBS,
  type ReviewerBlob,
  type ReviewerSubmission,
  type SubmissionList,
  TOKEN_TTL_SECONDS,
} from '../../core/contracts/reviewer.js';
import type { BlobStore } from '../../runtime/blob-store/types.js';
import { consumeNonce, issueNonce } from './challenges.js';
import { reviewerErrors } from './errors.js';
import { decideRange, notModified, rangeStillValid } from './ranges.js';
import { reviewerKeys } from './redis-keys.js';
import { blobDigest, type VisibleSubmission, visibleSubmission, visibleSubmissions } from './results.js';
import { findReviewer, type ReviewerRosterDeps, type RosterReviewer } from './roster.js';
import { DEFAULT_LOGIN_DELAY, type LoginDelay, recordLoginFailure } from './throttle.js';
import { bearerToken, issueToken, lookupToken } from './tokens.js';

export interface ReviewerDeps extends ReviewerRosterDeps {
  redis: Redis;
  store: BlobStore;
  /** Redis key prefix (default kua:reviewer:); tests isolate with their own. */
  keyPrefix?: string;
  now?: () => number;
  loginDelay?: LoginDelay;
  /** How a failed login's answer is held back; tests observe it. */
  sleep?: (ms: number) => Promise<void>;
  nonceTtlSeconds?: number;
  tokenTtlSeconds?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const INDEX = /^(0|[1-9]\d{0,8})$/;

function requireJson(): RequestHandler[] {
  return [
    (req, _res, next) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      next(type === 'application/json' ? undefined : reviewerErrors.unsupportedType());
    },
    express.json({ limit: '4kb', strict: true, type: 'application/json' }),
  ];
}

function reviewerOf(res: Response): RosterReviewer {
  return res.locals.reviewer as RosterReviewer;
}

export function createReviewerRouter(deps: ReviewerDeps): Router {
  const router = Router();
  const keys = reviewerKeys(deps.keyPrefix);
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const delay = deps.loginDelay ?? DEFAULT_LOGIN_DELAY;
  const nonceTtl = deps.nonceTtlSeconds ?? NONCE_TTL_SECONDS;
  const tokenTtl = deps.tokenTtlSeconds ?? TOKEN_TTL_SECONDS;
  const log = deps.logger;

  router.post('/challenge', ...requireJson(), async (req, res) => {
    const parsed = challengeRequestSchema.safeParse(req.body);
    if (!parsed.success) throw reviewerErrors.badRequest();
    // The same answer whether or not the fingerprint is on the roster: no enumeration.
    const nonce = await issueNonce(deps.redis, keys, parsed.data.fingerprint, nonceTtl);
    const body: ChallengeResponse = {
      nonce: Buffer.from(nonce).toString('base64'),
      expiresAt: new Date(now() + nonceTtl * 1000).toISOString(),
    };
    res.json(body);
  });

  async function verifyLogin(body: unknown): Promise<RosterReviewer | undefined> {
    const parsed = loginRequestSchema.safeParse(body);
    if (!parsed.success) return undefined;
    const { fingerprint, nonce, signature } = parsed.data;
    const nonceBytes = fromBase64(nonce);
    // Consumed first and whatever follows: a nonce is good for one attempt only.
    const issuedTo = await consumeNonce(deps.redis, keys, nonceBytes);
    if (issuedTo !== fingerprint) return undefined;
    const reviewer = await findReviewer(deps, fingerprint);
    if (reviewer === undefined) return undefined;
    let ok = false;
    try {
      ok = deps.sodium.crypto_sign_verify_detached(
        fromBase64(signature),
        loginMessage(nonceBytes),
        reviewer.ed25519PublicKey,
      );
    } catch {
      ok = false;
    }
    return ok ? reviewer : undefined;
  }

  router.post('/login', ...requireJson(), async (req, res) => {
    const reviewer = await verifyLogin(req.body);
    if (reviewer === undefined) {
      const wait = await recordLoginFailure(deps.redis, keys, delay);
      log.info('reviewer_login_failed', { durationMs: wait });
      await sleep(wait);
      throw reviewerErrors.loginFailed();
    }
    const token = await issueToken(deps.redis, keys, reviewer.signingFingerprint, tokenTtl);
    log.info('reviewer_login');
    const body: LoginResponse = { token, expiresAt: new Date(now() + tokenTtl * 1000).toISOString() };
    res.json(body);
  });

  // Everything below needs a live token of a reviewer who is still on the current roster.
  router.use(async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    const fingerprint = token === undefined ? undefined : await lookupToken(deps.redis, keys, token);
    const reviewer = fingerprint === undefined ? undefined : await findReviewer(deps, fingerprint);
    if (reviewer === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw reviewerErrors.unauthorized();
    }
    res.locals.reviewer = reviewer;
    next();
  });

  async function submissionFor(req: Request, res: Response): Promise<VisibleSubmission> {
    const submission = await visibleSubmission(
      deps.store,
      String(req.params.id),
      reviewerOf(res).sealingFingerprint,
    );
    if (submission === undefined) throw reviewerErrors.notFound();
    return submission;
  }

  router.get('/submissions', async (_req, res) => {
    const reviewer = reviewerOf(res);
    const submissions = await visibleSubmissions(deps.store, reviewer.sealingFingerprint);
    const received = new Set(await deps.redis.smembers(keys.received(reviewer.signingFingerprint)));
    const body: SubmissionList = {
      submissions: submissions.map(
        (s): ReviewerSubmission => ({
          id: s.id,
          processedAt: s.processedAt,
          received: received.has(s.id),
          files: s.files.map((f) => {
            const r = f.record;
            const blobs: ReviewerSubmission['files'][number]['blobs'] = { record: f.recordDigest };
            for (const blob of ['sanitised', 'original', 'receipt'] as const) {
              const digest = blobDigest(f, blob);
              if (digest !== undefined) blobs[blob] = digest;
            }
            return {
              index: f.index,
              status: r.status,
              kind: r.kind,
              ...(r.mediaType === undefined ? {} : { mediaType: r.mediaType }),
              ...(r.reason === undefined ? {} : { reason: r.reason }),
              blobs,
            };
          }),
        }),
      ),
    };
    res.json(body);
  });

  router.get('/submissions/:id/files/:index/:blob', async (req, res) => {
    const blob = String(req.params.blob);
    const indexText = String(req.params.index);
    if (!(REVIEWER_BLOBS as readonly string[]).includes(blob) || !INDEX.test(indexText))
      throw reviewerErrors.notFound();
    const submission = await submissionFor(req, res);
    const file = submission.files.find((f) => f.index === Number(indexText));
    const digest = file === undefined ? undefined : blobDigest(file, blob as ReviewerBlob);
    const key = resultKey(submission.id, Number(indexText), blob as ReviewerBlob);
    const info = digest === undefined ? undefined : await deps.store.stat(key);
    if (digest === undefined || info === undefined) throw reviewerErrors.notFound();

    const etag = `"${digest.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    if (notModified(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    const ifRange = req.get('if-range');
    const range = rangeStillValid(ifRange, etag)
      ? decideRange(req.headers.range, info.size)
      : ({ kind: 'full' } as const);
    if (range.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${info.size}`);
      throw reviewerErrors.rangeNotSatisfiable();
    }
    const { start, end } = range.kind === 'partial' ? range : { start: 0, end: info.size };
    res.status(range.kind === 'partial' ? 206 : 200);
    if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end - 1}/${info.size}`);
    res.setHeader('Content-Type', blob === 'record' ? 'application/json' : 'application/octet-stream');
    res.setHeader('Content-Length', String(end - start));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const source = await deps.store.get(key, { start, end });
    try {
      await pipeline(Readable.from(source), res);
    } catch {
      log.debug('reviewer_download_aborted');
      res.destroy();
    }
  });

  router.post('/submissions/:id/received', async (req, res) => {
    const submission = await submissionFor(req, res);
    await deps.redis.sadd(keys.received(reviewerOf(res).signingFingerprint), submission.id);
    res.status(204).end();
  });

  router.use((_req, _res, next) => next(reviewerErrors.notFound()));
  return router;
}
