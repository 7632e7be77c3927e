import { beforeAll, describe, expect, test } from '@jest/globals';
import { equalBytes } from '../../../core/bytes.js';
import {
  CHUNK_CIPHERTEXT_SIZE,
  CHUNK_SIZE,
  chunkCount,
  chunkOffset,
  createEnvelope,
  DecryptStream,
  decryptBytes,
  decryptIterable,
  Encryptor,
  EncryptStream,
  encryptBytes,
  encryptChunk,
  encryptIterable,
  envelopeLength,
  headerLength,
  planChunkOffset,
  restoreEnvelope,
  SizeMismatchError,
} from '../../../core/envelope/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { collect, makeIdentity, pattern, readAll, splitBy, streamOf } from './helpers.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await readySodium();
});

const SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 5 * CHUNK_SIZE + 12345];

describe('round trips', () => {
  test.each(SIZES)('size %i: bytes API, length formula, manifest', (size) => {
    const alice = makeIdentity(sodium);
    const plaintext = pattern(size);
    const envelope = encryptBytes(sodium, plaintext, {
      recipients: [alice],
      manifest: { name: 'ф.jpg', type: 'image/jpeg' },
    });
    expect(envelope.length).toBe(envelopeLength({ size, recipientCount: 1, manifestPaddedLength: 256 }));
    const out = decryptBytes(sodium, envelope, alice);
    expect(equalBytes(out.plaintext, plaintext)).toBe(true);
    expect(out.manifest).toEqual({ v: 1, name: 'ф.jpg', type: 'image/jpeg', size });
  });

  test.each(SIZES)('size %i: web streams, any input chunking, both directions', async (size) => {
    const [a, b, c] = [makeIdentity(sodium), makeIdentity(sodium), makeIdentity(sodium)];
    const plaintext = pattern(size, 3);
    const enc = new EncryptStream(sodium, { recipients: [a, b, c], manifest: { size } });
    const envelope = await readAll(streamOf(splitBy(plaintext, [1000, 70000, 3, 65536])).pipeThrough(enc));
    expect(envelope.length).toBe(enc.plan.length);
    for (const who of [a, b, c]) {
      const dec = new DecryptStream(sodium, who);
      const out = await readAll(streamOf(splitBy(envelope, [7, 65552, 100000, 1])).pipeThrough(dec));
      expect(equalBytes(out, plaintext)).toBe(true);
      await expect(dec.manifest).resolves.toEqual({ v: 1, size });
    }
  });

  test('byte-by-byte streaming in both directions (three chunks)', async () => {
    const alice = makeIdentity(sodium);
    const size = 2 * CHUNK_SIZE + 5;
    const plaintext = pattern(size);
    const bytewise = (b: Uint8Array) => Array.from(b, (x) => Uint8Array.of(x));
    const envelope = await collect(
      encryptIterable(sodium, bytewise(plaintext), { recipients: [alice], manifest: { size } }),
    );
    const whole = decryptBytes(sodium, envelope, alice);
    expect(equalBytes(whole.plaintext, plaintext)).toBe(true);
    let seen: unknown;
    const out = await collect(
      decryptIterable(sodium, bytewise(envelope), alice, {
        onManifest: (m) => {
          seen = m;
        },
      }),
    );
    expect(equalBytes(out, plaintext)).toBe(true);
    expect(seen).toEqual({ v: 1, size });
  });

  test('byte-by-byte through the web streams in both directions', async () => {
    const alice = makeIdentity(sodium);
    const size = CHUNK_SIZE + 3;
    const plaintext = pattern(size);
    const enc = new EncryptStream(sodium, { recipients: [alice], manifest: { size } });
    const envelope = await readAll(streamOf(splitBy(plaintext, [1])).pipeThrough(enc));
    const dec = new DecryptStream(sodium, alice);
    const out = await readAll(streamOf(splitBy(envelope, [1])).pipeThrough(dec));
    expect(equalBytes(out, plaintext)).toBe(true);
  });

  test('decrypt output is streamed: first plaintext chunk appears before the envelope is complete', async () => {
    const alice = makeIdentity(sodium);
    const size = 4 * CHUNK_SIZE;
    const envelope = encryptBytes(sodium, pattern(size), { recipients: [alice] });
    const { Decryptor } = await import('../../../core/envelope/index.js');
    const d = new Decryptor(sodium, alice);
    const firstChunkEnd = chunkOffset({ size, recipientCount: 1, manifestPaddedLength: 256 }, 1);
    const out = d.push(envelope.subarray(0, firstChunkEnd));
    expect(out.reduce((n, p) => n + p.length, 0)).toBe(CHUNK_SIZE);
  });
});

