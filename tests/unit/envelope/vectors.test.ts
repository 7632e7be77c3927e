// Known-answer vectors (tests/fixtures/envelope/vectors.json, generated once): decrypting each gives the
// plaintext, re-encrypting with the same injected randomness gives the exact bytes, and the header fields
// sit where docs/FORMAT.md says.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { concatBytes, fromHex, toHex, utf8 } from '../../../core/bytes.js';
import {
  createEnvelope,
  DecryptionError,
  decryptBytes,
  Encryptor,
  type ManifestInput,
  parseHeader,
} from '../../../core/envelope/index.js';
import { fingerprint } from '../../../core/fingerprint.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';

interface VectorFile {
  identities: Array<{ name: string; x25519PublicKey: string; x25519SecretKey: string; fingerprint: string }>;
  vectors: Array<{
    name: string;
    recipients: string[];
    random: string[];
    manifest: ManifestInput;
    plaintextSize: number;
    plaintextSha256: string;
    fileKey: string;
    header: string;
    manifestSection: string;
    envelopeLength: number;
    envelopeSha256: string;
    envelopeBase64: string;
  }>;
}

const file = JSON.parse(
  readFileSync(new URL('../../fixtures/envelope/vectors.json', import.meta.url), 'utf8'),
) as VectorFile;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pattern = (size: number) => Uint8Array.from({ length: size }, (_, i) => (31 * i + 7) & 0xff);

let sodium: Sodium;
beforeAll(async () => {
  sodium = await readySodium();
});

const identity = (name: string) => {
  const id = file.identities.find((i) => i.name === name)!;
  return { x25519PublicKey: fromHex(id.x25519PublicKey), x25519SecretKey: fromHex(id.x25519SecretKey) };
};

test('the vector file covers the required sizes and recipient counts', () => {
  const sizes = file.vectors.map((v) => v.plaintextSize);
  expect(sizes).toEqual(expect.arrayContaining([0, 1, 65535, 65536, 65537]));
  expect(sizes.some((s) => s > 2 * 65536)).toBe(true);
  expect(new Set(file.vectors.map((v) => v.recipients.length))).toEqual(new Set([1, 3]));
  for (const id of file.identities) {
    expect(toHex(fingerprint(sodium, fromHex(id.x25519PublicKey)))).toBe(id.fingerprint);
  }
});

describe.each(file.vectors.map((v) => [v.name, v] as const))('vector %s', (_name, v) => {
  const envelope = () => sodium.from_base64(v.envelopeBase64, sodium.base64_variants.ORIGINAL);

  test('the stored envelope is intact', () => {
    const bytes = envelope();
    expect(bytes.length).toBe(v.envelopeLength);
    expect(sha256(bytes)).toBe(v.envelopeSha256);
    expect(toHex(bytes.subarray(0, v.header.length / 2))).toBe(v.header);
  });

  test('every recipient decrypts it to the plaintext and manifest', () => {
    for (const name of v.recipients) {
      const out = decryptBytes(sodium, envelope(), identity(name));
      expect(out.plaintext.length).toBe(v.plaintextSize);
      expect(sha256(out.plaintext)).toBe(v.plaintextSha256);
      expect(out.manifest).toEqual({ v: 1, ...v.manifest });
    }
  });

  test('a non-recipient gets the generic DecryptionError', () => {
    const outsider = file.identities.find((i) => !v.recipients.includes(i.name));
    if (!outsider) return;
    expect(() => decryptBytes(sodium, envelope(), identity(outsider.name))).toThrow(DecryptionError);
  });

  test('re-encrypting with the same inputs gives the exact bytes', () => {
    const random = v.random.map(fromHex);
    let drawn = 0;
    const plan = createEnvelope(sodium, {
      recipients: v.recipients.map((name) => ({ x25519PublicKey: identity(name).x25519PublicKey })),
      manifest: v.manifest,
      random: (n) => {
        const next = random[drawn++]!;
        expect(next.length).toBe(n);
        return next;
      },
    });
    expect(drawn).toBe(random.length);
    expect(toHex(plan.fileKey)).toBe(v.fileKey);
    expect(toHex(plan.header)).toBe(v.header);
    expect(toHex(plan.manifestSection)).toBe(v.manifestSection);
    const enc = new Encryptor(plan);
    const bytes = concatBytes(...enc.push(pattern(v.plaintextSize)), ...enc.finish());
    expect(sha256(bytes)).toBe(v.envelopeSha256);
  });

  test('header fields are laid out as FORMAT.md specifies', () => {
    const header = fromHex(v.header);
    expect(toHex(header.subarray(0, 8))).toBe('6b75612d656e7600');
    expect(header[8]).toBe(1);
    expect(header[9]).toBe(0);
    expect(toHex(header.subarray(10, 26))).toBe(v.random[1]);
    expect(header[30]).toBe(v.recipients.length);
    expect(header.length).toBe(31 + 97 * v.recipients.length + 32);
    const parsed = parseHeader(header);
    const fileKey = fromHex(v.fileKey);
    v.recipients.forEach((name, i) => {
      const id = identity(name);
      const stanza = parsed.stanzas[i]!;
      expect(header[31 + 97 * i]).toBe(1);
      expect(toHex(stanza.fingerprint)).toBe(file.identities.find((x) => x.name === name)!.fingerprint);
      // The stanza is an ordinary libsodium sealed box of the file key.
      expect(
        toHex(sodium.crypto_box_seal_open(stanza.sealedKey, id.x25519PublicKey, id.x25519SecretKey)),
      ).toBe(v.fileKey);
    });
    // MAC and payload key recomputed from the spec text with plain libsodium calls.
    const macKey = sodium.crypto_generichash(32, utf8('kua/v1 header mac\n'), fileKey);
    expect(toHex(sodium.crypto_generichash(32, parsed.beforeMac, macKey))).toBe(toHex(parsed.mac));
    const payloadKey = sodium.crypto_generichash(
      32,
      concatBytes(utf8('kua/v1 payload key\n'), header),
      fileKey,
    );
    const nonce = new Uint8Array(24);
    nonce[23] = 2;
    const padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      fromHex(v.manifestSection),
      null,
      nonce,
      payloadKey,
    );
    const jsonLength = new DataView(padded.buffer, padded.byteOffset).getUint32(0, false);
    expect(JSON.parse(new TextDecoder().decode(padded.subarray(4, 4 + jsonLength)))).toEqual({
      v: 1,
      ...v.manifest,
    });
    expect(padded.subarray(4 + jsonLength).every((b) => b === 0)).toBe(true);
    // Every chunk opens with plain libsodium at the offset and with the nonce FORMAT.md gives.
    const bytes = envelope();
    const n = Math.max(1, Math.ceil(v.plaintextSize / 65536));
    const expected = pattern(v.plaintextSize);
    for (let i = 0; i < n; i++) {
      const at = header.length + padded.length + 16 + i * 65552;
      const len = Math.min(65536, v.plaintextSize - i * 65536) + 16;
      const chunkNonce = new Uint8Array(24);
      new DataView(chunkNonce.buffer).setBigUint64(16, BigInt(i) << 8n, false);
      chunkNonce[23] = i === n - 1 ? 1 : 0;
      const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        bytes.subarray(at, at + len),
        null,
        chunkNonce,
        payloadKey,
      );
      expect(toHex(plain)).toBe(toHex(expected.subarray(i * 65536, i * 65536 + len - 16)));
      if (i === n - 1) expect(at + len).toBe(bytes.length);
    }
  });
});
