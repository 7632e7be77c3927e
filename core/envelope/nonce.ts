// XChaCha20-Poly1305 nonces: 16 zero bytes || 7-byte big-endian chunk index || flag byte.
// The constant prefix means HChaCha20(payloadKey, prefix) is one subkey for the whole envelope.

import { NONCE_BYTES, NONCE_FLAG_CHUNK, NONCE_FLAG_LAST_CHUNK, NONCE_FLAG_MANIFEST } from './constants.js';
import { InvalidEnvelopeArgumentError } from './errors.js';

const MAX_INDEX = 2 ** 56 - 1;

function nonce(index: number, flag: number): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new InvalidEnvelopeArgumentError('chunk index out of range');
  }
  const out = new Uint8Array(NONCE_BYTES);
  let rest = index;
  for (let i = 22; i >= 16; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  out[23] = flag;
  return out;
}

export function chunkNonce(index: number, last: boolean): Uint8Array {
  return nonce(index, last ? NONCE_FLAG_LAST_CHUNK : NONCE_FLAG_CHUNK);
}

/** Index 0 with flag 0x02: no payload chunk ever uses it. */
export function manifestNonce(): Uint8Array {
  return nonce(0, NONCE_FLAG_MANIFEST);
}
