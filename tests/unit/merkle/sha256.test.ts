// The TypeScript SHA-256 against node:crypto (an independent implementation) and FIPS 180-2 vectors.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { toHex, utf8 } from '../../../core/bytes.js';
import { createSha256, sha256, sha256Stream } from '../../../core/sha256.js';

const reference = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('core/sha256', () => {
  test('FIPS 180-2 vectors', () => {
    expect(toHex(sha256(utf8('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const million = createSha256();
    const chunk = new Uint8Array(1000).fill(0x61);
    for (let i = 0; i < 1000; i++) million.update(chunk);
    expect(toHex(million.digest())).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  test('every length 0..300 matches node:crypto, one-shot and byte by byte', () => {
    const data = new Uint8Array(randomBytes(300));
    for (let length = 0; length <= 300; length++) {
      const input = data.subarray(0, length);
      const want = reference(input);
      expect(toHex(sha256(input))).toBe(want);
      const hasher = createSha256();
      for (let i = 0; i < length; i++) hasher.update(input.subarray(i, i + 1));
      expect(toHex(hasher.digest())).toBe(want);
    }
  });

  test('random inputs split at random points match node:crypto', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, rawCuts) => {
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const hasher = createSha256();
          let previous = 0;
          for (const cut of [...cuts, bytes.length]) {
            hasher.update(bytes.subarray(previous, cut));
            previous = cut;
          }
          expect(toHex(hasher.digest())).toBe(reference(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('views into larger buffers hash only their own bytes', () => {
    const backing = new Uint8Array(randomBytes(4096));
    const view = backing.subarray(7, 7 + 1500);
    expect(toHex(sha256(view))).toBe(reference(view));
    expect(
      toHex(createSha256().update(backing.subarray(3, 70)).update(backing.subarray(70, 2000)).digest()),
    ).toBe(reference(backing.subarray(3, 2000)));
  });

  test('sha256 of several parts equals the hash of their concatenation', () => {
    expect(toHex(sha256(utf8('ab'), utf8(''), utf8('c')))).toBe(reference(utf8('abc')));
  });

  test('a finished hasher refuses more input and a second digest', () => {
    const hasher = createSha256();
    hasher.digest();
    expect(() => hasher.update(new Uint8Array(1))).toThrow();
    expect(() => hasher.digest()).toThrow();
  });

  test('sha256Stream hashes a web stream chunk by chunk and reports progress', async () => {
    const data = new Uint8Array(randomBytes(200_000));
    const chunks = [
      data.subarray(0, 1),
      data.subarray(1, 65_537),
      data.subarray(65_537, 65_537),
      data.subarray(65_537),
    ];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const progress: number[] = [];
    expect(toHex(await sha256Stream(stream, (n) => progress.push(n)))).toBe(reference(data));
    expect(progress).toEqual([1, 65_537, 65_537, 200_000]);
  });

  test('sha256Stream rejects when the stream errors', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('read failed'));
      },
    });
    await expect(sha256Stream(stream)).rejects.toThrow('read failed');
  });
});
