// The page's client for the intake API v1 (docs/API.md). Tiny hand validators instead of zod keep the
// page small; every response is checked before use. Only our own origin is ever contacted.

import {
  ApiError,
  type CreatedSubmission,
  type IntakeConfig,
  NetworkError,
  ProtocolError,
  type SubmissionFile,
  type SubmissionState,
  type SubmissionStatus,
} from './api-types.js';

export * from './api-types.js';

const ID = /^[0-9a-f]{32}$/;
const STATES: readonly string[] = ['uploading', 'queued', 'processing', 'done', 'failed'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function need(ok: boolean): void {
  if (!ok) throw new ProtocolError();
}

function checkFile(v: unknown): SubmissionFile {
  need(isObject(v) && isCount(v.index) && isCount(v.bytes) && isCount(v.parts));
  const f = v as Record<string, number>;
  return { index: f.index as number, bytes: f.bytes as number, parts: f.parts as number };
}

export function parseConfig(v: unknown): IntakeConfig {
  need(isObject(v) && isObject(v.intake) && isObject(v.limits));
  const { intake, limits } = v as { intake: Record<string, unknown>; limits: Record<string, unknown> };
  need(typeof intake.publicKey === 'string' && typeof intake.fingerprint === 'string');
  need(
    isCount(limits.maxFileBytes) &&
      isCount(limits.maxEnvelopeBytes) &&
      isCount(limits.maxFiles) &&
      isCount(limits.partBytes) &&
      (limits.partBytes as number) > 0 &&
      Array.isArray(limits.acceptedTypes) &&
      limits.acceptedTypes.every((t) => typeof t === 'string'),
  );
  return {
    intake: { publicKey: intake.publicKey as string, fingerprint: intake.fingerprint as string },
    limits: {
      maxFileBytes: limits.maxFileBytes as number,
      maxEnvelopeBytes: limits.maxEnvelopeBytes as number,
      maxFiles: limits.maxFiles as number,
      partBytes: limits.partBytes as number,
      acceptedTypes: limits.acceptedTypes as string[],
    },
    expiresInSeconds: isCount((v as Record<string, unknown>).expiresInSeconds)
      ? ((v as Record<string, unknown>).expiresInSeconds as number)
      : 0,
  };
}

export function parseCreated(v: unknown): CreatedSubmission {
  need(
    isObject(v) &&
      typeof v.id === 'string' &&
      ID.test(v.id) &&
      isCount(v.partBytes) &&
      Array.isArray(v.files),
  );
  const o = v as Record<string, unknown>;
  return {
    id: o.id as string,
    partBytes: o.partBytes as number,
    expiresAt: typeof o.expiresAt === 'string' ? o.expiresAt : '',
    files: (o.files as unknown[]).map(checkFile),
  };
}

export function parseStatus(v: unknown): SubmissionStatus {
  need(isObject(v) && typeof v.id === 'string' && typeof v.state === 'string' && STATES.includes(v.state));
  const o = v as Record<string, unknown>;
  const files = Array.isArray(o.files) ? o.files : [];
  return {
    id: o.id as string,
    state: o.state as SubmissionState,
    files: files.map((f: unknown) => {
      const file = checkFile(f);
      const received = (f as Record<string, unknown>).received;
      need(Array.isArray(received) && received.every(isCount));
      return { ...file, received: received as number[] };
    }),
  };
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = 'HTTP_ERROR';
  try {
    const body: unknown = await res.json();
    if (isObject(body) && isObject(body.error) && typeof body.error.code === 'string') code = body.error.code;
  } catch {
    // not JSON
  }
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, code, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

async function call(path: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new NetworkError();
  }
  if (!res.ok) throw await errorFrom(res);
  try {
    return await res.json();
  } catch {
    throw new ProtocolError();
  }
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export const api = {
  config: async (): Promise<IntakeConfig> => parseConfig(await call('/api/config')),
  create: async (bytes: number[]): Promise<CreatedSubmission> =>
    parseCreated(
      await call('/api/submissions', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ files: bytes.map((b) => ({ bytes: b })) }),
      }),
    ),
  status: async (id: string): Promise<SubmissionStatus> =>
    parseStatus(await call(`/api/submissions/${encodeURIComponent(id)}`)),
  finalize: async (id: string): Promise<void> => {
    await call(`/api/submissions/${encodeURIComponent(id)}/finalize`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: '{}',
    });
  },
  /**
   * PUT one part with XMLHttpRequest (fetch cannot report upload progress). Resolves with whether the
   * server stored it now (false: it already had it).
   */
  putPart: (
    id: string,
    index: number,
    part: number,
    bytes: Uint8Array,
    digest: string | undefined,
    onProgress: (sent: number) => void,
  ): Promise<boolean> =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `/api/submissions/${encodeURIComponent(id)}/files/${index}/parts/${part}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      if (digest !== undefined) xhr.setRequestHeader('Repr-Digest', `sha-256=:${digest}:`);
      xhr.responseType = 'json';
      xhr.timeout = 0;
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onerror = () => reject(new NetworkError());
      xhr.onabort = () => reject(new NetworkError());
      xhr.ontimeout = () => reject(new NetworkError());
      xhr.onload = () => {
        const body: unknown = xhr.response;
        if (xhr.status === 200 || xhr.status === 201) {
          resolve(isObject(body) && body.stored === true);
          return;
        }
        let code = 'HTTP_ERROR';
        if (isObject(body) && isObject(body.error) && typeof body.error.code === 'string')
          code = body.error.code;
        const retry = Number(xhr.getResponseHeader('Retry-After'));
        reject(new ApiError(xhr.status, code, Number.isFinite(retry) && retry > 0 ? retry : undefined));
      };
      xhr.send(bytes as Uint8Array<ArrayBuffer>);
    }),
};

export type Api = typeof api;