describe('resumable encryption: any chunk again from plaintext and index alone', () => {
  test('encryptChunk after restoreEnvelope gives the bytes at planChunkOffset', () => {
    const alice = makeIdentity(sodium);
    const size = 3 * CHUNK_SIZE + 77;
    const plaintext = pattern(size);
    const plan = createEnvelope(sodium, { recipients: [alice], manifest: { size, name: 'x.mp4' } });
    const enc = new Encryptor(plan);
    const parts = [...enc.push(plaintext), ...enc.finish()];
    const envelope = new Uint8Array(plan.length);
    let off = 0;
    for (const p of parts) {
      envelope.set(p, off);
      off += p.length;
    }
    expect(off).toBe(plan.length);
    // A fresh session that kept only the file key, header and manifest.
    const restored = restoreEnvelope(sodium, {
      fileKey: plan.fileKey,
      header: plan.header,
      manifest: plan.manifest,
    });
    expect(equalBytes(restored.manifestSection, plan.manifestSection)).toBe(true);
    expect(planChunkOffset(restored, 0)).toBe(headerLength(1) + 256 + 16);
    for (let i = 0; i < chunkCount(size); i++) {
      const start = i * CHUNK_SIZE;
      const chunk = encryptChunk(restored, i, plaintext.subarray(start, Math.min(size, start + CHUNK_SIZE)));
      const at = planChunkOffset(restored, i);
      expect(equalBytes(chunk, envelope.subarray(at, at + chunk.length))).toBe(true);
      expect(chunk.length).toBe(i < 3 ? CHUNK_CIPHERTEXT_SIZE : 77 + 16);
    }
    expect(() => encryptChunk(restored, 3, new Uint8Array(76))).toThrow(SizeMismatchError);
  });

  test('restoreEnvelope refuses a file key that does not belong to the header', () => {
    const alice = makeIdentity(sodium);
    const plan = createEnvelope(sodium, { recipients: [alice], manifest: { size: 1 } });
    expect(() =>
      restoreEnvelope(sodium, { fileKey: new Uint8Array(32), header: plan.header, manifest: plan.manifest }),
    ).toThrow(expect.objectContaining({ code: 'ENVELOPE_INVALID_ARGUMENT' }));
  });

  test('plaintext longer or shorter than the declared size is refused', () => {
    const alice = makeIdentity(sodium);
    const longer = new Encryptor(createEnvelope(sodium, { recipients: [alice], manifest: { size: 10 } }));
    expect(() => longer.push(new Uint8Array(11))).toThrow(SizeMismatchError);
    const shorter = new Encryptor(createEnvelope(sodium, { recipients: [alice], manifest: { size: 10 } }));
    shorter.push(new Uint8Array(9));
    expect(() => shorter.finish()).toThrow(SizeMismatchError);
  });

  test('fresh randomness: two encryptions of the same input differ', () => {
    const alice = makeIdentity(sodium);
    const a = encryptBytes(sodium, pattern(100), { recipients: [alice] });
    const b = encryptBytes(sodium, pattern(100), { recipients: [alice] });
    expect(equalBytes(a, b)).toBe(false);
  });
});
