import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSubmissionResponseSchema } from '../../../core/contracts/intake.js';
import { getSubmissionRecord } from '../../../server/intake/records.js';
import { createSweeper } from '../../../server/intake/sweeper.js';
import { Harness, type Instance, partsOf, postJson, putPart, TEST_LIMITS } from './harness.js';

describe('expiry sweeper', () => {
  const h = new Harness();
  let app: Instance;

  beforeAll(async () => {
    await h.setUp();
    app = await h.start();
  });
  afterAll(() => h.tearDown());

  async function submission(): Promise<string> {
    const env = await h.envelope(new Uint8Array(100_000));
    const res = await postJson(app.base, '/api/submissions', { files: [{ bytes: env.length }] });
    const { id } = createSubmissionResponseSchema.parse(await res.json());
    for (const [part, bytes] of partsOf(env, TEST_LIMITS.partBytes).entries()) {
      expect((await putPart(app.base, id, 0, part, bytes)).status).toBe(201);
    }
    return id;
  }

  it('deletes expired open submissions and orphaned parts, and nothing else', async () => {
    const sweeper = createSweeper({
      store: h.store,
      redis: h.redis,
      logger: h.logger,
      keyPrefix: h.keyPrefix,
      now: () => h.clock,
    });
    const expiring = await submission();
    const finalized = await submission();
    expect((await postJson(app.base, `/api/submissions/${finalized}/finalize`, {})).status).toBe(202);
    const orphan = randomBytes(16).toString('hex');
    await h.store.put(
      `uploads/${orphan}/0/0`,
      (async function* () {
        yield new Uint8Array(10);
      })(),
    );

    // Before expiry only the orphan goes.
    expect(await sweeper.sweepOnce()).toEqual({ submissions: 1, parts: 1 });
    expect(await h.store.children('uploads/')).toEqual([expiring, finalized].sort());

    // A fresh submission created later than the expiring one stays.
    h.clock += 1800_000;
    const fresh = await submission();
    h.clock += 1800_000; // the first one's expiry (its Redis TTL is in real time, so the sweeper decides)
    expect(await sweeper.sweepOnce()).toEqual({ submissions: 1, parts: 2 });
    expect(await h.store.children('uploads/')).toEqual([finalized, fresh].sort());
    expect(await getSubmissionRecord(h.redis, expiring, { keyPrefix: h.keyPrefix })).toBeUndefined();
    expect((await fetch(`${app.base}/api/submissions/${expiring}`)).status).toBe(404);
    expect((await putPart(app.base, expiring, 0, 0, new Uint8Array(TEST_LIMITS.partBytes))).status).toBe(404);

    // Finalized submissions wait for the worker however old they get.
    h.clock += 365 * 86_400_000;
    expect(await sweeper.sweepOnce()).toEqual({ submissions: 1, parts: 2 });
    expect(await h.store.children('uploads/')).toEqual([finalized]);
    expect((await getSubmissionRecord(h.redis, finalized, { keyPrefix: h.keyPrefix }))?.closed).toBe(true);
    expect(h.logs.count('uploads_expired')).toBe(3);
  });

  it('gives open records a Redis TTL up to their expiry, and finalized ones none', async () => {
    h.clock = Date.now();
    const open = await submission();
    const ttl = await h.redis.pttl(`${h.keyPrefix}submission:${open}`);
    expect(ttl).toBeGreaterThan(3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    expect((await postJson(app.base, `/api/submissions/${open}/finalize`, {})).status).toBe(202);
    expect(await h.redis.pttl(`${h.keyPrefix}submission:${open}`)).toBe(-1);
  });

  it('runs on an interval and stops cleanly', async () => {
    const sweeper = createSweeper({
      store: h.store,
      redis: h.redis,
      logger: h.logger,
      keyPrefix: h.keyPrefix,
    });
    const orphan = randomBytes(16).toString('hex');
    await h.store.put(
      `uploads/${orphan}/0/0`,
      (async function* () {
        yield new Uint8Array(10);
      })(),
    );
    const swept = h.logs.waitFor('uploads_expired', 5000);
    sweeper.start(20);
    await swept;
    await sweeper.stop();
    expect(await h.store.stat(`uploads/${orphan}/0/0`)).toBeUndefined();
  });
});
