// The Node fast path (runtime/aead-node.ts) produces exactly libsodium's bytes, and the envelope built on
// it is byte-identical to the portable one.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import sumo from 'libsodium-wrappers-sumo';
import { concatBytes, fromHex, toHex } from '../../../core/bytes.js';
import { createEnvelope, decryptBytes, Encryptor, encryptBytes } from '../../../core/envelope/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { hchacha20, nodeCipherFactory } from '../../../runtime/aead-node.js';
import { makeIdentity, pattern } from './helpers.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await readySodium();
  await sumo.ready;
});

describe('runtime/aead-node', () => {
  test('HChaCha20 equals libsodium crypto_core_hchacha20', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, input) => {
          expect(toHex(hchacha20(key, input))).toBe(toHex(sumo.crypto_core_hchacha20(input, key, null)));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('seal equals libsodium XChaCha20-Poly1305-IETF, and each opens the other', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 0, max: 140_000 }).map((n) => pattern(n)),
        ),
        (key, nonce, plaintext) => {
          const expected = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
            plaintext,
            null,
            null,
            nonce,
            key,
          );
          const cipher = nodeCipherFactory(key);
          const actual = cipher.seal(nonce, plaintext);
          expect(toHex(actual)).toBe(toHex(expected));
          expect(toHex(cipher.open(nonce, expected)!)).toBe(toHex(plaintext));
          const tampered = expected.slice();
          tampered[tampered.length - 1]! ^= 1;
          expect(cipher.open(nonce, tampered)).toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });

  test('every committed vector re-encrypts to the same bytes with the Node cipher', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../fixtures/envelope/vectors.json', import.meta.url), 'utf8'),
    );
    const ids = new Map<string, Uint8Array>(
      file.identities.map((i: { name: string; x25519PublicKey: string }) => [
        i.name,
        fromHex(i.x25519PublicKey),
      ]),
    );
    for (const v of file.vectors) {
      const random = (v.random as string[]).map(fromHex);
      let drawn = 0;
      const plan = createEnvelope(sodium, {
        recipients: (v.recipients as string[]).map((n) => ({ x25519PublicKey: ids.get(n)! })),
        manifest: v.manifest,
        random: () => random[drawn++]!,
        cipherFactory: nodeCipherFactory,
      });
      const enc = new Encryptor(plan);
      const bytes = concatBytes(
        ...enc.push(Uint8Array.from({ length: v.plaintextSize }, (_, i) => (31 * i + 7) & 0xff)),
        ...enc.finish(),
      );
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(v.envelopeSha256);
    }
  });

  test('portable and Node decryption read each other', () => {
    const alice = makeIdentity(sodium);
    const plaintext = pattern(3 * 65536 + 9);
    const portable = encryptBytes(sodium, plaintext, { recipients: [alice] });
    const fast = encryptBytes(sodium, plaintext, { recipients: [alice], cipherFactory: nodeCipherFactory });
    expect(toHex(decryptBytes(sodium, portable, alice, { cipherFactory: nodeCipherFactory }).plaintext)).toBe(
      toHex(plaintext),
    );
    expect(toHex(decryptBytes(sodium, fast, alice).plaintext)).toBe(toHex(plaintext));
  });
});
