// Header encoding and parsing, mirrors of each other. No cryptography here: see keys.ts and seal.ts.
import { equalBytes, toHex } from '../bytes.js';
import {
  FINGERPRINT_BYTES,
  FIXED_HEADER_BYTES,
  FLAGS,
  HEADER_NONCE_BYTES,
  MAC_BYTES,
  MAGIC,
  MAX_RECIPIENTS,
  MIN_RECIPIENTS,
  SEALED_KEY_BYTES,
  STANZA_BYTES,
  STANZA_X25519,
  VERSION,
} from './constants.js';
import {
  BadMagicError,
  InvalidEnvelopeArgumentError,
  MalformedHeaderError,
  UnsupportedVersionError,
} from './errors.js';
import { headerLength, isValidManifestPaddedLength } from './layout.js';

export interface Stanza {
  type: typeof STANZA_X25519;
  fingerprint: Uint8Array;
  sealedKey: Uint8Array;
}

export interface Header {
  headerNonce: Uint8Array;
  manifestPaddedLength: number;
  stanzas: Stanza[];
  mac: Uint8Array;
  /** Every header byte before the MAC (what the MAC covers). */
  beforeMac: Uint8Array;
  /** The complete header (what the payload key is bound to). */
  bytes: Uint8Array;
}

/** Encodes everything up to (not including) the MAC. */
export function encodeHeaderBeforeMac(
  headerNonce: Uint8Array,
  manifestPaddedLength: number,
  stanzas: readonly Stanza[],
): Uint8Array {
  if (headerNonce.length !== HEADER_NONCE_BYTES)
    throw new InvalidEnvelopeArgumentError('header nonce length');
  if (!isValidManifestPaddedLength(manifestPaddedLength)) {
    throw new InvalidEnvelopeArgumentError('manifest padded length');
  }
  const length = headerLength(stanzas.length) - MAC_BYTES;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[8] = VERSION;
  out[9] = FLAGS;
  out.set(headerNonce, 10);
  view.setUint32(26, manifestPaddedLength, false);
  out[30] = stanzas.length;
  let offset = FIXED_HEADER_BYTES;
  for (const stanza of stanzas) {
    if (stanza.fingerprint.length !== FINGERPRINT_BYTES || stanza.sealedKey.length !== SEALED_KEY_BYTES) {
      throw new InvalidEnvelopeArgumentError('stanza field length');
    }
    out[offset] = stanza.type;
    out.set(stanza.fingerprint, offset + 1);
    out.set(stanza.sealedKey, offset + 1 + FINGERPRINT_BYTES);
    offset += STANZA_BYTES;
  }
  return out;
}

/**
 * Checks magic, version and flags on a prefix of the input, as soon as enough bytes are there.
 * Throws BadMagicError / UnsupportedVersionError / MalformedHeaderError.
 */
export function checkHeaderPrefix(prefix: Uint8Array): void {
  const n = Math.min(prefix.length, MAGIC.length);
  if (!equalBytes(prefix.subarray(0, n), MAGIC.subarray(0, n))) throw new BadMagicError();
  if (prefix.length > 8 && prefix[8] !== VERSION) throw new UnsupportedVersionError(prefix[8] as number);
  if (prefix.length > 9 && prefix[9] !== FLAGS) throw new MalformedHeaderError('flags must be zero');
}

/** Total header length announced by the fixed part (the first FIXED_HEADER_BYTES bytes). */
export function announcedHeaderLength(fixed: Uint8Array): number {
  checkHeaderPrefix(fixed);
  if (fixed.length < FIXED_HEADER_BYTES) throw new MalformedHeaderError('too short');
  const count = fixed[30] as number;
  if (count < MIN_RECIPIENTS || count > MAX_RECIPIENTS) throw new MalformedHeaderError('recipient count');
  return headerLength(count);
}

/** Parses a complete header (exactly its bytes). Does not verify the MAC: that needs the file key. */
export function parseHeader(bytes: Uint8Array): Header {
  const length = announcedHeaderLength(bytes);
  if (bytes.length !== length) throw new MalformedHeaderError('length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const manifestPaddedLength = view.getUint32(26, false);
  if (!isValidManifestPaddedLength(manifestPaddedLength)) {
    throw new MalformedHeaderError('manifest padded length');
  }
  const count = bytes[30] as number;
  const stanzas: Stanza[] = [];
  const seen = new Set<string>();
  let offset = FIXED_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (bytes[offset] !== STANZA_X25519) throw new MalformedHeaderError('unknown stanza type');
    const fingerprint = bytes.slice(offset + 1, offset + 1 + FINGERPRINT_BYTES);
    const key = toHex(fingerprint);
    if (seen.has(key)) throw new MalformedHeaderError('duplicate recipient');
    seen.add(key);
    stanzas.push({
      type: STANZA_X25519,
      fingerprint,
      sealedKey: bytes.slice(offset + 1 + FINGERPRINT_BYTES, offset + STANZA_BYTES),
    });
    offset += STANZA_BYTES;
  }
  return {
    headerNonce: bytes.slice(10, 26),
    manifestPaddedLength,
    stanzas,
    mac: bytes.slice(offset, offset + MAC_BYTES),
    beforeMac: bytes.slice(0, offset),
    bytes: bytes.slice(),
  };
}
