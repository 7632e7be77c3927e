// Reading the organisation's keys back from a keys directory, with one-line errors.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { equalBytes } from '../core/bytes.js';
import type { Sodium } from '../core/sodium.js';
import { KuaError } from './errors.js';
import { type KeyPair, parseKeyFile } from './key-files.js';
import { KEY_FILES, PUBLIC_CONFIG_FILE } from './paths.js';
import { type PublicKeys, parsePublicConfig } from './public-config.js';

async function readKeysDirFile(dir: string, file: string, what: string): Promise<string> {
  try {
    return await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new KuaError(
        'KEYS_MISSING',
        `no ${what} in the keys directory (run kua init first, or pass --dir)`,
      );
    }
    if (code === 'EACCES') throw new KuaError('KEYS_UNREADABLE', `the ${what} is not readable by this user`);
    throw error;
  }
}

export async function loadPublicKeys(sodium: Sodium, dir: string): Promise<PublicKeys> {
  return parsePublicConfig(sodium, await readKeysDirFile(dir, PUBLIC_CONFIG_FILE, 'public config'));
}

/** The org root signing key, checked against public.json so the two cannot silently diverge. */
export async function loadOrgSigningKey(sodium: Sodium, dir: string): Promise<KeyPair> {
  const keyPair = parseKeyFile(sodium, 'org', await readKeysDirFile(dir, KEY_FILES.org, 'org root key'));
  const publicKeys = await loadPublicKeys(sodium, dir);
  if (!equalBytes(publicKeys.org, keyPair.publicKey)) {
    throw new KuaError('KEYS_MISMATCH', 'the org root key does not match the public config');
  }
  return keyPair;
}
