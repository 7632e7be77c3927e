// Errors of the reviewer API. Codes map to statuses in server/errors.ts; messages are generic: a
// failed login never says whether the reviewer, the nonce or the signature was wrong.
import type { ReviewerErrorCode } from '../../core/contracts/reviewer.js';
import { KuaError } from '../../runtime/errors.js';

export class ReviewerError extends KuaError {
  declare readonly code: ReviewerErrorCode;
  constructor(code: ReviewerErrorCode, message: string) {
    super(code, message);
  }
}

export const reviewerErrors = {
  badRequest: () => new ReviewerError('BAD_REQUEST', 'Malformed request'),
  unsupportedType: () => new ReviewerError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type'),
  loginFailed: () => new ReviewerError('LOGIN_FAILED', 'Login failed'),
  unauthorized: () => new ReviewerError('UNAUTHORIZED', 'Missing, expired or revoked token'),
  notFound: () => new ReviewerError('NOT_FOUND', 'Not found'),
  rangeNotSatisfiable: () => new ReviewerError('RANGE_NOT_SATISFIABLE', 'Range not satisfiable'),
};
