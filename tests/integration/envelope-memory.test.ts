// Memory stays flat in file size: 256 MiB through the web streams (encrypt piped into decrypt), with
// memory sampled while it runs. Whole-file buffering anywhere would push RSS up by hundreds of MiB.
import { describe, expect, test } from '@jest/globals';
import { CHUNK_SIZE, DecryptStream, EncryptStream } from '../../core/envelope/index.js';
import { readySodium } from '../../core/sodium.js';
import { nodeCipherFactory } from '../../runtime/aead-node.js';

const TOTAL = 256 * 1024 * 1024;
const MIB = 1024 * 1024;

describe('envelope streaming memory', () => {
  test.each([
    ['libsodium', undefined],
    ['node fast path', nodeCipherFactory],
  ] as const)(
    '256 MiB encrypt→decrypt via %s keeps RSS within 64 MiB of its start',
    async (_name, cipherFactory) => {
      const sodium = await readySodium();
      const kp = sodium.crypto_box_keypair();
      const identity = { x25519PublicKey: kp.publicKey, x25519SecretKey: kp.privateKey };
      const piece = new Uint8Array(CHUNK_SIZE + 1000).map((_, i) => i & 0xff);
      let sent = 0;
      const source = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (sent >= TOTAL) return controller.close();
            const n = Math.min(piece.length, TOTAL - sent);
            controller.enqueue(piece.slice(0, n));
            sent += n;
          },
        },
        { highWaterMark: 1 },
      );
      const options = cipherFactory ? { cipherFactory } : {};
      const enc = new EncryptStream(sodium, {
        recipients: [identity],
        manifest: { size: TOTAL },
        ...options,
      });
      const dec = new DecryptStream(sodium, identity, options);
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      let received = 0;
      let samples = 0;
      const reader = source.pipeThrough(enc).pipeThrough(dec).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
        if (++samples % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect(received).toBe(TOTAL);
      await expect(dec.manifest).resolves.toEqual({ v: 1, size: TOTAL });
      expect((peak - baseline) / MIB).toBeLessThan(64);
    },
    120_000,
  );
});
