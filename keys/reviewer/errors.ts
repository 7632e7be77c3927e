// What can go wrong while pulling, decrypting and verifying: one class per cause, so each problem gets
// its own stable code and its own one-line message. Messages name submissions and file indexes (opaque
// ids), never file contents, keys, passphrases or the witness's file names.
import { KuaError } from '../errors.js';

/** A verification failure: the run exits non-zero and the failing file is quarantined. */
export class VerificationError extends KuaError {}

/** The sealed blob's bytes are not those the signed record commits to (altered in storage or transit). */
export class TamperedBlobError extends VerificationError {
  constructor(where: string, detail: string) {
    super('BLOB_TAMPERED', `${where}: tampered blob: ${detail}`);
  }
}

/** The record's signature does not verify against the pinned log key (the record was altered). */
export class TamperedRecordError extends VerificationError {
  constructor(where: string) {
    super(
      'RECORD_TAMPERED',
      `${where}: tampered record: its signature does not verify with the pinned log key`,
    );
  }
}

/** The record names (and was signed by) a key other than the pinned log key. */
export class ForeignSignerError extends VerificationError {
  constructor(where: string, signer: string, pinned: string) {
    super(
      'RECORD_WRONG_SIGNER',
      `${where}: record signed by a different key (signer ${signer}, pinned log key ${pinned})`,
    );
  }
}

/** The record is not a well-formed provenance record, or describes another submission or file. */
export class MalformedRecordError extends VerificationError {
  constructor(where: string, detail: string) {
    super('RECORD_MALFORMED', `${where}: malformed record: ${detail}`);
  }
}

/** The decrypted plaintext does not match what the record says reviewers receive. */
export class PlaintextMismatchError extends VerificationError {
  constructor(where: string, detail: string) {
    super('PLAINTEXT_MISMATCH', `${where}: decrypted file does not match its record: ${detail}`);
  }
}

/** Talking to the portal failed (network, HTTP status, unexpected answer). */
export class PortalError extends KuaError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class LoginFailedError extends PortalError {
  constructor() {
    super(
      'LOGIN_FAILED',
      'login refused by the portal: this key is not (or no longer) on the roster, or the login was not accepted',
    );
  }
}

export class PinError extends KuaError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}
