import fc from 'fast-check';
import { Base32Error, fromBase32, toBase32 } from '../../../core/base32.js';
import { Base64Error, fromBase64, toBase64 } from '../../../core/base64.js';

describe('base32 (RFC 4648, lowercase, unpadded)', () => {
  test('RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'my'],
      ['fo', 'mzxq'],
      ['foo', 'mzxw6'],
      ['foob', 'mzxw6yq'],
      ['fooba', 'mzxw6ytb'],
      ['foobar', 'mzxw6ytboi'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(toBase32(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(fromBase32(encoded))).toBe(plain);
      expect(new TextDecoder().decode(fromBase32(encoded.toUpperCase()))).toBe(plain);
    }
  });

  test('round trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(fromBase32(toBase32(bytes))).toEqual(bytes);
      }),
    );
  });

  test('rejects padding, foreign characters, impossible lengths and non-canonical tails', () => {
    expect(() => fromBase32('my======')).toThrow(Base32Error);
    expect(() => fromBase32('m1')).toThrow(Base32Error);
    expect(() => fromBase32('m')).toThrow(Base32Error); // 5 bits cannot end an encoding
    expect(() => fromBase32('mz')).toThrow(Base32Error); // 'f' is "my": the last 2 bits must be zero
  });
});

describe('base64 (RFC 4648, padded)', () => {
  test('agrees with Node for any bytes, both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = toBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(encoded)).toEqual(bytes);
      }),
    );
  });

  test('rejects malformed and non-canonical input', () => {
    for (const bad of ['Zg', 'Zg=', 'Z===', 'Zh==', 'Zm9v!', 'Zg==Zg==', '=Zg=']) {
      expect(() => fromBase64(bad)).toThrow(Base64Error);
    }
  });
});
