// The AEAD the envelope uses for its manifest and chunks: XChaCha20-Poly1305-IETF, no associated data.
// An interface so that Node can plug in a byte-identical native implementation (runtime/aead-node.ts).
import type { Sodium } from '../sodium.js';

export interface ChunkCipher {
  /** Returns ciphertext || 16-byte tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Returns the plaintext, or null if authentication fails. */
  open(nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

/** Builds a cipher bound to one 32-byte key. */
export type ChunkCipherFactory = (key: Uint8Array) => ChunkCipher;

export function sodiumCipherFactory(sodium: Sodium): ChunkCipherFactory {
  return (key) => {
    const k = key.slice();
    return {
      seal: (nonce, plaintext) =>
        sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, null, null, nonce, k),
      open: (nonce, ciphertext) => {
        try {
          return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, null, nonce, k);
        } catch {
          return null;
        }
      },
    };
  };
}
