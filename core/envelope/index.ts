// The envelope format (docs/FORMAT.md): one implementation for browser, server, worker and `kua`.
// Every function takes the ready libsodium instance (core/sodium.ts readySodium()) as its first argument.

export { decryptBytes, encryptBytes } from './bytes-api.js';
export type { ChunkCipher, ChunkCipherFactory } from './cipher.js';
export { sodiumCipherFactory } from './cipher.js';
export {
  CHUNK_CIPHERTEXT_SIZE,
  CHUNK_SIZE,
  MAGIC,
  MAX_RECIPIENTS,
  VERSION,
} from './constants.js';
export type { DecryptOptions, Identity } from './decrypt.js';
export { Decryptor, unwrapFileKey } from './decrypt.js';
export type { EncryptOptions, EnvelopePlan, Recipient } from './encrypt.js';
export { createEnvelope, Encryptor, encryptChunk, planChunkOffset, restoreEnvelope } from './encrypt.js';
export {
  BadMagicError,
  ChunkAuthenticationError,
  DecryptionError,
  EnvelopeError,
  InvalidEnvelopeArgumentError,
  MalformedHeaderError,
  MalformedManifestError,
  ManifestAuthenticationError,
  SizeMismatchError,
  TrailingDataError,
  TruncatedError,
  UnsupportedVersionError,
} from './errors.js';
export type { Header, Stanza } from './header.js';
export { parseHeader } from './header.js';
export type { EnvelopeShape } from './layout.js';
export {
  chunkCount,
  chunkOffset,
  chunkPlaintextRange,
  envelopeLength,
  headerLength,
  manifestSectionLength,
} from './layout.js';
export type { Commitment, Manifest, ManifestInput } from './manifest.js';
export { decodeManifest, encodeManifest, manifestPaddedLengthFor } from './manifest.js';
export { chunkNonce, manifestNonce } from './nonce.js';
export { DecryptStream, decryptIterable, EncryptStream, encryptIterable } from './streams.js';
