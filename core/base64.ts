// RFC 4648 base64 (standard alphabet, with padding) for key files and public config.
// Platform-neutral (no Buffer, no atob); decoding is strict and accepts only canonical input.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Map<string, number>([...ALPHABET].map((char, i) => [char, i]));

export class Base64Error extends Error {
  readonly code = 'BASE64_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'Base64Error';
  }
}

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[(n >>> 18) & 63];
    out += ALPHABET[(n >>> 12) & 63];
    out += b === undefined ? '=' : ALPHABET[(n >>> 6) & 63];
    out += c === undefined ? '=' : ALPHABET[n & 63];
  }
  return out;
}

export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Base64Error('invalid base64 length');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let index = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const char = text[i + j] as string;
      const isPad = char === '=' && i + 4 === text.length && j >= 4 - padding;
      const value = isPad ? 0 : LOOKUP.get(char);
      if (value === undefined) throw new Base64Error('invalid base64 character');
      n = (n << 6) | value;
    }
    const triple = [(n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    const keep = i + 4 === text.length ? 3 - padding : 3;
    // Canonical form: the bits hidden under padding must be zero.
    for (let k = keep; k < 3; k++)
      if (triple[k] !== 0) throw new Base64Error('non-canonical base64 encoding');
    for (let k = 0; k < keep; k++) out[index++] = triple[k] as number;
  }
  return out;
}
