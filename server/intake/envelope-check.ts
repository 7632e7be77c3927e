// Finalize's check of one uploaded file, from its first bytes and its declared length only: a
// well-formed envelope header with exactly one recipient, the intake key, and a layout that fits the
// declared length. The server cannot decrypt anything; the worker authenticates the rest.

import { toHex } from '../../core/bytes.js';
import { isValidPayloadLength } from '../../core/contracts/intake.js';
import { headerLength, manifestSectionLength, parseHeader } from '../../core/envelope/index.js';
import { intakeErrors } from './errors.js';

/** Bytes finalize reads from the start of each file: a one-recipient header. */
export const INTAKE_HEADER_BYTES = headerLength(1);

export function checkIntakeEnvelope(
  prefix: Uint8Array,
  declaredBytes: number,
  intakeFingerprint: string,
): void {
  let header: ReturnType<typeof parseHeader>;
  try {
    header = parseHeader(prefix.subarray(0, INTAKE_HEADER_BYTES));
  } catch {
    throw intakeErrors.badEnvelope();
  }
  const stanza = header.stanzas[0];
  if (
    header.stanzas.length !== 1 ||
    stanza === undefined ||
    toHex(stanza.fingerprint) !== intakeFingerprint
  ) {
    throw intakeErrors.badEnvelope();
  }
  const payload = declaredBytes - INTAKE_HEADER_BYTES - manifestSectionLength(header.manifestPaddedLength);
  if (!isValidPayloadLength(payload)) throw intakeErrors.badEnvelope();
}
