import fc from 'fast-check';
import { fingerprint } from '../../../core/fingerprint.js';
import {
  encodeIdentity,
  IdentityError,
  identityFingerprint,
  type PublicIdentity,
  parseIdentity,
} from '../../../core/identity.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await readySodium();
});

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function identityFromSeeds(x25519Secret: Uint8Array, ed25519Seed: Uint8Array): PublicIdentity {
  return {
    x25519PublicKey: sodium.crypto_scalarmult_base(x25519Secret),
    ed25519PublicKey: sodium.crypto_sign_seed_keypair(ed25519Seed).publicKey,
  };
}

// Known answer (docs/KEYS.md): x25519 secret = 01 02 … 20, ed25519 seed = 80 81 … 9f.
const KAT_IDENTITY =
  'kua1aed2g7f4cqqjhsfxkxobwehins2cmn2k2fvkqu7nbpp4bmvynuohztiuwn7zk3uvggkp675xhm6ydxgfmhlbu5jybffxypq2mq7ol45kh3by7ci';

describe('identity strings', () => {
  test('known-answer vector', () => {
    const identity = identityFromSeeds(
      new Uint8Array(32).map((_, i) => i + 1),
      new Uint8Array(32).map((_, i) => 0x80 + i),
    );
    expect(encodeIdentity(sodium, identity)).toBe(KAT_IDENTITY);
    const parsed = parseIdentity(sodium, KAT_IDENTITY);
    expect(parsed.x25519PublicKey).toEqual(identity.x25519PublicKey);
    expect(parsed.ed25519PublicKey).toEqual(identity.ed25519PublicKey);
    expect(identityFingerprint(sodium, parsed)).toEqual(fingerprint(sodium, identity.x25519PublicKey));
  });

  test('layout: prefix, then base32 of version 1, both keys and a 4-byte checksum', () => {
    expect(KAT_IDENTITY).toMatch(/^kua1[a-z2-7]{111}$/);
  });

  test('round trips any key pair; whitespace around it and upper case are tolerated', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (x, e) => {
          const identity = identityFromSeeds(x, e);
          const text = encodeIdentity(sodium, identity);
          for (const variant of [text, ` ${text}\n`, text.toUpperCase()]) {
            const parsed = parseIdentity(sodium, variant);
            expect(parsed.x25519PublicKey).toEqual(identity.x25519PublicKey);
            expect(parsed.ed25519PublicKey).toEqual(identity.ed25519PublicKey);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  test('every single-character substitution is detected', () => {
    for (let i = 0; i < KAT_IDENTITY.length; i++) {
      const alphabet = i < 4 ? 'kua1x' : ALPHABET;
      for (const char of alphabet) {
        if (char === KAT_IDENTITY[i]) continue;
        const corrupted = KAT_IDENTITY.slice(0, i) + char + KAT_IDENTITY.slice(i + 1);
        expect(() => parseIdentity(sodium, corrupted)).toThrow(IdentityError);
      }
    }
  });

  test('every deletion, insertion and adjacent swap is detected (fast-check over random identities)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(),
        fc.constantFrom(...ALPHABET),
        (x, e, n, char) => {
          const text = encodeIdentity(sodium, identityFromSeeds(x, e));
          const i = 4 + (n % (text.length - 4));
          const deleted = text.slice(0, i) + text.slice(i + 1);
          const inserted = text.slice(0, i) + char + text.slice(i);
          expect(() => parseIdentity(sodium, deleted)).toThrow(IdentityError);
          expect(() => parseIdentity(sodium, inserted)).toThrow(IdentityError);
          if (i + 1 < text.length && text[i] !== text[i + 1]) {
            const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
            expect(() => parseIdentity(sodium, swapped)).toThrow(IdentityError);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('errors say what is wrong in one line, with a stable code', () => {
    const cases: [string, RegExp][] = [
      ['age1abc', /does not start with "kua1"/],
      ['kua1', /wrong length/],
      [`${KAT_IDENTITY}a`, /wrong length|checksum/],
      [`kua1${'0'.repeat(111)}`, /characters other than/],
      [KAT_IDENTITY.replace(/.$/, 'a'), /checksum mismatch/],
    ];
    for (const [text, message] of cases) {
      try {
        parseIdentity(sodium, text);
        throw new Error('parsed');
      } catch (error) {
        expect(error).toBeInstanceOf(IdentityError);
        expect((error as IdentityError).code).toBe('IDENTITY_MALFORMED');
        expect((error as Error).message).toMatch(/^malformed identity string: /);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).not.toContain('\n');
      }
    }
  });

  test('small-order encryption keys and invalid signing keys are refused', () => {
    const good = identityFromSeeds(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    expect(() => encodeIdentity(sodium, { ...good, x25519PublicKey: new Uint8Array(32) })).toThrow(
      /unusable encryption key/,
    );
    const lowOrder = new Uint8Array(32);
    lowOrder[0] = 1; // the neutral element: order 1
    expect(() => encodeIdentity(sodium, { ...good, x25519PublicKey: lowOrder })).toThrow(IdentityError);
    expect(() => encodeIdentity(sodium, { ...good, ed25519PublicKey: new Uint8Array(32) })).toThrow(
      /unusable signing key/,
    );
  });
});
