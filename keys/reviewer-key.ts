// A reviewer's key file: X25519 (decrypt envelopes) and Ed25519 (sign challenges) key pairs, the
// secret part encrypted under a passphrase. Format (JSON, documented in docs/KEYS.md):
//   { "version": 1, "kind": "kua-reviewer-secret-key", "identity": "kua1…",
//     "kdf": { "algorithm": "argon2id13", "salt": base64(16), "opslimit": n, "memlimit": n },
//     "cipher": "xchacha20poly1305-ietf", "nonce": base64(24), "ciphertext": base64(64 + 16) }
// key = Argon2id(NFC(passphrase), salt, opslimit, memlimit) (32 bytes);
// ciphertext = XChaCha20-Poly1305(key, nonce, plaintext = x25519SecretKey || ed25519Seed, aad);
// aad = "kua/v1 reviewer key\n" || identity || "\n" || "argon2id13" || "\n" || salt || "\n" ||
//       opslimit || "\n" || memlimit || "\n" || "xchacha20poly1305-ietf" (decimal numbers, UTF-8).
import { readFile } from 'node:fs/promises';
import { Base64Error, fromBase64, toBase64 } from '../core/base64.js';
import { equalBytes, utf8 } from '../core/bytes.js';
import { formatFingerprint } from '../core/fingerprint.js';
import {
  encodeIdentity,
  IdentityError,
  identityFingerprint,
  type PublicIdentity,
  parseIdentity,
} from '../core/identity.js';
import { readySodium, type Sodium } from '../core/sodium.js';
import { KuaError } from './errors.js';
import { limitsAcceptable, type PwhashLimits, readySumo, type Sumo } from './pwhash.js';

const KIND = 'kua-reviewer-secret-key';
const KDF = 'argon2id13';
const CIPHER = 'xchacha20poly1305-ietf';
const AAD_DOMAIN = 'kua/v1 reviewer key\n';

export interface ReviewerKeys {
  readonly identity: PublicIdentity;
  /** The kua1… string. */
  readonly identityString: string;
  /** fingerprint(x25519PublicKey), 16 bytes. */
  readonly fingerprint: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
  readonly x25519SecretKey: Uint8Array;
  readonly ed25519PublicKey: Uint8Array;
  /** libsodium's 64-byte Ed25519 secret key. */
  readonly ed25519SecretKey: Uint8Array;
}

export class WrongPassphraseError extends KuaError {
  constructor() {
    super('WRONG_PASSPHRASE', 'wrong passphrase (or the key file was altered)');
  }
}

export class ReviewerKeyFileError extends KuaError {
  constructor(detail: string) {
    super('REVIEWER_KEY_INVALID', `invalid reviewer key file: ${detail}`);
  }
}

function aad(identity: string, salt: string, limits: PwhashLimits): Uint8Array {
  return utf8(`${AAD_DOMAIN}${identity}\n${KDF}\n${salt}\n${limits.opslimit}\n${limits.memlimit}\n${CIPHER}`);
}

function passphraseBytes(passphrase: string): Uint8Array {
  if (passphrase.length === 0) throw new KuaError('PASSPHRASE_EMPTY', 'the passphrase is empty');
  return utf8(passphrase.normalize('NFC'));
}

function deriveKey(sumo: Sumo, passphrase: string, salt: Uint8Array, limits: PwhashLimits): Uint8Array {
  const password = passphraseBytes(passphrase);
  try {
    return sumo.crypto_pwhash(
      32,
      password,
      salt,
      limits.opslimit,
      limits.memlimit,
      sumo.crypto_pwhash_ALG_ARGON2ID13,
    );
  } finally {
    sumo.memzero(password);
  }
}

function keysFromSecrets(
  sodium: Sodium,
  secrets: Uint8Array,
): Omit<ReviewerKeys, 'identityString' | 'fingerprint'> {
  const x25519SecretKey = secrets.slice(0, 32);
  const signing = sodium.crypto_sign_seed_keypair(secrets.subarray(32, 64));
  const x25519PublicKey = sodium.crypto_scalarmult_base(x25519SecretKey);
  return {
    identity: { x25519PublicKey, ed25519PublicKey: signing.publicKey },
    x25519PublicKey,
    x25519SecretKey,
    ed25519PublicKey: signing.publicKey,
    ed25519SecretKey: signing.privateKey,
  };
}

