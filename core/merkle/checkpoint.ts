// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): a signed note whose text is
//
//   <origin>\n<tree size, decimal, no leading zeros>\n<base64 root hash>\n[<extension line>\n]*

import { fromBase64, toBase64 } from '../base64.js';
import type { Sodium } from '../sodium.js';
import { HASH_LENGTH } from './hash.js';
import { type NoteSigner, signNote, verifyNote } from './note.js';

export type CheckpointErrorCode = 'CHECKPOINT_MALFORMED' | 'CHECKPOINT_WRONG_ORIGIN';

export class CheckpointError extends Error {
  readonly code: CheckpointErrorCode;
  constructor(code: CheckpointErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'CheckpointError';
  }
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Opaque extension lines (not recommended by the spec; Kuä writes none). */
  extensions?: string[];
}

export interface CheckpointVerifier {
  /** The origin line the checkpoint must carry. */
  origin: string;
  /** The signature key name (Kuä: the same as the origin). */
  name: string;
  publicKey: Uint8Array;
}

/** The checkpoint body (the note text), ending in a newline. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash } = checkpoint;
  if (origin.length === 0 || hasControl(origin)) {
    throw new CheckpointError('CHECKPOINT_MALFORMED', 'origin must be a non-empty line');
  }
  if (!Number.isSafeInteger(size) || size < 0)
    throw new CheckpointError('CHECKPOINT_MALFORMED', 'bad tree size');
  if (rootHash.length !== HASH_LENGTH)
    throw new CheckpointError('CHECKPOINT_MALFORMED', 'root hash must be 32 bytes');
  const extensions = checkpoint.extensions ?? [];
  for (const line of extensions) {
    if (line.length === 0 || hasControl(line)) {
      throw new CheckpointError('CHECKPOINT_MALFORMED', 'extension lines must be non-empty lines');
    }
  }
  return [origin, String(size), toBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses a checkpoint body (the note text, not the signed note). */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n'))
    throw new CheckpointError('CHECKPOINT_MALFORMED', 'checkpoint must end in a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((line) => line.length === 0)) {
    throw new CheckpointError('CHECKPOINT_MALFORMED', 'checkpoint needs at least three non-empty lines');
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new CheckpointError('CHECKPOINT_MALFORMED', 'bad tree size');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new CheckpointError('CHECKPOINT_MALFORMED', 'tree size too large');
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootText);
  } catch {
    throw new CheckpointError('CHECKPOINT_MALFORMED', 'bad root hash encoding');
  }
  if (rootHash.length !== HASH_LENGTH)
    throw new CheckpointError('CHECKPOINT_MALFORMED', 'root hash must be 32 bytes');
  const checkpoint: Checkpoint = { origin, size, rootHash };
  if (extensions.length > 0) checkpoint.extensions = extensions;
  return checkpoint;
}

/** Signs a checkpoint body with the log key and returns the signed note. */
export function signCheckpoint(sodium: Sodium, body: string, signer: NoteSigner): string {
  parseCheckpoint(body);
  return signNote(sodium, body, signer);
}

/**
 * Verifies a signed checkpoint: at least one valid signature by the trusted log key (others are
 * ignored), then a well-formed body with the expected origin. Throws NoteError or CheckpointError.
 */
export function verifyCheckpoint(sodium: Sodium, note: string, verifier: CheckpointVerifier): Checkpoint {
  const body = verifyNote(sodium, note, { name: verifier.name, publicKey: verifier.publicKey });
  const checkpoint = parseCheckpoint(body);
  if (checkpoint.origin !== verifier.origin) {
    throw new CheckpointError('CHECKPOINT_WRONG_ORIGIN', 'checkpoint is for another log');
  }
  return checkpoint;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}
