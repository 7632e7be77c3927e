// Part planning: every part of an envelope, produced alone from the plaintext, concatenates to exactly
// the envelope the streaming encryptor writes — for sizes around every chunk and part boundary.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { concatBytes } from '../../../core/bytes.js';
import { CHUNK_CIPHERTEXT_SIZE, createEnvelope, Encryptor } from '../../../core/envelope/index.js';
import { readySodium } from '../../../core/sodium.js';
import { partCount, partLength, planPart } from '../../../web/upload/plan.js';
import { FileChangedError, layoutOf, producePart } from '../../../web/upload/produce.js';

const sodium = await readySodium();
const recipient = sodium.crypto_box_keypair();

function plaintextOf(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
}

async function check(size: number, partBytes: number): Promise<void> {
  const plan = createEnvelope(sodium, {
    recipients: [{ x25519PublicKey: recipient.publicKey }],
    manifest: { name: 'x.jpg', type: 'image/jpeg', size },
  });
  const data = plaintextOf(size);
  const enc = new Encryptor(plan);
  const whole = concatBytes(...enc.push(data), ...enc.finish());
  expect(whole.length).toBe(plan.length);
  const reads: Array<[number, number]> = [];
  const parts: Uint8Array[] = [];
  const n = partCount(plan.length, partBytes);
  for (let p = n - 1; p >= 0; p--) {
    const bytes = await producePart(plan, partBytes, p, async (s, e) => {
      reads.push([s, e]);
      return data.slice(s, e);
    });
    expect(bytes.length).toBe(partLength(plan.length, partBytes, p));
    parts[p] = bytes;
  }
  expect(Buffer.from(concatBytes(...parts)).equals(Buffer.from(whole))).toBe(true);
  // Reads stay within one part's worth of chunks (never the whole file at once for big files).
  for (const [s, e] of reads) expect(e - s).toBeLessThanOrEqual(partBytes + 2 * 65536);
}

describe('upload part planning', () => {
  it('reassembles the exact envelope at chunk and part boundaries', async () => {
    const prefix = 63 + 97 + 256 + 16;
    for (const size of [0, 1, 65535, 65536, 65537, 3 * 65536 + 5]) {
      for (const partBytes of [1, 100, prefix, prefix + 1, CHUNK_CIPHERTEXT_SIZE, 65536 * 2 + 17, 1 << 20]) {
        if (partBytes < 100 && size > 1) continue; // keep it quick
        await check(size, partBytes);
      }
    }
  });

  it('reassembles the exact envelope for arbitrary sizes and part sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: 97, max: 300_000 }), check),
      { numRuns: 25 },
    );
  });

  it('plans segments: part 0 starts with the prefix, a middle part covers whole and cut chunks', () => {
    const layout = { size: 10 * 65536, prefixLength: 432, length: 432 + 10 * CHUNK_CIPHERTEXT_SIZE };
    const first = planPart(layout, 100_000, 0);
    expect(first.segments[0]).toEqual({ kind: 'prefix', start: 0, end: 432 });
    expect(first.segments[1]).toEqual({ kind: 'chunk', index: 0, start: 0, end: CHUNK_CIPHERTEXT_SIZE });
    expect(first.segments[2]).toEqual({
      kind: 'chunk',
      index: 1,
      start: 0,
      end: 100_000 - 432 - CHUNK_CIPHERTEXT_SIZE,
    });
    expect([first.plaintextStart, first.plaintextEnd]).toEqual([0, 2 * 65536]);
    const second = planPart(layout, 100_000, 1);
    expect(second.segments[0]).toEqual({
      kind: 'chunk',
      index: 1,
      start: 100_000 - 432 - CHUNK_CIPHERTEXT_SIZE,
      end: CHUNK_CIPHERTEXT_SIZE,
    });
    expect(() => planPart(layout, 100_000, partCount(layout.length, 100_000))).toThrow(RangeError);
    expect(() => planPart(layout, 100_000, -1)).toThrow(RangeError);
  });

  it('refuses a file that became shorter since the plan was made', async () => {
    const plan = createEnvelope(sodium, {
      recipients: [{ x25519PublicKey: recipient.publicKey }],
      manifest: { size: 200_000 },
    });
    await expect(producePart(plan, 1 << 20, 0, async () => new Uint8Array(10))).rejects.toBeInstanceOf(
      FileChangedError,
    );
    expect(layoutOf(plan).prefixLength).toBe(plan.header.length + plan.manifestSection.length);
  });
});
