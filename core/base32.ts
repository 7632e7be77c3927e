// RFC 4648 base32, lowercase, no padding: the alphabet of copy-pasteable identity strings.
// Decoding is strict: only canonical encodings are accepted (unused trailing bits must be zero),
// so every string maps to exactly one byte sequence and back.

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export type Base32Problem = 'length' | 'character' | 'non-canonical';

export class Base32Error extends Error {
  readonly code = 'BASE32_INVALID';
  constructor(readonly problem: Base32Problem) {
    super(`invalid base32 (${problem})`);
    this.name = 'Base32Error';
  }
}

export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Accepts lowercase or uppercase; rejects padding, other characters and non-canonical tails. */
export function fromBase32(text: string): Uint8Array {
  const lower = text.toLowerCase();
  const length = Math.floor((lower.length * 5) / 8);
  // Lengths whose final character would carry only padding bits cannot come from toBase32.
  if (Math.ceil((length * 8) / 5) !== lower.length) throw new Base32Error('length');
  const out = new Uint8Array(length);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of lower) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) throw new Base32Error('character');
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new Base32Error('non-canonical');
  return out;
}
