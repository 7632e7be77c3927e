// Key fingerprints: how envelopes name recipients and how people compare keys out of band.
import { concatBytes, toHex, utf8 } from './bytes.js';
import type { Sodium } from './sodium.js';

export const FINGERPRINT_BYTES = 16;
const DOMAIN = utf8('kua/v1 key fingerprint\n');

/** BLAKE2b-128 over a domain string and the public key (X25519 or Ed25519, 32 bytes). */
export function fingerprint(sodium: Sodium, publicKey: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(FINGERPRINT_BYTES, concatBytes(DOMAIN, publicKey), null);
}

/** Human form: 32 lowercase hex digits in eight groups of four, e.g. `3f2a 9c01 …`. */
export function formatFingerprint(fp: Uint8Array): string {
  return toHex(fp).replace(/(.{4})(?!$)/g, '$1 ');
}
