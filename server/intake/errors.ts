// Errors of the intake API. Codes map to statuses in server/errors.ts; messages are generic and never
// echo input (no IDs, sizes the client sent, names or content).

import type { IntakeErrorCode } from '../../core/contracts/intake.js';
import { KuaError } from '../../runtime/errors.js';

export class IntakeError extends KuaError {
  declare readonly code: IntakeErrorCode;
  constructor(code: IntakeErrorCode, message: string) {
    super(code, message);
  }
}

export const intakeErrors = {
  unsupportedType: () => new IntakeError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type'),
  badRequest: () => new IntakeError('BAD_REQUEST', 'Malformed request'),
  tooManyFiles: () => new IntakeError('TOO_MANY_FILES', 'Too many files in one submission'),
  fileTooLarge: () => new IntakeError('FILE_TOO_LARGE', 'A file exceeds the maximum size'),
  insufficientStorage: () =>
    new IntakeError('INSUFFICIENT_STORAGE', 'The server is out of storage space; try again later'),
  notFound: () => new IntakeError('SUBMISSION_NOT_FOUND', 'Unknown or expired submission'),
  closed: () => new IntakeError('SUBMISSION_CLOSED', 'The submission is already finalized'),
  badPart: () => new IntakeError('BAD_PART', 'File or part index out of range'),
  lengthRequired: () => new IntakeError('LENGTH_REQUIRED', 'Content-Length is required'),
  badPartLength: () => new IntakeError('BAD_PART_LENGTH', 'Content-Length does not match the part length'),
  partTooLarge: () => new IntakeError('PART_TOO_LARGE', 'The part is larger than expected'),
  incompletePart: () => new IntakeError('INCOMPLETE_PART', 'The part ended before its expected length'),
  badDigest: () => new IntakeError('BAD_DIGEST', 'Malformed Repr-Digest header'),
  digestMismatch: () => new IntakeError('DIGEST_MISMATCH', 'The part does not match its digest'),
  busy: () => new IntakeError('BUSY', 'The server is busy; try again shortly'),
  incomplete: (missingParts: number, files: number) =>
    new IntakeError(
      'INCOMPLETE',
      `Upload incomplete: ${missingParts} part${missingParts === 1 ? '' : 's'} missing in ${files} file${files === 1 ? '' : 's'}`,
    ),
  badEnvelope: () => new IntakeError('BAD_ENVELOPE', 'A file is not a well-formed envelope for this portal'),
};
