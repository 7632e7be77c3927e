// Encryption: build the header and manifest once, then encrypt chunks, each a pure function of
// (payload key, index, plaintext size, plaintext chunk), so an interrupted upload can resume anywhere.
import { concatBytes, equalBytes, toHex } from '../bytes.js';
import { fingerprint } from '../fingerprint.js';
import type { Sodium } from '../sodium.js';
import { type ChunkCipher, type ChunkCipherFactory, sodiumCipherFactory } from './cipher.js';
import {
  CHUNK_SIZE,
  FILE_KEY_BYTES,
  HEADER_NONCE_BYTES,
  MAX_RECIPIENTS,
  MIN_RECIPIENTS,
  STANZA_X25519,
} from './constants.js';
import { InvalidEnvelopeArgumentError, SizeMismatchError } from './errors.js';
import { encodeHeaderBeforeMac, parseHeader, type Stanza } from './header.js';
import { headerMac, payloadKey } from './keys.js';
import { chunkCount, chunkOffset, chunkPlaintextRange, envelopeLength } from './layout.js';
import { decodeManifest, encodeManifest, type Manifest, type ManifestInput } from './manifest.js';
import { chunkNonce, manifestNonce } from './nonce.js';
import { sealToRecipient } from './seal.js';

export interface Recipient {
  x25519PublicKey: Uint8Array;
}

export interface EncryptOptions {
  recipients: readonly Recipient[];
  manifest: ManifestInput;
  /** Pad the manifest to this many bytes (multiple of 256) instead of the smallest that fits. */
  manifestPaddedLength?: number;
  /** Randomness source; defaults to libsodium's randombytes_buf. Injected only for test vectors. */
  random?: (n: number) => Uint8Array;
  /** AEAD implementation; defaults to libsodium. Node may pass the byte-identical native one. */
  cipherFactory?: ChunkCipherFactory;
}

/**
 * Everything needed to produce any part of one envelope. Persist `fileKey`, `header` and `manifest`
 * (all small) to resume later with `restoreEnvelope`; the file key is secret.
 */
export interface EnvelopePlan {
  fileKey: Uint8Array;
  header: Uint8Array;
  manifest: Manifest;
  /** Encrypted manifest (padded length + 16 bytes); deterministic given the keys and manifest. */
  manifestSection: Uint8Array;
  size: number;
  chunkCount: number;
  recipientCount: number;
  manifestPaddedLength: number;
  /** Total envelope length in bytes. */
  length: number;
  cipher: ChunkCipher;
}

function defaultRandom(sodium: Sodium): (n: number) => Uint8Array {
  return (n) => sodium.randombytes_buf(n);
}

function buildPlan(
  sodium: Sodium,
  fileKey: Uint8Array,
  header: Uint8Array,
  manifestPadded: Uint8Array,
  manifest: Manifest,
  recipientCount: number,
  cipherFactory: ChunkCipherFactory | undefined,
): EnvelopePlan {
  const cipher = (cipherFactory ?? sodiumCipherFactory(sodium))(payloadKey(sodium, fileKey, header));
  const manifestSection = cipher.seal(manifestNonce(), manifestPadded);
  const shape = { size: manifest.size, recipientCount, manifestPaddedLength: manifestPadded.length };
  return {
    fileKey,
    header,
    manifest,
    manifestSection,
    size: manifest.size,
    chunkCount: chunkCount(manifest.size),
    recipientCount,
    manifestPaddedLength: manifestPadded.length,
    length: envelopeLength(shape),
    cipher,
  };
}

/** Draws the file key, header nonce and ephemeral keys, and builds the header and encrypted manifest. */
export function createEnvelope(sodium: Sodium, options: EncryptOptions): EnvelopePlan {
  const { recipients } = options;
  if (recipients.length < MIN_RECIPIENTS || recipients.length > MAX_RECIPIENTS) {
    throw new InvalidEnvelopeArgumentError('recipient count out of range');
  }
  const manifestPadded = encodeManifest(options.manifest, options.manifestPaddedLength);
  const random = options.random ?? defaultRandom(sodium);
  const fileKey = random(FILE_KEY_BYTES);
  const headerNonce = random(HEADER_NONCE_BYTES);
  if (fileKey.length !== FILE_KEY_BYTES || headerNonce.length !== HEADER_NONCE_BYTES) {
    throw new InvalidEnvelopeArgumentError('random source returned the wrong length');
  }
  const seen = new Set<string>();
  const stanzas: Stanza[] = recipients.map((recipient) => {
    if (recipient.x25519PublicKey.length !== sodium.crypto_box_PUBLICKEYBYTES) {
      throw new InvalidEnvelopeArgumentError('recipient public key length');
    }
    const fp = fingerprint(sodium, recipient.x25519PublicKey);
    if (seen.has(toHex(fp))) throw new InvalidEnvelopeArgumentError('duplicate recipient');
    seen.add(toHex(fp));
    const seed = random(sodium.crypto_box_SEEDBYTES);
    return {
      type: STANZA_X25519,
      fingerprint: fp,
      sealedKey: sealToRecipient(sodium, fileKey, recipient.x25519PublicKey, seed),
    };
  });
  const beforeMac = encodeHeaderBeforeMac(headerNonce, manifestPadded.length, stanzas);
  const header = concatBytes(beforeMac, headerMac(sodium, fileKey, beforeMac));
  const manifest = decodeManifest(manifestPadded);
  return buildPlan(sodium, fileKey, header, manifestPadded, manifest, stanzas.length, options.cipherFactory);
}

