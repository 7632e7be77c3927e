// Envelope throughput next to the raw AEADs it is built on, measured in the same run on the same
// 64 KiB chunks. The envelope runs streamed (async iterables, one chunk in flight), never one buffer.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHUNK_SIZE,
  type ChunkCipherFactory,
  decryptIterable,
  encryptIterable,
} from '../core/envelope/index.js';
import type { Sodium } from '../core/sodium.js';

export interface BenchResult {
  name: string;
  mbPerSecond: number;
}

const MB = 1_000_000;

async function timed(bytes: number, run: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return bytes / MB / seconds;
}

function* plaintextChunks(total: number, chunk: Uint8Array): Generator<Uint8Array> {
  for (let done = 0; done < total; done += chunk.length)
    yield chunk.subarray(0, Math.min(chunk.length, total - done));
}

export interface EnvelopeBenchOptions {
  sodium: Sodium;
  bytes: number;
  /** Extra cipher implementations of the envelope to measure (e.g. the Node fast path). */
  variants?: Array<{ name: string; cipherFactory: ChunkCipherFactory }>;
  log: (line: string) => void;
}

export async function benchEnvelope(options: EnvelopeBenchOptions): Promise<BenchResult[]> {
  const { sodium, bytes, log } = options;
  const chunks = bytes / CHUNK_SIZE;
  const plain = new Uint8Array(randomBytes(CHUNK_SIZE));
  const key = sodium.randombytes_buf(32);
  const results: BenchResult[] = [];
  const record = (name: string, mbPerSecond: number) => {
    results.push({ name, mbPerSecond });
    log(`  ${name.padEnd(50)} ${mbPerSecond.toFixed(1).padStart(8)} MB/s`);
  };

  // Raw libsodium XChaCha20-Poly1305-IETF (WebAssembly), 64 KiB at a time.
  const xnonce = new Uint8Array(24);
  // Warm-up so that the first measured figure is not also measuring JIT compilation.
  for (let i = 0; i < 256; i++)
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, null, null, xnonce, key);
  const sodiumCt = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, null, null, xnonce, key);
  record(
    'raw libsodium xchacha20-poly1305 encrypt',
    await timed(bytes, () => {
      for (let i = 0; i < chunks; i++)
        sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, null, null, xnonce, key);
    }),
  );
  record(
    'raw libsodium xchacha20-poly1305 decrypt',
    await timed(bytes, () => {
      for (let i = 0; i < chunks; i++)
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sodiumCt, null, xnonce, key);
    }),
  );

  // Raw node:crypto ChaCha20-Poly1305 (OpenSSL), 64 KiB at a time.
  const nonce = Buffer.alloc(12);
  const nodeKey = Buffer.from(key);
  const encOnce = () => {
    const c = createCipheriv('chacha20-poly1305', nodeKey, nonce, { authTagLength: 16 });
    const out = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    return out;
  };
  const nodeCt = encOnce();
  record(
    'raw node:crypto chacha20-poly1305 encrypt',
    await timed(bytes, () => {
      for (let i = 0; i < chunks; i++) encOnce();
    }),
  );
  record(
    'raw node:crypto chacha20-poly1305 decrypt',
    await timed(bytes, () => {
      for (let i = 0; i < chunks; i++) {
        const d = createDecipheriv('chacha20-poly1305', nodeKey, nonce, { authTagLength: 16 });
        d.setAuthTag(nodeCt.subarray(CHUNK_SIZE));
        d.update(nodeCt.subarray(0, CHUNK_SIZE));
        d.final();
      }
    }),
  );

  const dir = await mkdtemp(join(tmpdir(), 'kua-bench-'));
  try {
    const identity = (() => {
      const kp = sodium.crypto_box_keypair();
      return { x25519PublicKey: kp.publicKey, x25519SecretKey: kp.privateKey };
    })();
    const path = join(dir, 'bench.kua');
    // Write the envelope once (untimed) for the decrypt runs.
    {
      const out = createWriteStream(path);
      for await (const piece of encryptIterable(sodium, plaintextChunks(bytes, plain), {
        recipients: [identity],
        manifest: { size: bytes },
      })) {
        if (!out.write(piece)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    }
    record(
      'read the envelope file alone (context)',
      await timed(bytes, async () => {
        for await (const _piece of createReadStream(path, { highWaterMark: 1 << 20 })) {
          // just the I/O the decrypt runs also pay
        }
      }),
    );
    const variants = [{ name: 'libsodium', cipherFactory: undefined }, ...(options.variants ?? [])];
    for (const variant of variants) {
      const cipherFactory = variant.cipherFactory;
      record(
        `envelope encrypt (${variant.name}, streamed)`,
        await timed(bytes, async () => {
          let n = 0;
          for await (const piece of encryptIterable(sodium, plaintextChunks(bytes, plain), {
            recipients: [identity],
            manifest: { size: bytes },
            ...(cipherFactory ? { cipherFactory } : {}),
          })) {
            n += piece.length;
          }
          if (n < bytes) throw new Error('bench: short envelope');
        }),
      );
      record(
        `envelope decrypt (${variant.name}, streamed from disk)`,
        await timed(bytes, async () => {
          let n = 0;
          const source = createReadStream(path, { highWaterMark: 1 << 20 });
          for await (const piece of decryptIterable(
            sodium,
            source,
            identity,
            cipherFactory ? { cipherFactory } : {},
          )) {
            n += piece.length;
          }
          if (n !== bytes) throw new Error('bench: wrong plaintext length');
        }),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

/** Prints each envelope figure as a ratio of the raw AEADs measured in the same run. */
export function envelopeRatios(results: readonly BenchResult[]): string[] {
  const get = (name: string) => results.find((r) => r.name === name)?.mbPerSecond ?? Number.NaN;
  const lines: string[] = [];
  for (const r of results) {
    if (!r.name.startsWith('envelope')) continue;
    const op = r.name.startsWith('envelope encrypt') ? 'encrypt' : 'decrypt';
    const vsSodium = r.mbPerSecond / get(`raw libsodium xchacha20-poly1305 ${op}`);
    const vsNode = r.mbPerSecond / get(`raw node:crypto chacha20-poly1305 ${op}`);
    lines.push(
      `  ${r.name.padEnd(50)} ${vsSodium.toFixed(2)}× raw libsodium   ${vsNode.toFixed(2)}× raw node:crypto`,
    );
  }
  return lines;
}
