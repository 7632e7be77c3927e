// Decryption: parse the header as bytes arrive, unwrap the file key, check the header MAC, decrypt the
// manifest, then each chunk at its known index and length. Memory: one chunk plus the header.
import { equalBytes } from '../bytes.js';
import { fingerprint } from '../fingerprint.js';
import type { Sodium } from '../sodium.js';
import { ByteQueue } from './byte-queue.js';
import { type ChunkCipher, type ChunkCipherFactory, sodiumCipherFactory } from './cipher.js';
import { FILE_KEY_BYTES, FIXED_HEADER_BYTES, TAG_BYTES } from './constants.js';
import {
  ChunkAuthenticationError,
  DecryptionError,
  ManifestAuthenticationError,
  TrailingDataError,
  TruncatedError,
} from './errors.js';
import { announcedHeaderLength, checkHeaderPrefix, type Header, parseHeader } from './header.js';
import { headerMac, payloadKey } from './keys.js';
import { chunkCount, chunkPlaintextRange } from './layout.js';
import { decodeManifest, type Manifest } from './manifest.js';
import { chunkNonce, manifestNonce } from './nonce.js';
import { openSealed } from './seal.js';

export interface Identity {
  x25519PublicKey: Uint8Array;
  x25519SecretKey: Uint8Array;
}

export interface DecryptOptions {
  cipherFactory?: ChunkCipherFactory;
}

/**
 * Finds this identity's stanza, unwraps the file key and checks the header MAC.
 * Any failure is the one DecryptionError: wrong key and forged header look the same.
 */
export function unwrapFileKey(sodium: Sodium, header: Header, identity: Identity): Uint8Array {
  const fp = fingerprint(sodium, identity.x25519PublicKey);
  for (const stanza of header.stanzas) {
    if (!equalBytes(stanza.fingerprint, fp)) continue;
    const fileKey = openSealed(sodium, stanza.sealedKey, identity.x25519PublicKey, identity.x25519SecretKey);
    if (fileKey === null || fileKey.length !== FILE_KEY_BYTES) break;
    if (equalBytes(headerMac(sodium, fileKey, header.beforeMac), header.mac)) return fileKey;
    fileKey.fill(0);
    break;
  }
  throw new DecryptionError();
}

type Phase = 'fixed' | 'header' | 'manifest' | 'chunks' | 'done';

/** Push-style decryptor: feed envelope bytes in pieces of any size, get plaintext pieces out. */
export class Decryptor {
  private readonly sodium: Sodium;
  private readonly identity: Identity;
  private readonly cipherFactory: ChunkCipherFactory;
  private readonly queue = new ByteQueue();
  private phase: Phase = 'fixed';
  private need = FIXED_HEADER_BYTES;
  private header: Header | undefined;
  private cipher: ChunkCipher | undefined;
  private index = 0;
  private count = 0;
  /** Set once the manifest has been decrypted and checked. */
  manifest: Manifest | undefined;

  constructor(sodium: Sodium, identity: Identity, options: DecryptOptions = {}) {
    this.sodium = sodium;
    this.identity = identity;
    this.cipherFactory = options.cipherFactory ?? sodiumCipherFactory(sodium);
  }

  push(bytes: Uint8Array): Uint8Array[] {
    if (this.phase === 'done') {
      if (bytes.length > 0) throw new TrailingDataError();
      return [];
    }
    this.queue.push(bytes);
    if (this.phase === 'fixed') checkHeaderPrefix(this.queue.peek(FIXED_HEADER_BYTES));
    const out: Uint8Array[] = [];
    while (!this.done()) {
      if (this.phase === 'fixed') {
        if (this.queue.length < FIXED_HEADER_BYTES) break;
        this.need = announcedHeaderLength(this.queue.peek(FIXED_HEADER_BYTES));
        this.phase = 'header';
      }
      if (this.queue.length < this.need) break;
      this.step(this.queue.take(this.need), out);
    }
    if (this.done() && this.queue.length > 0) throw new TrailingDataError();
    return out;
  }

  private done(): boolean {
    return this.phase === 'done';
  }

  /** Call at end of input: throws TruncatedError unless the last chunk was seen. */
  finish(): Uint8Array[] {
    if (this.phase !== 'done') throw new TruncatedError();
    return [];
  }

  private step(piece: Uint8Array, out: Uint8Array[]): void {
    switch (this.phase) {
      case 'header': {
        const header = parseHeader(piece);
        const fileKey = unwrapFileKey(this.sodium, header, this.identity);
        this.cipher = this.cipherFactory(payloadKey(this.sodium, fileKey, header.bytes));
        fileKey.fill(0);
        this.header = header;
        this.need = header.manifestPaddedLength + TAG_BYTES;
        this.phase = 'manifest';
        return;
      }
      case 'manifest': {
        const padded = this.cipher!.open(manifestNonce(), piece);
        if (padded === null) throw new ManifestAuthenticationError();
        this.manifest = decodeManifest(padded);
        this.count = chunkCount(this.manifest.size);
        this.index = 0;
        this.phase = 'chunks';
        this.need = this.chunkLength(0);
        return;
      }
      case 'chunks': {
        const last = this.index === this.count - 1;
        const plaintext = this.cipher!.open(chunkNonce(this.index, last), piece);
        if (plaintext === null) throw new ChunkAuthenticationError(this.index);
        if (plaintext.length > 0) out.push(plaintext);
        this.index++;
        if (last) {
          this.phase = 'done';
          this.need = 0;
        } else {
          this.need = this.chunkLength(this.index);
        }
        return;
      }
      default:
        return;
    }
  }

  private chunkLength(index: number): number {
    const { start, end } = chunkPlaintextRange(this.manifest!.size, index);
    return end - start + TAG_BYTES;
  }

  /** The parsed header, once it has been authenticated. */
  get authenticatedHeader(): Header | undefined {
    return this.phase === 'fixed' || this.phase === 'header' ? undefined : this.header;
  }
}
