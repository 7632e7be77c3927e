// Local decryption of one envelope file, streamed: plaintext goes to a hidden temp name beside the
// target and is renamed only after the last chunk authenticated, so a half-decrypted file never
// carries the final name. Returns the manifest and the plaintext's SHA-256 and length.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { decryptIterable, EnvelopeError, type Identity, type Manifest } from '../../core/envelope/index.js';
import type { Sodium } from '../../core/sodium.js';
import { nodeCipherFactory } from '../../runtime/aead-node.js';
import { KuaError } from '../errors.js';

export class EnvelopeDecryptError extends KuaError {
  constructor() {
    super(
      'DECRYPT_FAILED',
      'the file could not be decrypted: it was altered, is not a Kuä envelope, or was not sealed to this key',
    );
  }
}

export interface Decrypted {
  manifest: Manifest;
  sha256: string;
  bytes: number;
}

const READ_BYTES = 256 * 1024;
const WRITE_BATCH = 1024 * 1024;

/** Decrypts `source` into a temp file, then calls `place(manifest)` for the final path and renames. */
export async function decryptFileTo(
  sodium: Sodium,
  identity: Identity,
  source: string,
  place: (manifest: Manifest) => Promise<string> | string,
): Promise<Decrypted & { path: string }> {
  let manifest: Manifest | undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  let target: string | undefined;
  let temp: string | undefined;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    const input = createReadStream(source, { highWaterMark: READ_BYTES }) as AsyncIterable<Uint8Array>;
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    const plain = decryptIterable(sodium, input, identity, {
      cipherFactory: nodeCipherFactory,
      onManifest: (m) => {
        manifest = m;
      },
    });
    for await (const piece of plain) {
      if (handle === undefined) {
        target = await place(manifest!);
        temp = path.join(path.dirname(target), `.${randomBytes(8).toString('hex')}.partial`);
        handle = await open(temp, 'wx', 0o600);
      }
      hash.update(piece);
      bytes += piece.length;
      batch.push(piece);
      batchBytes += piece.length;
      if (batchBytes >= WRITE_BATCH) {
        await handle.writev(batch);
        batch = [];
        batchBytes = 0;
      }
    }
    if (manifest === undefined) throw new EnvelopeDecryptError();
    if (handle === undefined) {
      // An empty plaintext: nothing was yielded, but the envelope authenticated.
      target = await place(manifest);
      temp = path.join(path.dirname(target), `.${randomBytes(8).toString('hex')}.partial`);
      handle = await open(temp, 'wx', 0o600);
    }
    if (batch.length > 0) await handle.writev(batch);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp!, target!);
    temp = undefined;
    return { manifest, sha256: hash.digest('hex'), bytes, path: target! };
  } catch (error) {
    if (error instanceof EnvelopeError) throw new EnvelopeDecryptError();
    throw error;
  } finally {
    await handle?.close().catch(() => {});
    if (temp !== undefined) await rm(temp, { force: true });
  }
}

/** SHA-256 and length of a file, streamed. */
export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of createReadStream(file, {
    highWaterMark: READ_BYTES,
  }) as AsyncIterable<Uint8Array>) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** hex SHA-256(salt || file): the salted commitment a record makes to an original. */
export async function saltedHash(file: string, saltHex: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(Buffer.from(saltHex, 'hex'));
  for await (const piece of createReadStream(file, {
    highWaterMark: READ_BYTES,
  }) as AsyncIterable<Uint8Array>) {
    hash.update(piece);
  }
  return hash.digest('hex');
}
