// Step 1: stream one intake envelope through the decryptor into a scratch file. On the way it hashes
// the ciphertext (what the portal received) and computes a SALTED commitment to the plaintext, never a
// plain hash of the original (whoever holds the witness's phone could look a plain hash up).
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ChunkCipherFactory, Identity, Manifest } from '../core/envelope/index.js';
import { Decryptor, decryptIterable, EnvelopeError } from '../core/envelope/index.js';
import type { Sodium } from '../core/sodium.js';
import { KuaError } from '../runtime/errors.js';
import { IntakeUnreadableError } from './errors.js';

const WRITE_BATCH_BYTES = 512 * 1024;

export interface Digest {
  sha256: string;
  bytes: number;
}

export interface DecryptedFile {
  manifest: Manifest;
  /** The intake envelope as received (ciphertext). */
  intake: Digest;
  /** Plaintext size, the commitment SHA-256(salt || plaintext) and its 32-byte salt (hex). */
  original: { bytes: number; commitment: string; salt: string };
}

export interface DecryptDeps {
  sodium: Sodium;
  identity: Identity;
  cipherFactory?: ChunkCipherFactory;
}

/** Errors that say "these bytes will never decrypt": the job cannot succeed by retrying. */
function unreadable(error: unknown): never {
  if (error instanceof EnvelopeError) throw new IntakeUnreadableError(error.code, { cause: error });
  if (
    error instanceof KuaError &&
    (error.code === 'INTAKE_PART_MISSING' || error.code === 'BLOB_NOT_FOUND')
  ) {
    throw new IntakeUnreadableError(error.code, { cause: error });
  }
  throw error;
}

export async function decryptToFile(
  deps: DecryptDeps,
  source: AsyncIterable<Uint8Array>,
  outPath: string,
): Promise<DecryptedFile> {
  const intakeHash = createHash('sha256');
  let intakeBytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const piece of source) {
      intakeHash.update(piece);
      intakeBytes += piece.length;
      yield piece;
    }
  }
  const salt = randomBytes(32);
  const commitment = createHash('sha256').update(salt);
  let bytes = 0;
  let manifest: Manifest | undefined;
  const handle = await open(outPath, 'wx', 0o600);
  try {
    const plaintext = decryptIterable(deps.sodium, counted(), deps.identity, {
      ...(deps.cipherFactory ? { cipherFactory: deps.cipherFactory } : {}),
      onManifest: (m) => {
        manifest = m;
      },
    });
    try {
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      for await (const piece of plaintext) {
        commitment.update(piece);
        bytes += piece.length;
        batch.push(piece);
        batchBytes += piece.length;
        if (batchBytes >= WRITE_BATCH_BYTES) {
          await handle.writev(batch);
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0) await handle.writev(batch);
    } catch (error) {
      unreadable(error);
    }
  } finally {
    await handle.close();
  }
  if (manifest === undefined) throw new IntakeUnreadableError('NO_MANIFEST');
  return {
    manifest,
    intake: { sha256: intakeHash.digest('hex'), bytes: intakeBytes },
    original: { bytes, commitment: commitment.digest('hex'), salt: salt.toString('hex') },
  };
}

/** Decrypts only as far as the manifest (the header and the first bytes), then stops reading. */
export async function readManifest(deps: DecryptDeps, source: AsyncIterable<Uint8Array>): Promise<Manifest> {
  const decryptor = new Decryptor(
    deps.sodium,
    deps.identity,
    deps.cipherFactory ? { cipherFactory: deps.cipherFactory } : {},
  );
  try {
    for await (const piece of source) {
      // Feed in small slices so no plaintext beyond the first chunk is produced.
      for (let at = 0; at < piece.length && decryptor.manifest === undefined; at += 4096) {
        decryptor.push(piece.subarray(at, at + 4096)).forEach((p) => {
          p.fill(0);
        });
      }
      if (decryptor.manifest !== undefined) return decryptor.manifest;
    }
    decryptor.finish();
  } catch (error) {
    unreadable(error);
  }
  if (decryptor.manifest === undefined) throw new IntakeUnreadableError('NO_MANIFEST');
  return decryptor.manifest;
}
