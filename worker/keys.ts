// The worker's keys: the intake secret key (to open what witnesses sent), the log signing key (to sign
// provenance records) and the org public key (to check the roster), all checked against public.json.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { equalBytes } from '../core/bytes.js';
import type { Identity } from '../core/envelope/index.js';
import type { Sodium } from '../core/sodium.js';
import { type KeyPair, parseKeyFile } from '../keys/key-files.js';
import { loadPublicKeys } from '../keys/load-keys.js';
import { KEY_FILES, ROSTER_FILE } from '../keys/paths.js';
import { KuaError } from '../runtime/errors.js';

export interface WorkerKeys {
  intakeIdentity: Identity;
  log: KeyPair;
  orgPublicKey: Uint8Array;
}

async function readKey(sodium: Sodium, dir: string, role: 'intake' | 'log'): Promise<KeyPair> {
  let text: string;
  try {
    text = await readFile(path.join(dir, KEY_FILES[role]), 'utf8');
  } catch {
    throw new KuaError(
      'KEYS_MISSING',
      `the ${role} key is missing or unreadable in KUA_KEYS_DIR (run kua init)`,
    );
  }
  return parseKeyFile(sodium, role, text);
}

export async function loadWorkerKeys(sodium: Sodium, dir: string): Promise<WorkerKeys> {
  const publicKeys = await loadPublicKeys(sodium, dir);
  const intake = await readKey(sodium, dir, 'intake');
  const log = await readKey(sodium, dir, 'log');
  if (!equalBytes(intake.publicKey, publicKeys.intake) || !equalBytes(log.publicKey, publicKeys.log)) {
    throw new KuaError('KEYS_MISMATCH', 'the intake or log key does not match public.json');
  }
  return {
    intakeIdentity: { x25519PublicKey: intake.publicKey, x25519SecretKey: intake.secretKey },
    log,
    orgPublicKey: publicKeys.org,
  };
}

/** roster.json's text from the keys directory, or undefined if there is none. */
export async function readRosterFile(dir: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(dir, ROSTER_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
