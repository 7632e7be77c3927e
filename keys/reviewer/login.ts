// The reviewer login proof (Reviewer API v1, core/contracts/reviewer.ts): an Ed25519 detached signature
// over loginMessage(nonce) = UTF-8("kua/v1 reviewer login\n") || nonce, with the reviewer's signing key.
import { loginMessage } from '../../core/contracts/reviewer.js';
import type { Sodium } from '../../core/sodium.js';

export function signLogin(sodium: Sodium, nonce: Uint8Array, ed25519SecretKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(loginMessage(nonce), ed25519SecretKey);
}
