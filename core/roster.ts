// The roster: the vetted reviewers the worker may seal results to, signed by the org root key
// (Ed25519). Platform-neutral. The signature covers a length-prefixed binary encoding (below),
// never JSON text, so key order and whitespace in roster.json do not matter.
//
// Signed bytes (all integers big-endian; str = u16 byte length || UTF-8 bytes):
//   "kua/v1 roster\n" || u32 version || str issuedAt || u32 count ||
//   count × ( str name || x25519PublicKey[32] || ed25519PublicKey[32] || fingerprint[16] || str addedAt )
import { fromBase64, toBase64 } from './base64.js';
import { concatBytes, equalBytes, fromHex, fromUtf8, toHex, utf8 } from './bytes.js';
import { FINGERPRINT_BYTES, fingerprint } from './fingerprint.js';
import type { Sodium } from './sodium.js';

export const ROSTER_DOMAIN = 'kua/v1 roster\n';
export const MAX_ROSTER_VERSION = 0xffffffff;
export const MAX_NAME_LENGTH = 64;
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Control, format (e.g. bidi overrides), surrogate and line/paragraph separator characters.
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

export interface RosterEntry {
  readonly name: string;
  readonly x25519PublicKey: Uint8Array;
  readonly ed25519PublicKey: Uint8Array;
  /** fingerprint(x25519PublicKey): how envelope stanzas name this reviewer. */
  readonly fingerprint: Uint8Array;
  readonly addedAt: string;
}

export interface Roster {
  readonly version: number;
  readonly issuedAt: string;
  readonly reviewers: readonly RosterEntry[];
}

export interface SignedRoster extends Roster {
  readonly signature: Uint8Array;
}

/** The JSON shape of roster.json. */
export interface RosterJson {
  version: number;
  issuedAt: string;
  reviewers: {
    name: string;
    x25519PublicKey: string;
    ed25519PublicKey: string;
    fingerprint: string;
    addedAt: string;
  }[];
  signature: string;
}

export class RosterFormatError extends Error {
  readonly code = 'ROSTER_MALFORMED';
  constructor(detail: string) {
    super(`malformed roster: ${detail}`);
    this.name = 'RosterFormatError';
  }
}

export class RosterSignatureError extends Error {
  readonly code = 'ROSTER_SIGNATURE_INVALID';
  constructor() {
    super('invalid roster signature: the roster was altered or not signed by this organisation');
    this.name = 'RosterSignatureError';
  }
}

export class RosterRollbackError extends Error {
  readonly code = 'ROSTER_ROLLBACK';
  constructor(
    readonly version: number,
    readonly minVersion: number,
  ) {
    super(`roster rollback refused: version ${version} is older than version ${minVersion} already seen`);
    this.name = 'RosterRollbackError';
  }
}

export class ReviewerNameError extends Error {
  readonly code = 'REVIEWER_NAME_INVALID';
  constructor(detail: string) {
    super(`invalid reviewer name: ${detail}`);
    this.name = 'ReviewerNameError';
  }
}

/** Throws ReviewerNameError unless the name is 1–64 characters, NFC, trimmed, with no control characters. */
export function validateReviewerName(name: string): string {
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) throw new ReviewerNameError('must be 1 to 64 characters');
  if (FORBIDDEN_IN_NAME.test(name)) throw new ReviewerNameError('contains control or formatting characters');
  if (name.trim() !== name) throw new ReviewerNameError('starts or ends with whitespace');
  if (name.normalize('NFC') !== name) throw new ReviewerNameError('is not in Unicode NFC form');
  return name;
}

/** Names are unique regardless of case, so "Alice" and "alice" cannot both be rostered. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function str(value: string): Uint8Array {
  const bytes = utf8(value);
  if (bytes.length > 0xffff) throw new RosterFormatError('string too long');
  const out = new Uint8Array(2 + bytes.length);
  new DataView(out.buffer).setUint16(0, bytes.length);
  out.set(bytes, 2);
  return out;
}

/** The exact bytes the org root key signs. */
export function encodeRosterForSigning(roster: Roster): Uint8Array {
  const parts: Uint8Array[] = [
    utf8(ROSTER_DOMAIN),
    u32(roster.version),
    str(roster.issuedAt),
    u32(roster.reviewers.length),
  ];
  for (const r of roster.reviewers) {
    parts.push(str(r.name), r.x25519PublicKey, r.ed25519PublicKey, r.fingerprint, str(r.addedAt));
  }
  return concatBytes(...parts);
}

/** Structural checks shared by signing and verifying; throws RosterFormatError. */
function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1 || version > MAX_ROSTER_VERSION) {
    throw new RosterFormatError('version must be an integer from 1 to 4294967295');
  }
}

export function checkRoster(sodium: Sodium, roster: Roster): void {
  checkVersion(roster.version);
  if (!TIMESTAMP.test(roster.issuedAt) || Number.isNaN(Date.parse(roster.issuedAt))) {
    throw new RosterFormatError('issuedAt is not an ISO 8601 UTC timestamp');
  }
  roster.reviewers.forEach((r, i) => {
    try {
      validateReviewerName(r.name);
    } catch (error) {
      if (error instanceof ReviewerNameError) throw new RosterFormatError(error.message);
      throw error;
    }
    if (r.x25519PublicKey.length !== KEY_BYTES || r.ed25519PublicKey.length !== KEY_BYTES) {
      throw new RosterFormatError('wrong key length');
    }
    if (!equalBytes(r.fingerprint, fingerprint(sodium, r.x25519PublicKey))) {
      throw new RosterFormatError('fingerprint does not match key');
    }
    if (!TIMESTAMP.test(r.addedAt) || Number.isNaN(Date.parse(r.addedAt))) {
      throw new RosterFormatError('addedAt is not an ISO 8601 UTC timestamp');
    }
    for (const other of roster.reviewers.slice(0, i)) {
      if (sameName(other.name, r.name)) throw new RosterFormatError('duplicate reviewer name');
      if (
        equalBytes(other.x25519PublicKey, r.x25519PublicKey) ||
        equalBytes(other.ed25519PublicKey, r.ed25519PublicKey)
      ) {
        throw new RosterFormatError('duplicate reviewer key');
      }
    }
  });
}