/** Generates a reviewer's keys and returns the encrypted key file text and the public identity. */
export function createReviewerKeyFile(
  sodium: Sodium,
  sumo: Sumo,
  passphrase: string,
  limits: PwhashLimits,
): { text: string; identityString: string; fingerprint: string } {
  if (!limitsAcceptable(limits)) throw new KuaError('PWHASH_LIMITS_INVALID', 'Argon2id limits out of range');
  const secrets = sodium.randombytes_buf(64);
  const keys = keysFromSecrets(sodium, secrets);
  const identityString = encodeIdentity(sodium, keys.identity);
  const salt = sodium.randombytes_buf(sumo.crypto_pwhash_SALTBYTES);
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const saltText = toBase64(salt);
  const key = deriveKey(sumo, passphrase, salt, limits);
  try {
    const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      secrets,
      aad(identityString, saltText, limits),
      null,
      nonce,
      key,
    );
    const json = {
      version: 1,
      kind: KIND,
      identity: identityString,
      kdf: { algorithm: KDF, salt: saltText, opslimit: limits.opslimit, memlimit: limits.memlimit },
      cipher: CIPHER,
      nonce: toBase64(nonce),
      ciphertext: toBase64(ciphertext),
    };
    return {
      text: `${JSON.stringify(json, null, 2)}\n`,
      identityString,
      fingerprint: formatFingerprint(identityFingerprint(sodium, keys.identity)),
    };
  } finally {
    sodium.memzero(key);
    sodium.memzero(secrets);
    sodium.memzero(keys.x25519SecretKey);
    sodium.memzero(keys.ed25519SecretKey);
  }
}

interface ParsedKeyFile {
  identityString: string;
  identity: PublicIdentity;
  saltText: string;
  salt: Uint8Array;
  limits: PwhashLimits;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

function parseKeyFile(sodium: Sodium, text: string): ParsedKeyFile {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ReviewerKeyFileError('not valid JSON');
  }
  if (typeof value !== 'object' || value === null) throw new ReviewerKeyFileError('not a JSON object');
  if (value.kind !== KIND) throw new ReviewerKeyFileError('not a kua reviewer key file');
  if (value.version !== 1) throw new ReviewerKeyFileError('unsupported version');
  const kdf = value.kdf as Record<string, unknown> | null;
  if (typeof kdf !== 'object' || kdf === null || kdf.algorithm !== KDF || value.cipher !== CIPHER) {
    throw new ReviewerKeyFileError('unsupported algorithm');
  }
  const limits = { opslimit: Number(kdf.opslimit), memlimit: Number(kdf.memlimit) };
  if (typeof kdf.opslimit !== 'number' || typeof kdf.memlimit !== 'number' || !limitsAcceptable(limits)) {
    throw new ReviewerKeyFileError('Argon2id limits out of the accepted range (altered file?)');
  }
  try {
    const identityString = String(value.identity);
    const parsed: ParsedKeyFile = {
      identityString,
      identity: parseIdentity(sodium, identityString),
      saltText: String(kdf.salt),
      salt: fromBase64(String(kdf.salt)),
      limits,
      nonce: fromBase64(String(value.nonce)),
      ciphertext: fromBase64(String(value.ciphertext)),
    };
    if (
      parsed.salt.length !== 16 ||
      parsed.nonce.length !== sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      parsed.ciphertext.length !== 64 + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
    ) {
      throw new ReviewerKeyFileError('wrong field length');
    }
    return parsed;
  } catch (error) {
    if (error instanceof Base64Error) throw new ReviewerKeyFileError('a field is not valid base64');
    if (error instanceof IdentityError) throw new ReviewerKeyFileError('identity is malformed');
    throw error;
  }
}

/** The public identity recorded in a key file (no passphrase needed; not authenticated until opened). */
export function readReviewerIdentity(sodium: Sodium, text: string): string {
  return parseKeyFile(sodium, text).identityString;
}

/** Decrypts a reviewer key file. Throws WrongPassphraseError or ReviewerKeyFileError. */
export function openReviewerKeyFile(
  sodium: Sodium,
  sumo: Sumo,
  text: string,
  passphrase: string,
): ReviewerKeys {
  const file = parseKeyFile(sodium, text);
  const key = deriveKey(sumo, passphrase, file.salt, file.limits);
  let secrets: Uint8Array;
  try {
    secrets = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      file.ciphertext,
      aad(file.identityString, file.saltText, file.limits),
      file.nonce,
      key,
    );
  } catch {
    throw new WrongPassphraseError();
  } finally {
    sodium.memzero(key);
  }
  const keys = keysFromSecrets(sodium, secrets);
  sodium.memzero(secrets);
  const matches =
    equalBytes(keys.x25519PublicKey, file.identity.x25519PublicKey) &&
    equalBytes(keys.ed25519PublicKey, file.identity.ed25519PublicKey);
  if (!matches) throw new ReviewerKeyFileError('secret keys do not match the identity');
  return {
    ...keys,
    identityString: file.identityString,
    fingerprint: identityFingerprint(sodium, keys.identity),
  };
}

/** Reads and decrypts a reviewer key file from disk (used by kua pull / decrypt). */
export async function loadReviewerKeyFile(file: string, passphrase: string): Promise<ReviewerKeys> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KuaError('KEY_FILE_NOT_FOUND', 'reviewer key file not found');
    if (code === 'EACCES') throw new KuaError('KEY_FILE_UNREADABLE', 'reviewer key file is not readable');
    throw error;
  }
  return openReviewerKeyFile(await readySodium(), await readySumo(), text, passphrase);
}
