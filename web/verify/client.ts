// The verify page's client for the public log API (docs/API.md, "Provenance log API v1"). Only hex
// digests, entry ids, indexes and sizes are ever sent; every response is checked before use.
import { fromBase64 } from '../../core/base64.js';

export class LogApiError extends Error {
  readonly code = 'VERIFY_API';
  constructor(message = 'the log API gave an unexpected answer') {
    super(message);
    this.name = 'LogApiError';
  }
}

/** The log has no checkpoint yet (`404 LOG_EMPTY`): there is nothing to check against. */
export class LogEmptyApiError extends LogApiError {
  constructor() {
    super('the log has no checkpoint yet');
    this.name = 'LogEmptyApiError';
  }
}

export interface LogKey {
  logPublicKey: Uint8Array;
  logFingerprint: string;
  orgFingerprint: string;
}

/** An entry as the API returns it; the fields the page shows are checked where they are read. */
export interface ApiEntry {
  index: number;
  entry: Record<string, unknown>;
}

export interface LogApi {
  key(): Promise<LogKey>;
  checkpoint(): Promise<string>;
  lookup(field: 'sanitised' | 'sealed', hex: string): Promise<ApiEntry[]>;
  byId(id: string): Promise<ApiEntry[]>;
  inclusion(index: number, size: number): Promise<Uint8Array[]>;
  consistency(from: number, to: number): Promise<Uint8Array[]>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const HEX32 = /^[0-9a-f]{32}$/;
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function need(ok: boolean): void {
  if (!ok) throw new LogApiError();
}

export function parseEntries(v: unknown): ApiEntry[] {
  need(isObject(v) && isCount(v.size) && Array.isArray(v.entries));
  return ((v as { entries: unknown[] }).entries as unknown[]).map((e) => {
    need(isObject(e) && isCount(e.index) && isObject(e.entry));
    const o = e as { index: number; entry: Record<string, unknown> };
    return { index: o.index, entry: o.entry };
  });
}

export function parseProof(v: unknown, a: string, b: string, x: number, y: number): Uint8Array[] {
  need(isObject(v) && v[a] === x && v[b] === y && Array.isArray(v.proof));
  const proof = (v as { proof: unknown[] }).proof;
  need(proof.length <= 128 && proof.every((h) => typeof h === 'string' && BASE64_HASH.test(h)));
  return proof.map((h) => fromBase64(h as string));
}

export function parseKey(v: unknown): LogKey {
  need(isObject(v) && typeof v.logPublicKey === 'string');
  const o = v as Record<string, unknown>;
  need(typeof o.logFingerprint === 'string' && HEX32.test(o.logFingerprint));
  need(typeof o.orgFingerprint === 'string' && HEX32.test(o.orgFingerprint));
  const logPublicKey = fromBase64(o.logPublicKey as string);
  need(logPublicKey.length === 32);
  return {
    logPublicKey,
    logFingerprint: o.logFingerprint as string,
    orgFingerprint: o.orgFingerprint as string,
  };
}

/** The API of our own origin (relative URLs; credentials and referrer never sent). */
export function httpLogApi(base = '/api/log/'): LogApi {
  async function get(path: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new LogApiError('the portal could not be reached');
    }
    if (!res.ok) {
      const body: unknown = await res.json().catch(() => undefined);
      if (res.status === 404 && isObject(body) && isObject(body.error) && body.error.code === 'LOG_EMPTY')
        throw new LogEmptyApiError();
      throw new LogApiError(`the log API answered ${res.status}`);
    }
    return res;
  }
  const json = async (path: string): Promise<unknown> => {
    try {
      return await (await get(path)).json();
    } catch (error) {
      if (error instanceof LogApiError) throw error;
      throw new LogApiError();
    }
  };
  return {
    key: async () => parseKey(await json('key')),
    checkpoint: async () => (await get('checkpoint')).text(),
    lookup: async (field, hex) => parseEntries(await json(`entries?${field}=${hex}`)),
    byId: async (id) => parseEntries(await json(`entries?id=${encodeURIComponent(id)}`)),
    inclusion: async (index, size) =>
      parseProof(await json(`proof/inclusion?index=${index}&size=${size}`), 'index', 'size', index, size),
    consistency: async (from, to) =>
      parseProof(await json(`proof/consistency?from=${from}&to=${to}`), 'from', 'to', from, to),
  };
}
