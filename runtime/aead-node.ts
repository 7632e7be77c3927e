// Node fast path for the envelope AEAD: XChaCha20-Poly1305-IETF built from node:crypto's (OpenSSL)
// ChaCha20-Poly1305 and an HChaCha20 subkey. Byte-identical to libsodium (tests/unit/envelope/aead-node.test.ts).
// Envelope nonces share one 16-byte prefix, so the subkey is computed once per key, not once per chunk.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { ChunkCipher, ChunkCipherFactory } from '../core/envelope/cipher.js';

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

function readLE(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  );
}

/** HChaCha20(key[32], input[16]) → 32-byte subkey (as in libsodium crypto_core_hchacha20, constant = sigma). */
export function hchacha20(key: Uint8Array, input: Uint8Array): Uint8Array {
  if (key.length !== 32 || input.length !== 16) throw new RangeError('hchacha20: bad key or input length');
  const s = new Uint32Array(16);
  for (let i = 0; i < 4; i++) s[i] = SIGMA[i] as number;
  for (let i = 0; i < 8; i++) s[4 + i] = readLE(key, 4 * i);
  for (let i = 0; i < 4; i++) s[12 + i] = readLE(input, 4 * i);
  const qr = (a: number, b: number, c: number, d: number) => {
    s[a] = (s[a]! + s[b]!) >>> 0;
    s[d] = rotl(s[d]! ^ s[a]!, 16);
    s[c] = (s[c]! + s[d]!) >>> 0;
    s[b] = rotl(s[b]! ^ s[c]!, 12);
    s[a] = (s[a]! + s[b]!) >>> 0;
    s[d] = rotl(s[d]! ^ s[a]!, 8);
    s[c] = (s[c]! + s[d]!) >>> 0;
    s[b] = rotl(s[b]! ^ s[c]!, 7);
  };
  for (let round = 0; round < 10; round++) {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
  }
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) view.setUint32(4 * i, s[i]!, true);
  for (let i = 0; i < 4; i++) view.setUint32(16 + 4 * i, s[12 + i]!, true);
  s.fill(0);
  return out;
}

const TAG = 16;

function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** XChaCha20-Poly1305-IETF (no associated data) on node:crypto, bound to one 32-byte key. */
export const nodeCipherFactory: ChunkCipherFactory = (key: Uint8Array): ChunkCipher => {
  if (key.length !== 32) throw new RangeError('aead-node: key must be 32 bytes');
  const k = Uint8Array.from(key);
  let cachedPrefix: Uint8Array | undefined;
  let cachedSubkey: Buffer | undefined;
  const subkeyFor = (nonce: Uint8Array): Buffer => {
    if (nonce.length !== 24) throw new RangeError('aead-node: nonce must be 24 bytes');
    const prefix = nonce.subarray(0, 16);
    if (!cachedPrefix || !cachedSubkey || Buffer.compare(cachedPrefix, prefix) !== 0) {
      cachedPrefix = Uint8Array.from(prefix);
      cachedSubkey = Buffer.from(hchacha20(k, prefix));
    }
    return cachedSubkey;
  };
  const ietfNonce = (nonce: Uint8Array) => {
    const n = Buffer.alloc(12);
    n.set(nonce.subarray(16, 24), 4);
    return n;
  };
  return {
    seal(nonce, plaintext) {
      const c = createCipheriv('chacha20-poly1305', subkeyFor(nonce), ietfNonce(nonce), {
        authTagLength: TAG,
      });
      const body = c.update(plaintext);
      c.final();
      const out = new Uint8Array(body.length + TAG);
      out.set(body, 0);
      out.set(c.getAuthTag(), body.length);
      return out;
    },
    open(nonce, ciphertext) {
      if (ciphertext.length < TAG) return null;
      const d = createDecipheriv('chacha20-poly1305', subkeyFor(nonce), ietfNonce(nonce), {
        authTagLength: TAG,
      });
      d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG));
      const body = d.update(ciphertext.subarray(0, ciphertext.length - TAG));
      try {
        d.final();
      } catch {
        body.fill(0);
        return null;
      }
      return asBytes(body);
    },
  };
};
