// A reviewer's public identity as one copy-pasteable string:
//   "kua1" || base32(version || x25519PublicKey || ed25519PublicKey || checksum)
// base32 is RFC 4648 lowercase without padding; version is one byte (1); checksum is the first
// 4 bytes of BLAKE2b-128("kua/v1 identity checksum\n" || version || x25519PublicKey || ed25519PublicKey).
// Platform-neutral: the page, the worker and the CLI all parse identities with this file.
import { Base32Error, fromBase32, toBase32 } from './base32.js';
import { concatBytes, equalBytes, utf8 } from './bytes.js';
import { fingerprint } from './fingerprint.js';
import type { Sodium } from './sodium.js';

export const IDENTITY_PREFIX = 'kua1';
export const IDENTITY_VERSION = 1;
const KEY_BYTES = 32;
const CHECKSUM_BYTES = 4;
const PAYLOAD_BYTES = 1 + 2 * KEY_BYTES;
const CHECKSUM_DOMAIN = utf8('kua/v1 identity checksum\n');
// Any clamped scalar maps every small-order X25519 point to zero, which libsodium refuses.
const PROBE_SCALAR = new Uint8Array(KEY_BYTES).fill(0x5a);

export interface PublicIdentity {
  readonly x25519PublicKey: Uint8Array;
  readonly ed25519PublicKey: Uint8Array;
}

export class IdentityError extends Error {
  readonly code = 'IDENTITY_MALFORMED';
  constructor(detail: string) {
    super(`malformed identity string: ${detail}`);
    this.name = 'IdentityError';
  }
}

function checksum(sodium: Sodium, payload: Uint8Array): Uint8Array {
  return sodium
    .crypto_generichash(16, concatBytes(CHECKSUM_DOMAIN, payload), null)
    .subarray(0, CHECKSUM_BYTES);
}

/** Throws IdentityError unless both keys are usable: no small-order X25519 key, a valid Ed25519 point. */
export function assertUsableKeys(sodium: Sodium, identity: PublicIdentity): void {
  if (identity.x25519PublicKey.length !== KEY_BYTES || identity.ed25519PublicKey.length !== KEY_BYTES) {
    throw new IdentityError('wrong key length');
  }
  try {
    sodium.crypto_scalarmult(PROBE_SCALAR, identity.x25519PublicKey);
  } catch {
    throw new IdentityError('unusable encryption key');
  }
  try {
    sodium.crypto_sign_ed25519_pk_to_curve25519(identity.ed25519PublicKey);
  } catch {
    throw new IdentityError('unusable signing key');
  }
}

export function encodeIdentity(sodium: Sodium, identity: PublicIdentity): string {
  assertUsableKeys(sodium, identity);
  const payload = concatBytes(
    Uint8Array.of(IDENTITY_VERSION),
    identity.x25519PublicKey,
    identity.ed25519PublicKey,
  );
  return IDENTITY_PREFIX + toBase32(concatBytes(payload, checksum(sodium, payload)));
}

/** Parses and checks an identity string; surrounding whitespace and upper case are tolerated. */
export function parseIdentity(sodium: Sodium, text: string): PublicIdentity {
  const trimmed = text.trim().toLowerCase();
  if (!trimmed.startsWith(IDENTITY_PREFIX))
    throw new IdentityError(`does not start with "${IDENTITY_PREFIX}"`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase32(trimmed.slice(IDENTITY_PREFIX.length));
  } catch (error) {
    if (!(error instanceof Base32Error)) throw error;
    if (error.problem === 'character') throw new IdentityError('contains characters other than a-z and 2-7');
    if (error.problem === 'length') throw new IdentityError('wrong length');
    throw new IdentityError('checksum mismatch (a character was changed, lost or added)');
  }
  if (bytes.length !== PAYLOAD_BYTES + CHECKSUM_BYTES) throw new IdentityError('wrong length');
  const payload = bytes.subarray(0, PAYLOAD_BYTES);
  if (!equalBytes(checksum(sodium, payload), bytes.subarray(PAYLOAD_BYTES))) {
    throw new IdentityError('checksum mismatch (a character was changed, lost or added)');
  }
  if (payload[0] !== IDENTITY_VERSION) throw new IdentityError('unsupported version');
  const identity = {
    x25519PublicKey: payload.slice(1, 1 + KEY_BYTES),
    ed25519PublicKey: payload.slice(1 + KEY_BYTES, PAYLOAD_BYTES),
  };
  assertUsableKeys(sodium, identity);
  return identity;
}

/** The fingerprint that names a reviewer: that of the X25519 key envelopes are sealed to. */
export function identityFingerprint(sodium: Sodium, identity: PublicIdentity): Uint8Array {
  return fingerprint(sodium, identity.x25519PublicKey);
}