/** Rebuilds a plan from what a producer persisted (file key, header, manifest), checking they belong together. */
export function restoreEnvelope(
  sodium: Sodium,
  saved: { fileKey: Uint8Array; header: Uint8Array; manifest: Manifest },
  cipherFactory?: ChunkCipherFactory,
): EnvelopePlan {
  const parsed = parseHeader(saved.header);
  if (!equalBytes(headerMac(sodium, saved.fileKey, parsed.beforeMac), parsed.mac)) {
    throw new InvalidEnvelopeArgumentError('file key does not match header');
  }
  const manifestPadded = encodeManifest(saved.manifest, parsed.manifestPaddedLength);
  return buildPlan(
    sodium,
    saved.fileKey,
    parsed.bytes,
    manifestPadded,
    decodeManifest(manifestPadded),
    parsed.stanzas.length,
    cipherFactory,
  );
}

/** Encrypts payload chunk `index` (plaintext bytes [index*65536, …) of the file); returns its envelope bytes. */
export function encryptChunk(plan: EnvelopePlan, index: number, plaintext: Uint8Array): Uint8Array {
  const { start, end } = chunkPlaintextRange(plan.size, index);
  if (plaintext.length !== end - start) throw new SizeMismatchError();
  return plan.cipher.seal(chunkNonce(index, index === plan.chunkCount - 1), plaintext);
}

/** Byte offset of chunk `index` in the envelope (where a resumed upload continues). */
export function planChunkOffset(plan: EnvelopePlan, index: number): number {
  return chunkOffset(
    { size: plan.size, recipientCount: plan.recipientCount, manifestPaddedLength: plan.manifestPaddedLength },
    index,
  );
}

/**
 * Push-style encryptor: feed plaintext in pieces of any size, get envelope bytes out.
 * Memory: one 64 KiB chunk buffer, whatever the file size.
 */
export class Encryptor {
  readonly plan: EnvelopePlan;
  private readonly buffer = new Uint8Array(CHUNK_SIZE);
  private filled = 0;
  private index = 0;
  private started = false;
  private finished = false;

  constructor(plan: EnvelopePlan) {
    this.plan = plan;
  }

  /** Returns the envelope bytes that are ready (header and manifest first, then whole chunks). */
  push(plaintext: Uint8Array): Uint8Array[] {
    if (this.finished) throw new SizeMismatchError();
    const out = this.start();
    let offset = 0;
    while (offset < plaintext.length) {
      if (this.index >= this.plan.chunkCount) throw new SizeMismatchError();
      const expected = chunkPlaintextRange(this.plan.size, this.index);
      const want = expected.end - expected.start;
      const take = Math.min(want - this.filled, plaintext.length - offset);
      if (take <= 0) throw new SizeMismatchError();
      this.buffer.set(plaintext.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === want) {
        out.push(encryptChunk(this.plan, this.index, this.buffer.subarray(0, want)));
        this.index++;
        this.filled = 0;
      }
    }
    return out;
  }

  /** Call at end of input; throws SizeMismatchError if it was shorter than the manifest's size. */
  finish(): Uint8Array[] {
    const out = this.start();
    if (this.plan.size === 0 && this.index === 0) {
      out.push(encryptChunk(this.plan, 0, new Uint8Array(0)));
      this.index = 1;
    }
    if (this.index !== this.plan.chunkCount) throw new SizeMismatchError();
    this.finished = true;
    this.buffer.fill(0);
    return out;
  }

  private start(): Uint8Array[] {
    if (this.started) return [];
    this.started = true;
    return [this.plan.header, this.plan.manifestSection];
  }
}
