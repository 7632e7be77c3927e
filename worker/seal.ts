// Step "seal": encrypt a scratch file (or small bytes) to every reviewer of the roster, into another
// scratch file, hashing the plaintext and the envelope on the way (one read, one write, streamed).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { ChunkCipherFactory, ManifestInput, Recipient } from '../core/envelope/index.js';
import { encryptIterable } from '../core/envelope/index.js';
import type { Sodium } from '../core/sodium.js';
import type { Digest } from './decrypt.js';

export interface SealDeps {
  sodium: Sodium;
  cipherFactory?: ChunkCipherFactory;
}

export interface Sealed {
  plaintext: Digest;
  envelope: Digest;
  path: string;
}

const READ_BYTES = 256 * 1024;

async function sealStream(
  deps: SealDeps,
  source: AsyncIterable<Uint8Array>,
  size: number,
  recipients: readonly Recipient[],
  manifest: Omit<ManifestInput, 'size'>,
  outPath: string,
): Promise<Sealed> {
  const plainHash = createHash('sha256');
  let plainBytes = 0;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const piece of source) {
      plainHash.update(piece);
      plainBytes += piece.length;
      yield piece;
    }
  }
  const envelopeHash = createHash('sha256');
  let envelopeBytes = 0;
  const handle = await open(outPath, 'wx', 0o600);
  try {
    const out = encryptIterable(deps.sodium, hashed(), {
      recipients,
      manifest: { ...manifest, size },
      ...(deps.cipherFactory ? { cipherFactory: deps.cipherFactory } : {}),
    });
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    for await (const piece of out) {
      envelopeHash.update(piece);
      envelopeBytes += piece.length;
      batch.push(piece);
      batchBytes += piece.length;
      if (batchBytes >= READ_BYTES) {
        await handle.writev(batch);
        batch = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0) await handle.writev(batch);
  } finally {
    await handle.close();
  }
  return {
    plaintext: { sha256: plainHash.digest('hex'), bytes: plainBytes },
    envelope: { sha256: envelopeHash.digest('hex'), bytes: envelopeBytes },
    path: outPath,
  };
}

export async function sealFile(
  deps: SealDeps,
  inPath: string,
  recipients: readonly Recipient[],
  manifest: Omit<ManifestInput, 'size'>,
  outPath: string,
): Promise<Sealed> {
  const { size } = await stat(inPath);
  const source = createReadStream(inPath, { highWaterMark: READ_BYTES }) as AsyncIterable<Uint8Array>;
  return sealStream(deps, source, size, recipients, manifest, outPath);
}

export function sealBytes(
  deps: SealDeps,
  bytes: Uint8Array,
  recipients: readonly Recipient[],
  manifest: Omit<ManifestInput, 'size'>,
  outPath: string,
): Promise<Sealed> {
  async function* once(): AsyncGenerator<Uint8Array> {
    yield bytes;
  }
  return sealStream(deps, once(), bytes.length, recipients, manifest, outPath);
}
