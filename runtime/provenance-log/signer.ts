// Who signs the log's checkpoints and how a verifier names them: the origin line and key name
// (docs/LOG.md) and the log key pair. The adapter between the sequencer and core/merkle/checkpoint.
import { fingerprint } from '../../core/fingerprint.js';
import {
  type Checkpoint,
  formatCheckpoint,
  logOrigin,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from '../../core/merkle/index.js';
import type { Sodium } from '../../core/sodium.js';

export interface LogIdentity {
  /** The checkpoint origin line (docs/LOG.md). */
  origin: string;
  /** The signed-note key name of the log key (docs/LOG.md). */
  name: string;
  publicKey: Uint8Array;
}

export interface LogSigner extends LogIdentity {
  secretKey: Uint8Array;
}

/** This log's identity (docs/LOG.md): origin `kua/v1/<org key fingerprint>`, key name = origin. */
export function logIdentity(sodium: Sodium, orgPublicKey: Uint8Array, logPublicKey: Uint8Array): LogIdentity {
  const origin = logOrigin(fingerprint(sodium, orgPublicKey));
  return { origin, name: origin, publicKey: logPublicKey };
}

export function logSigner(
  sodium: Sodium,
  orgPublicKey: Uint8Array,
  log: { publicKey: Uint8Array; secretKey: Uint8Array },
): LogSigner {
  return { ...logIdentity(sodium, orgPublicKey, log.publicKey), secretKey: log.secretKey };
}

export function signTreeHead(sodium: Sodium, signer: LogSigner, size: number, rootHash: Uint8Array): string {
  const body = formatCheckpoint({ origin: signer.origin, size, rootHash });
  return signCheckpoint(sodium, body, {
    name: signer.name,
    secretKey: signer.secretKey,
    publicKey: signer.publicKey,
  });
}

/** Verifies a signed checkpoint note by this log; returns its tree size and root, or throws. */
export function verifyTreeHead(sodium: Sodium, identity: LogIdentity, note: string): Checkpoint {
  return verifyCheckpoint(sodium, note, {
    origin: identity.origin,
    name: identity.name,
    publicKey: identity.publicKey,
  });
}

/** The tree size and root of a checkpoint note we wrote ourselves, without checking the signature. */
export function readTreeHead(note: string): Checkpoint {
  const end = note.indexOf('\n\n');
  return parseCheckpoint(end < 0 ? note : note.slice(0, end + 1));
}
