// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures (type 0x01).
//
//   <text ending in "\n">
//   <empty line>
//   — <key name> <base64(4-byte key ID || 64-byte Ed25519 signature over the text)>
//
// key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]

import { fromBase64, toBase64 } from '../base64.js';
import { concatBytes, equalBytes, utf8 } from '../bytes.js';
import { sha256 } from '../sha256.js';
import type { Sodium } from '../sodium.js';

export type NoteErrorCode = 'NOTE_MALFORMED' | 'NOTE_BAD_SIGNATURE' | 'NOTE_UNVERIFIED' | 'NOTE_BAD_KEY';

export class NoteError extends Error {
  readonly code: NoteErrorCode;
  constructor(code: NoteErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'NoteError';
  }
}

export const ED25519_SIGNATURE_TYPE = 0x01;
/** Verifiers must accept at least 16 signatures; beyond this many the note is rejected. */
export const MAX_SIGNATURES = 64;
/** Upper bound on a whole note, far above any checkpoint. */
export const MAX_NOTE_BYTES = 64 * 1024;

const SIGNATURE_PREFIX = '\u2014 ';

export interface NoteSignature {
  name: string;
  keyId: Uint8Array; // 4 bytes
  signature: Uint8Array; // the rest
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

export interface NoteSigner {
  name: string;
  /** libsodium Ed25519 secret key (64 bytes: seed || public key). */
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface NoteVerifier {
  name: string;
  publicKey: Uint8Array;
}

export function assertKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || hasControl(name)) {
    throw new NoteError('NOTE_BAD_KEY', 'key name must be non-empty, without spaces or plus signs');
  }
}

/** The 4-byte key ID of an Ed25519 key under a name. */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  assertKeyName(name);
  if (publicKey.length !== 32) throw new NoteError('NOTE_BAD_KEY', 'Ed25519 public key must be 32 bytes');
  return sha256(utf8(name), new Uint8Array([0x0a, ED25519_SIGNATURE_TYPE]), publicKey).slice(0, 4);
}

/** Signs `text` (which must end in a newline) and returns the full signed note. */
export function signNote(sodium: Sodium, text: string, signer: NoteSigner): string {
  assertText(text);
  if (signer.secretKey.length !== 64)
    throw new NoteError('NOTE_BAD_KEY', 'Ed25519 secret key must be 64 bytes');
  if (!equalBytes(signer.secretKey.subarray(32), signer.publicKey)) {
    throw new NoteError('NOTE_BAD_KEY', 'secret key does not match the public key');
  }
  const keyId = noteKeyId(signer.name, signer.publicKey);
  const signature = sodium.crypto_sign_detached(utf8(text), signer.secretKey);
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${toBase64(concatBytes(keyId, signature))}\n`;
}

/** Splits a note into text and signature lines; checks syntax only, verifies nothing. */
export function parseNote(note: string): ParsedNote {
  if (utf8(note).length > MAX_NOTE_BYTES) throw new NoteError('NOTE_MALFORMED', 'note is too large');
  if (hasControl(note.replaceAll('\n', '')))
    throw new NoteError('NOTE_MALFORMED', 'note contains control characters');
  if (!note.endsWith('\n')) throw new NoteError('NOTE_MALFORMED', 'note does not end in a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('NOTE_MALFORMED', 'note has no signature block');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('NOTE_MALFORMED', 'note has too many signatures');
  const signatures = lines.map(parseSignatureLine);
  return { text, signatures };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('NOTE_MALFORMED', 'malformed signature line');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space <= 0) throw new NoteError('NOTE_MALFORMED', 'malformed signature line');
  const name = rest.slice(0, space);
  const encoded = rest.slice(space + 1);
  try {
    assertKeyName(name);
  } catch {
    throw new NoteError('NOTE_MALFORMED', 'malformed key name in signature line');
  }
  let blob: Uint8Array;
  try {
    blob = fromBase64(encoded);
  } catch {
    throw new NoteError('NOTE_MALFORMED', 'malformed signature encoding');
  }
  if (blob.length < 5) throw new NoteError('NOTE_MALFORMED', 'signature is too short');
  return { name, keyId: blob.slice(0, 4), signature: blob.slice(4) };
}

/**
 * Verifies a signed note against one trusted Ed25519 key and returns its text. Signatures from
 * other keys (different name or key ID) are ignored, as the spec requires; a signature that claims
 * the trusted key but fails to verify rejects the whole note; at least one must verify.
 */
export function verifyNote(sodium: Sodium, note: string, verifier: NoteVerifier): string {
  const keyId = noteKeyId(verifier.name, verifier.publicKey);
  const parsed = parseNote(note);
  const message = utf8(parsed.text);
  let verified = false;
  for (const sig of parsed.signatures) {
    if (sig.name !== verifier.name || !equalBytes(sig.keyId, keyId)) continue;
    const ok =
      sig.signature.length === 64 &&
      sodium.crypto_sign_verify_detached(sig.signature, message, verifier.publicKey);
    if (!ok) throw new NoteError('NOTE_BAD_SIGNATURE', 'a signature by the trusted key does not verify');
    verified = true;
  }
  if (!verified) throw new NoteError('NOTE_UNVERIFIED', 'note is not signed by the trusted key');
  return parsed.text;
}

function assertText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('NOTE_MALFORMED', 'note text must end in a newline');
  if (hasControl(text.replaceAll('\n', '')))
    throw new NoteError('NOTE_MALFORMED', 'note text contains control characters');
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}
