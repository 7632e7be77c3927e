// The Reviewer API v1 client (docs/API.md, "Reviewer API"): challenge → login → bearer token, list,
// blob download with ranges, mark received. Answers are validated; errors never echo server text.
import type { z } from 'zod';
import { fromBase64, toBase64 } from '../../core/base64.js';
import {
  challengeResponseSchema,
  loginResponseSchema,
  REVIEWER_BLOBS,
  type ReviewerBlob,
  type ReviewerFile,
  type ReviewerSubmission,
  submissionListSchema,
} from '../../core/contracts/reviewer.js';
import { LoginFailedError, PortalError } from './errors.js';

export const BLOB_NAMES = REVIEWER_BLOBS;
export type BlobName = ReviewerBlob;
export type ListedFile = ReviewerFile;
export type ListedSubmission = ReviewerSubmission;

export type Fetch = typeof fetch;

export interface BlobResponse {
  status: 200 | 206 | 304 | 416;
  etag: string | undefined;
  /** First byte offset of a 206 answer (from Content-Range). */
  rangeStart: number | undefined;
  /** Body bytes as they arrive (absent for 304/416). */
  body: AsyncIterable<Uint8Array> | undefined;
}

/** The portal's base URL from `--server`: http(s) only, with a trailing slash so paths resolve below it. */
export function portalBaseUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new PortalError('SERVER_URL_INVALID', 'the --server value is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PortalError('SERVER_URL_INVALID', 'the --server URL must start with https:// or http://');
  }
  return new URL(url.pathname.endsWith('/') ? url.href : `${url.href}/`);
}

export class ReviewerApi {
  private token: string | undefined;
  private credentials: { fingerprint: string; sign: (nonce: Uint8Array) => Uint8Array } | undefined;
  private readonly base: URL;

  constructor(
    server: string,
    private readonly fetchImpl: Fetch = fetch,
  ) {
    this.base = portalBaseUrl(server);
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token !== undefined) headers.set('authorization', `Bearer ${this.token}`);
    try {
      return await this.fetchImpl(this.url(path), { ...init, headers, redirect: 'error' });
    } catch {
      throw new PortalError('PORTAL_UNREACHABLE', 'could not reach the portal (network error)');
    }
  }

  private async json<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
    let value: unknown;
    try {
      value = await response.json();
    } catch {
      throw new PortalError('PORTAL_BAD_ANSWER', `the portal sent an unreadable ${what}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new PortalError('PORTAL_BAD_ANSWER', `the portal sent an unexpected ${what}`);
    return parsed.data;
  }

  private failed(response: Response, what: string): never {
    if (response.status === 401) {
      throw new PortalError(
        'SESSION_REFUSED',
        `${what}: the portal refused the session (removed from the roster, or the session expired)`,
      );
    }
    throw new PortalError('PORTAL_HTTP', `${what}: the portal answered HTTP ${response.status}`);
  }

  /**
   * A request with the bearer token. Tokens live 15 minutes and a pull of large videos can take longer:
   * on a 401 the client logs in once more (a reviewer removed from the roster meanwhile is refused).
   */
  private async authed(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await this.request(path, init);
    if (response.status !== 401 || this.credentials === undefined) return response;
    await response.body?.cancel();
    await this.login(this.credentials.fingerprint, this.credentials.sign);
    return this.request(path, init);
  }

  /** Challenge → sign → token. `sign` signs the login message for the nonce. */
  async login(fingerprintHex: string, sign: (nonce: Uint8Array) => Uint8Array): Promise<void> {
    this.token = undefined;
    const post = (path: string, body: unknown) =>
      this.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const challengeResponse = await post('api/reviewer/challenge', { fingerprint: fingerprintHex });
    if (!challengeResponse.ok) this.failed(challengeResponse, 'login challenge');
    const challenge = await this.json(challengeResponse, challengeResponseSchema, 'challenge');
    let nonce: Uint8Array;
    try {
      nonce = fromBase64(challenge.nonce);
    } catch {
      throw new PortalError('PORTAL_BAD_ANSWER', 'the portal sent an unexpected challenge');
    }
    if (nonce.length !== 32)
      throw new PortalError('PORTAL_BAD_ANSWER', 'the portal sent an unexpected challenge');
    const loginResponse = await post('api/reviewer/login', {
      fingerprint: fingerprintHex,
      nonce: challenge.nonce,
      signature: toBase64(sign(nonce)),
    });
    if (loginResponse.status === 401) throw new LoginFailedError();
    if (!loginResponse.ok) this.failed(loginResponse, 'login');
    this.token = (await this.json(loginResponse, loginResponseSchema, 'login answer')).token;
    this.credentials = { fingerprint: fingerprintHex, sign };
  }

  async list(): Promise<ListedSubmission[]> {
    const response = await this.authed('api/reviewer/submissions');
    if (!response.ok) this.failed(response, 'listing submissions');
    return (await this.json(response, submissionListSchema, 'submission list')).submissions;
  }

  /** GET a blob, optionally from byte `from` on, only if its ETag is still `ifRange`. */
  async blob(
    id: string,
    index: number,
    blob: BlobName,
    resume?: { from: number; etag: string },
  ): Promise<BlobResponse> {
    const headers: Record<string, string> = {};
    if (resume !== undefined) {
      headers.range = `bytes=${resume.from}-`;
      headers['if-range'] = resume.etag;
    }
    const response = await this.authed(`api/reviewer/submissions/${id}/files/${index}/${blob}`, { headers });
    const etag = response.headers.get('etag') ?? undefined;
    if (response.status === 416 || response.status === 304) {
      await response.body?.cancel();
      return { status: response.status, etag, rangeStart: undefined, body: undefined };
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      this.failed(response, `downloading submission ${id} file ${index} (${blob})`);
    }
    if (response.body === null) throw new PortalError('PORTAL_BAD_ANSWER', 'the portal sent an empty answer');
    const range = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    return {
      status: response.status,
      etag,
      rangeStart: range ? Number(range[1]) : undefined,
      body: response.body as unknown as AsyncIterable<Uint8Array>,
    };
  }

  async markReceived(id: string): Promise<void> {
    const response = await this.authed(`api/reviewer/submissions/${id}/received`, { method: 'POST' });
    await response.body?.cancel();
    if (!response.ok) this.failed(response, `marking submission ${id} received`);
  }
}
