// Organisation keys: org root signing key (Ed25519, signs rosters), intake key pair (X25519, the page
// encrypts uploads to it), log signing key (Ed25519, signs provenance). Secret files are 0600 in a
// 0700 directory; public.json holds what the page and the worker need. Never overwrites anything.
import path from 'node:path';
import { readySodium } from '../core/sodium.js';
import { KuaError } from './errors.js';
import { generateKeyFile, type KeyRole } from './key-files.js';
import { KEY_FILES, PUBLIC_CONFIG_FILE } from './paths.js';
import { makePublicConfig } from './public-config.js';
import { ensurePrivateDir, exists, FileExistsError, writeNewFile } from './secure-fs.js';

export class KeysExistError extends KuaError {
  constructor() {
    super('KEYS_EXIST', 'keys already exist in this directory; refusing to overwrite them');
  }
}

export interface InitResult {
  publicConfigPath: string;
  /** 32 lowercase hex digits. */
  intakeFingerprint: string;
}

export interface InitDetails extends InitResult {
  orgFingerprint: string;
  logFingerprint: string;
}

const ROLES: readonly KeyRole[] = ['org', 'intake', 'log'];

/** Creates the organisation keys in `dir`; throws KeysExistError if any of them is already there. */
export async function initKeys(dir: string): Promise<InitResult> {
  const { publicConfigPath, intakeFingerprint } = await initKeysDetailed(dir);
  return { publicConfigPath, intakeFingerprint };
}

export async function initKeysDetailed(dir: string, now = new Date()): Promise<InitDetails> {
  const sodium = await readySodium();
  await ensurePrivateDir(dir);
  const targets = [...ROLES.map((role) => KEY_FILES[role]), PUBLIC_CONFIG_FILE].map((f) => path.join(dir, f));
  for (const target of targets) if (await exists(target)) throw new KeysExistError();

  const generated = Object.fromEntries(
    ROLES.map((role) => [role, generateKeyFile(sodium, role, now)]),
  ) as Record<KeyRole, ReturnType<typeof generateKeyFile>>;
  // Linking each file refuses to overwrite; every initKeys links in the same order, so of two
  // concurrent runs the one that links org.key first wins and the other writes nothing.
  try {
    for (const role of ROLES) {
      await writeNewFile(path.join(dir, KEY_FILES[role]), generated[role].text, 0o600).catch((error) => {
        throw error instanceof FileExistsError ? new KeysExistError() : error;
      });
    }
    const config = makePublicConfig(sodium, {
      org: generated.org.keyPair.publicKey,
      intake: generated.intake.keyPair.publicKey,
      log: generated.log.keyPair.publicKey,
    });
    const publicConfigPath = path.join(dir, PUBLIC_CONFIG_FILE);
    await writeNewFile(publicConfigPath, `${JSON.stringify(config, null, 2)}\n`, 0o644).catch((error) => {
      throw error instanceof FileExistsError ? new KeysExistError() : error;
    });
    return {
      publicConfigPath,
      intakeFingerprint: config.intakeFingerprint,
      orgFingerprint: config.orgFingerprint,
      logFingerprint: config.logFingerprint,
    };
  } finally {
    for (const role of ROLES) sodium.memzero(generated[role].keyPair.secretKey);
  }
}
