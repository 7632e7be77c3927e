// File-key wrapping: libsodium's crypto_box_seal, written out so the ephemeral key can come from an
// injected seed (known-answer vectors). Output opens with the standard crypto_box_seal_open.
import { concatBytes } from '../bytes.js';
import type { Sodium } from '../sodium.js';

export function sealToRecipient(
  sodium: Sodium,
  message: Uint8Array,
  recipientPublicKey: Uint8Array,
  ephemeralSeed: Uint8Array,
): Uint8Array {
  const eph = sodium.crypto_box_seed_keypair(ephemeralSeed);
  const nonce = sodium.crypto_generichash(24, concatBytes(eph.publicKey, recipientPublicKey), null);
  const box = sodium.crypto_box_easy(message, nonce, recipientPublicKey, eph.privateKey);
  eph.privateKey.fill(0);
  return concatBytes(eph.publicKey, box);
}

/** Returns the message, or null when the box is not for this key pair or was altered. */
export function openSealed(
  sodium: Sodium,
  sealed: Uint8Array,
  publicKey: Uint8Array,
  secretKey: Uint8Array,
): Uint8Array | null {
  try {
    return sodium.crypto_box_seal_open(sealed, publicKey, secretKey);
  } catch {
    return null;
  }
}
