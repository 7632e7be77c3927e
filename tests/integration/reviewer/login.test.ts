// Reviewer login against real Redis, real keys and a real signed roster: happy path, replay, keys not
// on the roster, wrong signatures, expiry of nonces and tokens, removal cutting a live token off, the
// global failed-login delay, and no request origin in the logs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toBase64 } from '../../../core/base64.js';
import {
  challengeResponseSchema,
  loginResponseSchema,
  NONCE_TTL_SECONDS,
  TOKEN_TTL_SECONDS,
} from '../../../core/contracts/reviewer.js';
import {
  type App,
  bearer,
  challenge,
  login,
  postJson,
  ReviewerHarness,
  signedLogin,
  type TestReviewer,
} from './harness.js';

/** Polls (bounded) until Redis no longer has any key matching the pattern. */
async function waitUntilGone(h: ReviewerHarness, pattern: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await h.redis.keys(pattern)).length > 0) {
    if (Date.now() > deadline) throw new Error(`keys ${pattern} still present after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const list = (app: App, token: string) => fetch(`${app.base}/submissions`, { headers: bearer(token) });

describe('reviewer login', () => {
  let h: ReviewerHarness;
  let app: App;
  let alice: TestReviewer;
  let bob: TestReviewer;
  let stranger: TestReviewer;
  const delays: number[] = [];

  beforeAll(async () => {
    h = await ReviewerHarness.create();
    alice = h.newReviewer('Alice');
    bob = h.newReviewer('Bob');
    stranger = h.newReviewer('Mallory');
    await h.add(alice);
    await h.add(bob);
    app = await h.start({
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
  });
  afterAll(async () => h.close());

  it('logs a rostered reviewer in with a signed challenge; the token opens the API', async () => {
    const c = await challenge(app, alice.signingFingerprint);
    expect(challengeResponseSchema.parse(c)).toEqual(c);
    const nonceHex = Buffer.from(c.nonce, 'base64').toString('hex');
    expect(await h.redis.get(`${h.keyPrefix}nonce:${nonceHex}`)).toBe(alice.signingFingerprint);
    const ttl = await h.redis.ttl(`${h.keyPrefix}nonce:${nonceHex}`);
    expect(ttl).toBeGreaterThan(NONCE_TTL_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(NONCE_TTL_SECONDS);

    const res = await postJson(`${app.base}/login`, signedLogin(h, alice, c.nonce));
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    const body = loginResponseSchema.parse(await res.json());
    // Only the token's hash is stored, bound to the signing fingerprint, with a 15 min TTL.
    const tokenKeys = await h.redis.keys(`${h.keyPrefix}token:*`);
    expect(tokenKeys.some((k) => k.includes(body.token))).toBe(false);
    const values = await Promise.all(tokenKeys.map((k) => h.redis.get(k)));
    expect(values).toContain(alice.signingFingerprint);
    const tokenTtl = Math.max(...(await Promise.all(tokenKeys.map((k) => h.redis.ttl(k)))));
    expect(tokenTtl).toBeGreaterThan(TOKEN_TTL_SECONDS - 5);
    expect(tokenTtl).toBeLessThanOrEqual(TOKEN_TTL_SECONDS);

    const listed = await list(app, body.token);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ submissions: [] });
  });

  it('answers a challenge for an unknown fingerprint exactly like a known one', async () => {
    const res = await postJson(`${app.base}/challenge`, { fingerprint: stranger.signingFingerprint });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(challengeResponseSchema.parse(body)).toEqual(body);
    expect(Object.keys(body as object).sort()).toEqual(['expiresAt', 'nonce']);
  });

  it('refuses a replayed login: the nonce is single-use', async () => {
    const { nonce } = await challenge(app, alice.signingFingerprint);
    const body = signedLogin(h, alice, nonce);
    const [first, second] = [
      await postJson(`${app.base}/login`, body),
      await postJson(`${app.base}/login`, body),
    ];
    expect(first.status).toBe(200);
    expect(second.status).toBe(401);
    expect(await second.json()).toEqual({ error: { code: 'LOGIN_FAILED', message: 'Login failed' } });
  });

  it('lets only one of two concurrent uses of a nonce through', async () => {
    const { nonce } = await challenge(app, bob.signingFingerprint);
    const body = signedLogin(h, bob, nonce);
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => postJson(`${app.base}/login`, body).then((r) => r.status)),
    );
    expect(statuses.sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it('refuses a key that is not on the roster', async () => {
    const { nonce } = await challenge(app, stranger.signingFingerprint);
    const res = await postJson(`${app.base}/login`, signedLogin(h, stranger, nonce));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('LOGIN_FAILED');
  });

  it("refuses a rostered fingerprint with someone else's signature, or over another nonce", async () => {
    const a = await challenge(app, alice.signingFingerprint);
    const forged = await postJson(
      `${app.base}/login`,
      signedLogin(h, alice, a.nonce, stranger.ed25519SecretKey),
    );
    expect(forged.status).toBe(401);

    const b = await challenge(app, alice.signingFingerprint);
    const other = await challenge(app, alice.signingFingerprint);
    const body = { ...signedLogin(h, alice, other.nonce), nonce: b.nonce };
    expect((await postJson(`${app.base}/login`, body)).status).toBe(401);

    // A nonce issued to Bob cannot log Alice in, even with Alice's valid signature over it.
    const forBob = await challenge(app, bob.signingFingerprint);
    expect((await postJson(`${app.base}/login`, signedLogin(h, alice, forBob.nonce))).status).toBe(401);

    // Zero signature of the right shape.
    const c = await challenge(app, alice.signingFingerprint);
    const zero = { ...signedLogin(h, alice, c.nonce), signature: toBase64(new Uint8Array(64)) };
    expect((await postJson(`${app.base}/login`, zero)).status).toBe(401);
  });

  it('treats a malformed login body as a failed login, and a non-JSON one as unsupported', async () => {
    const res = await postJson(`${app.base}/login`, { fingerprint: 'zz', nonce: 'x', signature: 'y' });
    expect(res.status).toBe(401);
    const text = await fetch(`${app.base}/login`, { method: 'POST', body: 'hi' });
    expect(text.status).toBe(415);
  });

  it('refuses requests without a live token', async () => {
    const none = await fetch(`${app.base}/submissions`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'Missing, expired or revoked token' },
    });
    expect((await list(app, 'A'.repeat(43))).status).toBe(401);
    const basic = await fetch(`${app.base}/submissions`, {
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
    });
    expect(basic.status).toBe(401);
  });

  it('cuts a reviewer off at the next request once they are removed from the roster', async () => {
    const carol = h.newReviewer('Carol');
    await h.add(carol);
    const aliceToken = await login(h, app, alice);
    const carolToken = await login(h, app, carol);
    expect((await list(app, carolToken)).status).toBe(200);
    await h.remove(carol);
    expect((await list(app, carolToken)).status).toBe(401);
    expect((await list(app, aliceToken)).status).toBe(200);
    // And she cannot log in again.
    const { nonce } = await challenge(app, carol.signingFingerprint);
    expect((await postJson(`${app.base}/login`, signedLogin(h, carol, nonce))).status).toBe(401);
  });

  it('refuses everyone if the roster is rolled back below the version already seen', async () => {
    const token = await login(h, app, alice);
    const { readFile, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const file = join(h.fixture.keysDir, 'roster.json');
    const current = await readFile(file, 'utf8');
    await h.redis.set(`${h.fixture.prefix}roster:seen`, '1000');
    try {
      expect((await list(app, token)).status).toBe(401);
      const lines = app.logLines.filter((l) => l.includes('roster_unusable'));
      expect(lines.at(-1)).toContain('ROSTER_ROLLBACK');
    } finally {
      await h.redis.set(`${h.fixture.prefix}roster:seen`, '1');
      await writeFile(file, current);
    }
    expect((await list(app, token)).status).toBe(200);
  });

  it('expires unused nonces', async () => {
    const short = await h.start({ nonceTtlSeconds: 1, sleep: async () => {} });
    const { nonce } = await challenge(short, alice.signingFingerprint);
    const hex = Buffer.from(nonce, 'base64').toString('hex');
    await waitUntilGone(h, `${h.keyPrefix}nonce:${hex}`);
    expect((await postJson(`${short.base}/login`, signedLogin(h, alice, nonce))).status).toBe(401);
  });

  it('expires tokens', async () => {
    const short = await h.start({ tokenTtlSeconds: 1, sleep: async () => {} });
    await h.redis.del(...(await h.redis.keys(`${h.keyPrefix}token:*`)));
    const token = await login(h, short, alice);
    expect((await list(short, token)).status).toBe(200);
    await waitUntilGone(h, `${h.keyPrefix}token:*`);
    expect((await list(short, token)).status).toBe(401);
  });
});

describe('failed-login delay', () => {
  let h: ReviewerHarness;
  let alice: TestReviewer;
  beforeAll(async () => {
    h = await ReviewerHarness.create();
    alice = h.newReviewer('Alice');
    await h.add(alice);
  });
  afterAll(async () => h.close());

  it('doubles with recent failures counted globally across instances, capped, and really waits', async () => {
    const loginDelay = { baseMs: 40, maxMs: 160, windowSeconds: 60 };
    const delays: number[] = [];
    const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    const sleep = async (ms: number) => {
      delays.push(ms);
      await realSleep(ms);
    };
    const one = await h.start({ loginDelay, sleep });
    const two = await h.start({ loginDelay, sleep });
    const stranger = h.newReviewer('Nobody');
    const elapsed: number[] = [];
    for (const app of [one, two, one, two, one]) {
      const { nonce } = await challenge(app, stranger.signingFingerprint);
      const started = performance.now();
      const res = await postJson(`${app.base}/login`, signedLogin(h, stranger, nonce), {
        'user-agent': `attacker-${elapsed.length}`,
      });
      elapsed.push(performance.now() - started);
      expect(res.status).toBe(401);
    }
    // Different instances and different "clients": one global count.
    expect(delays).toEqual([40, 80, 160, 160, 160]);
    for (const [i, ms] of elapsed.entries()) expect(ms).toBeGreaterThanOrEqual((delays[i] as number) - 5);
    // A successful login is not delayed.
    const okDelays = delays.length;
    expect(await login(h, one, alice)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(delays.length).toBe(okDelays);
    // The counter is one key with a sliding expiry, nothing per client.
    const failureKeys = await h.redis.keys(`${h.keyPrefix}*fail*`);
    expect(failureKeys).toEqual([`${h.keyPrefix}login-failures`]);
    expect(await h.redis.get(`${h.keyPrefix}login-failures`)).toBe('5');
    expect(await h.redis.ttl(`${h.keyPrefix}login-failures`)).toBeGreaterThan(50);
  });
});

describe('request origins', () => {
  it('never reach the logs or Redis', async () => {
    const h = await ReviewerHarness.create();
    try {
      const alice = h.newReviewer('Alice');
      await h.add(alice);
      const app = await h.start({ sleep: async () => {} });
      const ua = 'Origin-Marker-UA/9.9';
      const xff = '203.0.113.77';
      const headers = { 'user-agent': ua, 'x-forwarded-for': xff, 'x-real-ip': xff };
      const c = await postJson(`${app.base}/challenge`, { fingerprint: alice.signingFingerprint }, headers);
      const { nonce } = (await c.json()) as { nonce: string };
      const ok = await postJson(`${app.base}/login`, signedLogin(h, alice, nonce), headers);
      const { token } = (await ok.json()) as { token: string };
      await postJson(`${app.base}/login`, signedLogin(h, alice, nonce), headers); // replay → failure
      await fetch(`${app.base}/submissions`, { headers: { ...headers, ...bearer(token) } });
      await fetch(`${app.base}/submissions`, { headers });
      await fetch(`${app.base}/submissions/${'0'.repeat(32)}/files/0/record`, {
        headers: { ...headers, ...bearer(token) },
      });
      const logs = app.logLines.join('\n');
      expect(app.logLines.length).toBeGreaterThan(0);
      expect(logs).toContain('reviewer_login');
      expect(logs).toContain('reviewer_login_failed');
      for (const secret of [ua, xff, '127.0.0.1', token, nonce, alice.signingFingerprint, 'Alice']) {
        expect(logs).not.toContain(secret);
      }
      const redisDump: string[] = [];
      for (const key of await h.redis.keys(`${h.fixture.prefix}*`)) {
        redisDump.push(key, (await h.redis.type(key)) === 'string' ? ((await h.redis.get(key)) ?? '') : '');
      }
      const dump = redisDump.join('\n');
      for (const secret of [ua, xff, '127.0.0.1', token]) expect(dump).not.toContain(secret);
    } finally {
      await h.close();
    }
  });
});
