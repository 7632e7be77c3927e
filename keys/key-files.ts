// The organisation's secret key files (org.key, intake.key, log.key): small versioned JSON, e.g.
//   { "version": 1, "kind": "kua-org-root-signing-key", "algorithm": "ed25519",
//     "publicKey": base64(32), "secretKey": base64(32), "createdAt": ISO 8601 }
// secretKey is the 32-byte Ed25519 seed or the 32-byte X25519 secret scalar; loading derives the
// public key again and refuses a file whose publicKey does not match.
import { Base64Error, fromBase64, toBase64 } from '../core/base64.js';
import { equalBytes } from '../core/bytes.js';
import type { Sodium } from '../core/sodium.js';
import { KuaError } from './errors.js';

export const KEY_KINDS = {
  org: { kind: 'kua-org-root-signing-key', algorithm: 'ed25519' },
  intake: { kind: 'kua-intake-key', algorithm: 'x25519' },
  log: { kind: 'kua-log-signing-key', algorithm: 'ed25519' },
} as const;

export type KeyRole = keyof typeof KEY_KINDS;

export interface KeyPair {
  readonly publicKey: Uint8Array;
  /** libsodium's form: 64 bytes (seed || public key) for Ed25519, 32 bytes for X25519. */
  readonly secretKey: Uint8Array;
}

export class KeyFileError extends KuaError {
  constructor(detail: string) {
    super('KEY_FILE_INVALID', `invalid key file: ${detail}`);
  }
}

function derive(sodium: Sodium, role: KeyRole, secret: Uint8Array): KeyPair {
  if (KEY_KINDS[role].algorithm === 'ed25519') {
    const pair = sodium.crypto_sign_seed_keypair(secret);
    return { publicKey: pair.publicKey, secretKey: pair.privateKey };
  }
  return { publicKey: sodium.crypto_scalarmult_base(secret), secretKey: secret };
}

export function generateKeyFile(
  sodium: Sodium,
  role: KeyRole,
  now: Date,
): { text: string; keyPair: KeyPair } {
  const secret = sodium.randombytes_buf(32);
  const keyPair = derive(sodium, role, secret);
  const json = {
    version: 1,
    ...KEY_KINDS[role],
    publicKey: toBase64(keyPair.publicKey),
    secretKey: toBase64(secret),
    createdAt: now.toISOString(),
  };
  return { text: `${JSON.stringify(json, null, 2)}\n`, keyPair };
}

export function parseKeyFile(sodium: Sodium, role: KeyRole, text: string): KeyPair {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyFileError('not valid JSON');
  }
  const value = json as Record<string, unknown>;
  if (typeof json !== 'object' || json === null) throw new KeyFileError('not a JSON object');
  if (value.version !== 1) throw new KeyFileError('unsupported version');
  if (value.kind !== KEY_KINDS[role].kind || value.algorithm !== KEY_KINDS[role].algorithm) {
    throw new KeyFileError(`not a ${KEY_KINDS[role].kind} file`);
  }
  let publicKey: Uint8Array;
  let secret: Uint8Array;
  try {
    publicKey = fromBase64(String(value.publicKey));
    secret = fromBase64(String(value.secretKey));
  } catch (error) {
    if (error instanceof Base64Error) throw new KeyFileError('key is not valid base64');
    throw error;
  }
  if (secret.length !== 32 || publicKey.length !== 32) throw new KeyFileError('wrong key length');
  const keyPair = derive(sodium, role, secret);
  if (!equalBytes(keyPair.publicKey, publicKey))
    throw new KeyFileError('public key does not match secret key');
  return keyPair;
}
