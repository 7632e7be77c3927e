// The API client and resumable download against an in-process fake of the Reviewer API's blob endpoint
// (a fetch function with the documented Range / If-Range / ETag semantics), recording every request.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { fromBase64, toBase64 } from '../../../core/base64.js';
import { loginMessage } from '../../../core/contracts/reviewer.js';
import { readySodium } from '../../../core/sodium.js';
import { type Fetch, ReviewerApi } from '../../../keys/reviewer/api.js';
import { downloadBlob } from '../../../keys/reviewer/download.js';
import { LoginFailedError, PortalError } from '../../../keys/reviewer/errors.js';

const ID = 'c'.repeat(32);
let dir: string;
let blob: Uint8Array;
let etag: string;
let requests: { url: string; headers: Record<string, string> }[];

function fakeBlobServer(current: () => Uint8Array): Fetch {
  return (async (input: URL | string | Request, init?: RequestInit) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    requests.push({ url: String(input), headers });
    const bytes = current();
    const tag = `"${createHash('sha256').update(bytes).digest('hex')}"`;
    const range = /^bytes=(\d+)-$/.exec(headers.range ?? '');
    const ifRangeOk = headers['if-range'] === undefined || headers['if-range'] === tag;
    if (range && ifRangeOk) {
      const start = Number(range[1]);
      if (start >= bytes.length) {
        return new Response(null, { status: 416, headers: { 'content-range': `bytes */${bytes.length}` } });
      }
      return new Response(bytes.slice(start), {
        status: 206,
        headers: { etag: tag, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` },
      });
    }
    return new Response(bytes.slice(), { status: 200, headers: { etag: tag } });
  }) as Fetch;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kua-dl-'));
  blob = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
  etag = createHash('sha256').update(blob).digest('hex');
  requests = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const where = { id: ID, index: 0, blob: 'sanitised' as const };

describe('downloadBlob', () => {
  it('downloads a blob whole on the first try', async () => {
    const api = new ReviewerApi(
      'http://portal.test',
      fakeBlobServer(() => blob),
    );
    const target = path.join(dir, 'b');
    expect(await downloadBlob(api, where, target, { sha256: etag, bytes: blob.length })).toEqual({
      resumedFrom: 0,
    });
    expect(new Uint8Array(await readFile(target))).toEqual(blob);
    expect(requests[0]!.url).toBe(`http://portal.test/api/reviewer/submissions/${ID}/files/0/sanitised`);
    expect(requests[0]!.headers.range).toBeUndefined();
  });

  it('resumes a partial download with Range and If-Range, appending only the rest', async () => {
    const api = new ReviewerApi(
      'http://portal.test/',
      fakeBlobServer(() => blob),
    );
    const target = path.join(dir, 'b');
    await writeFile(`${target}.part`, blob.subarray(0, 40_000));
    expect(await downloadBlob(api, where, target, { sha256: etag, bytes: blob.length })).toEqual({
      resumedFrom: 40_000,
    });
    expect(requests[0]!.headers.range).toBe('bytes=40000-');
    expect(requests[0]!.headers['if-range']).toBe(`"${etag}"`);
    expect(new Uint8Array(await readFile(target))).toEqual(blob);
  });

  it('starts again when the blob changed on the server (If-Range fails: 200)', async () => {
    const changed = blob.map((b) => b ^ 1);
    const api = new ReviewerApi(
      'http://portal.test',
      fakeBlobServer(() => changed),
    );
    const target = path.join(dir, 'b');
    await writeFile(`${target}.part`, blob.subarray(0, 40_000));
    await downloadBlob(api, where, target, { sha256: etag, bytes: blob.length });
    // Never spliced: the whole new blob, which the caller's hash check then rejects.
    expect(new Uint8Array(await readFile(target))).toEqual(changed);
  });

  it('never writes more than one byte beyond the expected length', async () => {
    const longer = new Uint8Array(blob.length * 3);
    const api = new ReviewerApi(
      'http://portal.test',
      fakeBlobServer(() => longer),
    );
    const target = path.join(dir, 'b');
    await downloadBlob(api, where, target, { sha256: etag, bytes: blob.length });
    expect((await readFile(target)).length).toBe(blob.length + 1);
  });

  it('uses a finished download without asking again', async () => {
    const api = new ReviewerApi(
      'http://portal.test',
      fakeBlobServer(() => blob),
    );
    const target = path.join(dir, 'b');
    await writeFile(target, blob);
    await downloadBlob(api, where, target, { sha256: etag, bytes: blob.length });
    expect(requests).toEqual([]);
  });
});

describe('ReviewerApi.login', () => {
  it('signs the challenge nonce with the login domain and then sends the bearer token', async () => {
    const sodium = await readySodium();
    const pair = sodium.crypto_sign_keypair();
    const nonce = sodium.randombytes_buf(32);
    const token = 'A'.repeat(43);
    let verified = false;
    const fetchImpl = (async (input: URL | string | Request, init?: RequestInit) => {
      const url = String(input);
      const headers = new Headers(init?.headers);
      if (url.endsWith('/challenge')) {
        expect(JSON.parse(String(init?.body))).toEqual({ fingerprint: 'f'.repeat(32) });
        return Response.json({ nonce: toBase64(nonce), expiresAt: '2026-01-01T00:00:00.000Z' });
      }
      if (url.endsWith('/login')) {
        const body = JSON.parse(String(init?.body));
        verified = sodium.crypto_sign_verify_detached(
          fromBase64(body.signature),
          loginMessage(nonce),
          pair.publicKey,
        );
        return Response.json({ token, expiresAt: '2026-01-01T00:15:00.000Z' });
      }
      expect(headers.get('authorization')).toBe(`Bearer ${token}`);
      return Response.json({ submissions: [] });
    }) as Fetch;
    const api = new ReviewerApi('http://portal.test', fetchImpl);
    await api.login('f'.repeat(32), (n) => sodium.crypto_sign_detached(loginMessage(n), pair.privateKey));
    expect(verified).toBe(true);
    expect(await api.list()).toEqual([]);
  });

  it('logs in again once when the token expired mid-run, and gives up if the session is still refused', async () => {
    const calls: string[] = [];
    let tokens = 0;
    let listAnswers = [401, 200];
    const fetchImpl = (async (input: URL | string | Request, init?: RequestInit) => {
      const url = String(input);
      calls.push(
        `${url.replace('http://p.test/api/reviewer/', '')} ${new Headers(init?.headers).get('authorization') ?? '-'}`,
      );
      if (url.endsWith('/challenge'))
        return Response.json({ nonce: toBase64(new Uint8Array(32)), expiresAt: '2026-01-01T00:00:00.000Z' });
      if (url.endsWith('/login')) {
        tokens++;
        return Response.json({ token: String(tokens).repeat(43), expiresAt: '2026-01-01T00:15:00.000Z' });
      }
      const status = listAnswers.shift() ?? 401;
      return status === 200 ? Response.json({ submissions: [] }) : Response.json({}, { status });
    }) as Fetch;
    const api = new ReviewerApi('http://p.test', fetchImpl);
    await api.login('f'.repeat(32), () => new Uint8Array(64));
    expect(await api.list()).toEqual([]);
    expect(calls).toEqual([
      'challenge -',
      'login -',
      `submissions Bearer ${'1'.repeat(43)}`,
      'challenge -',
      'login -',
      `submissions Bearer ${'2'.repeat(43)}`,
    ]);
    listAnswers = [401, 401];
    await expect(api.list()).rejects.toMatchObject({ code: 'SESSION_REFUSED' });
  });

  it('reports a refused login, an unreachable portal and a bad answer differently', async () => {
    const challenge = () =>
      Response.json({ nonce: toBase64(new Uint8Array(32)), expiresAt: '2026-01-01T00:00:00.000Z' });
    const refusing = (async (input: URL | string | Request) =>
      String(input).endsWith('/challenge')
        ? challenge()
        : Response.json({ error: 'LOGIN_FAILED' }, { status: 401 })) as Fetch;
    await expect(
      new ReviewerApi('http://p.test', refusing).login('f'.repeat(32), () => new Uint8Array(64)),
    ).rejects.toThrow(LoginFailedError);
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as Fetch;
    await expect(
      new ReviewerApi('http://p.test', down).login('f'.repeat(32), () => new Uint8Array(64)),
    ).rejects.toMatchObject({
      code: 'PORTAL_UNREACHABLE',
    });
    const odd = (async () => Response.json({ nonce: 'short', expiresAt: 'x' })) as Fetch;
    await expect(
      new ReviewerApi('http://p.test', odd).login('f'.repeat(32), () => new Uint8Array(64)),
    ).rejects.toMatchObject({
      code: 'PORTAL_BAD_ANSWER',
    });
    expect(() => new ReviewerApi('file:///etc/passwd')).toThrow(PortalError);
  });
});