export function signRoster(sodium: Sodium, roster: Roster, orgSecretKey: Uint8Array): SignedRoster {
  checkRoster(sodium, roster);
  const signature = sodium.crypto_sign_detached(encodeRosterForSigning(roster), orgSecretKey);
  return { version: roster.version, issuedAt: roster.issuedAt, reviewers: roster.reviewers, signature };
}

export function rosterToJson(roster: SignedRoster): RosterJson {
  return {
    version: roster.version,
    issuedAt: roster.issuedAt,
    reviewers: roster.reviewers.map((r) => ({
      name: r.name,
      x25519PublicKey: toBase64(r.x25519PublicKey),
      ed25519PublicKey: toBase64(r.ed25519PublicKey),
      fingerprint: toHex(r.fingerprint),
      addedAt: r.addedAt,
    })),
    signature: toBase64(roster.signature),
  };
}

/** roster.json text: two-space indented JSON and a final newline. */
export function serializeRoster(roster: SignedRoster): string {
  return `${JSON.stringify(rosterToJson(roster), null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function exactKeys(value: Record<string, unknown>, keys: readonly string[], what: string): void {
  const actual = Object.keys(value).sort();
  const expected = [...keys].sort();
  if (actual.length !== expected.length || actual.some((k, i) => k !== expected[i])) {
    throw new RosterFormatError(`${what} must have exactly the fields ${expected.join(', ')}`);
  }
}

function field<T>(value: unknown, check: (v: unknown) => v is T, what: string): T {
  if (!check(value)) throw new RosterFormatError(`${what} has the wrong type`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';

function bytesField(
  value: unknown,
  length: number,
  what: string,
  decode: (s: string) => Uint8Array,
): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decode(field(value, isString, what));
  } catch (error) {
    if (error instanceof RosterFormatError) throw error;
    throw new RosterFormatError(`${what} is not valid`);
  }
  if (bytes.length !== length) throw new RosterFormatError(`${what} has the wrong length`);
  return bytes;
}

/** Parses roster.json (bytes, text or an already parsed value) without checking the signature. */
export function parseRoster(input: Uint8Array | string | unknown): SignedRoster {
  let value: unknown = input;
  try {
    if (input instanceof Uint8Array) value = JSON.parse(fromUtf8(input));
    else if (typeof input === 'string') value = JSON.parse(input);
  } catch {
    throw new RosterFormatError('not valid JSON');
  }
  if (!isRecord(value)) throw new RosterFormatError('not a JSON object');
  exactKeys(value, ['version', 'issuedAt', 'reviewers', 'signature'], 'roster');
  const reviewers = field(value.reviewers, Array.isArray, 'reviewers').map((r: unknown): RosterEntry => {
    if (!isRecord(r)) throw new RosterFormatError('reviewer is not a JSON object');
    exactKeys(r, ['name', 'x25519PublicKey', 'ed25519PublicKey', 'fingerprint', 'addedAt'], 'reviewer');
    return {
      name: field(r.name, isString, 'name'),
      x25519PublicKey: bytesField(r.x25519PublicKey, KEY_BYTES, 'x25519PublicKey', fromBase64),
      ed25519PublicKey: bytesField(r.ed25519PublicKey, KEY_BYTES, 'ed25519PublicKey', fromBase64),
      fingerprint: bytesField(r.fingerprint, FINGERPRINT_BYTES, 'fingerprint', (s) => {
        if (s !== s.toLowerCase()) throw new RosterFormatError('fingerprint must be lowercase hex');
        return fromHex(s);
      }),
      addedAt: field(r.addedAt, isString, 'addedAt'),
    };
  });
  return {
    version: field(value.version, isNumber, 'version'),
    issuedAt: field(value.issuedAt, isString, 'issuedAt'),
    reviewers,
    signature: bytesField(value.signature, SIGNATURE_BYTES, 'signature', fromBase64),
  };
}

export interface VerifyRosterOptions {
  /** The highest roster version this reader has already accepted; older versions are refused. */
  readonly minVersion?: number;
}

/**
 * Parses and verifies a roster against the org public key. Throws RosterFormatError,
 * RosterSignatureError (bad signature) or RosterRollbackError (older than minVersion).
 */
export function verifyRoster(
  sodium: Sodium,
  input: Uint8Array | string | unknown,
  orgPublicKey: Uint8Array,
  options: VerifyRosterOptions = {},
): Roster {
  const signed = parseRoster(input);
  checkVersion(signed.version);
  // Signature first, so any edit to a signed roster reads as what it is: tampering.
  const ok =
    orgPublicKey.length === KEY_BYTES &&
    sodium.crypto_sign_verify_detached(signed.signature, encodeRosterForSigning(signed), orgPublicKey);
  if (!ok) throw new RosterSignatureError();
  checkRoster(sodium, signed);
  const minVersion = options.minVersion ?? 0;
  if (signed.version < minVersion) throw new RosterRollbackError(signed.version, minVersion);
  return { version: signed.version, issuedAt: signed.issuedAt, reviewers: signed.reviewers };
}
