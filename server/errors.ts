// Errors the HTTP layer maps to statuses. One table, one handler (see app.ts).
import { KuaError } from '../runtime/errors.js';

export class NotFoundError extends KuaError {
  constructor() {
    super('NOT_FOUND', 'Not found');
  }
}

export class BadRequestError extends KuaError {
  constructor(message = 'Bad request') {
    super('BAD_REQUEST', message);
  }
}

export const STATUS_BY_CODE: Readonly<Record<string, number>> = Object.freeze({
  BAD_REQUEST: 400,
  BAD_JSON: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  // Intake API (docs/API.md)
  TOO_MANY_FILES: 400,
  BAD_PART: 400,
  BAD_PART_LENGTH: 400,
  INCOMPLETE_PART: 400,
  BAD_DIGEST: 400,
  DIGEST_MISMATCH: 400,
  BAD_ENVELOPE: 400,
  SUBMISSION_NOT_FOUND: 404,
  SUBMISSION_CLOSED: 409,
  INCOMPLETE: 409,
  LENGTH_REQUIRED: 411,
  FILE_TOO_LARGE: 413,
  PART_TOO_LARGE: 413,
  BUSY: 503,
  INSUFFICIENT_STORAGE: 507,
  // Reviewer API (docs/API.md)
  LOGIN_FAILED: 401,
  UNAUTHORIZED: 401,
  RANGE_NOT_SATISFIABLE: 416,
  // Provenance log API (docs/API.md)
  LOG_EMPTY: 404,
  LOG_ENTRY_NOT_FOUND: 404,
  LOG_RANGE: 400,
});

/** Code, status and a message safe to send: ours for KuaErrors, a generic one for everything else. */
export function describeError(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof KuaError) {
    const status = STATUS_BY_CODE[error.code];
    if (status !== undefined) return { status, code: error.code, message: error.message };
  }
  // body-parser style errors: map by type, never forward their message (it can quote the input).
  if (error !== null && typeof error === 'object' && 'type' in error) {
    const type = (error as { type: unknown }).type;
    if (type === 'entity.parse.failed') return { status: 400, code: 'BAD_JSON', message: 'Malformed JSON' };
    if (type === 'entity.too.large')
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' };
    if (type === 'encoding.unsupported' || type === 'charset.unsupported')
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported encoding' };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal error' };
}
