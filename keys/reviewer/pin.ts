// The pinned log key: the public key whose signatures on provenance records `kua pull` accepts.
// It is taken once, from the operator's public.json (--org-config) or a base64 key (--log-key), and
// stored in OUT/.kua/pinned.json; later runs use the stored pin and refuse a different key, so a
// portal that starts signing with another key is noticed instead of trusted.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Base64Error, fromBase64, toBase64 } from '../../core/base64.js';
import { equalBytes, toHex } from '../../core/bytes.js';
import { fingerprint, formatFingerprint } from '../../core/fingerprint.js';
import { logOrigin } from '../../core/merkle/index.js';
import type { Sodium } from '../../core/sodium.js';
import { parsePublicConfig } from '../public-config.js';
import { ensurePrivateDir, exists, replaceFile, writeNewFile } from '../secure-fs.js';
import { PinError } from './errors.js';

export const STATE_DIR = '.kua';
export const PIN_FILE = 'pinned.json';

export interface LogKeySource {
  logKey?: string | undefined;
  orgConfig?: string | undefined;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new PinError('PIN_SOURCE_MISSING', `${what} not found`);
    throw error;
  }
}

/** The log key (and, with --org-config, the log's origin line) named on the command line, if any. */
export async function logTrustFromOptions(
  sodium: Sodium,
  source: LogKeySource,
): Promise<{ key: Uint8Array; origin?: string } | undefined> {
  if (source.logKey !== undefined && source.orgConfig !== undefined) {
    throw new PinError('PIN_OPTIONS', 'give either --log-key or --org-config, not both');
  }
  if (source.logKey !== undefined) {
    try {
      const key = fromBase64(source.logKey.trim());
      if (key.length === 32) return { key };
    } catch (error) {
      if (!(error instanceof Base64Error)) throw error;
    }
    throw new PinError('LOG_KEY_INVALID', '--log-key is not a base64 Ed25519 public key (32 bytes)');
  }
  if (source.orgConfig !== undefined) {
    const config = parsePublicConfig(sodium, await readText(source.orgConfig, 'the --org-config file'));
    return { key: config.log, origin: logOrigin(fingerprint(sodium, config.org)) };
  }
  return undefined;
}

/** pinned.json: `{ v: 1, logPublicKey, logFingerprint, logOrigin? }` (logOrigin added by issue 7). */
export interface Pin {
  key: Uint8Array;
  /** The log's checkpoint origin (kua/v1/<org fingerprint>), once known. */
  origin?: string;
}

const ORIGIN = /^kua\/v1\/[0-9a-f]{32}$/;

function parsePin(sodium: Sodium, text: string): Pin {
  try {
    const value = JSON.parse(text) as {
      v?: unknown;
      logPublicKey?: unknown;
      logFingerprint?: unknown;
      logOrigin?: unknown;
    };
    const key = fromBase64(String(value.logPublicKey));
    const originOk =
      value.logOrigin === undefined || (typeof value.logOrigin === 'string' && ORIGIN.test(value.logOrigin));
    if (
      value.v === 1 &&
      key.length === 32 &&
      value.logFingerprint === toHex(fingerprint(sodium, key)) &&
      originOk
    )
      return value.logOrigin === undefined ? { key } : { key, origin: value.logOrigin as string };
  } catch {
    // fall through
  }
  throw new PinError('PIN_INVALID', 'the pinned log key file (.kua/pinned.json) is damaged');
}

export async function readPinFile(sodium: Sodium, outDir: string): Promise<Pin | undefined> {
  const file = path.join(outDir, STATE_DIR, PIN_FILE);
  if (!(await exists(file))) return undefined;
  return parsePin(sodium, await readFile(file, 'utf8'));
}

function pinText(sodium: Sodium, pin: Pin): string {
  const value = {
    v: 1,
    logPublicKey: toBase64(pin.key),
    logFingerprint: toHex(fingerprint(sodium, pin.key)),
    ...(pin.origin !== undefined ? { logOrigin: pin.origin } : {}),
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Adds the log's origin to a pin made before origins were pinned (never changes a pinned origin). */
export async function pinOrigin(sodium: Sodium, outDir: string, origin: string): Promise<void> {
  const pin = await readPinFile(sodium, outDir);
  if (pin === undefined || pin.origin !== undefined) return;
  await replaceFile(path.join(outDir, STATE_DIR, PIN_FILE), pinText(sodium, { key: pin.key, origin }), 0o600);
}

/** The pinned key for `outDir`: pins the given key on first use; refuses a different one later. */
export async function pinnedLogKey(
  sodium: Sodium,
  outDir: string,
  source: LogKeySource,
): Promise<{ key: Uint8Array; origin?: string; pinnedNow: boolean }> {
  const trust = await logTrustFromOptions(sodium, source);
  const given = trust?.key;
  const pin = await readPinFile(sodium, outDir);
  const pinned = pin?.key;
  if (pin !== undefined && pinned !== undefined) {
    if (given !== undefined && !equalBytes(given, pinned)) {
      throw new PinError(
        'PIN_MISMATCH',
        `the given log key (${formatFingerprint(fingerprint(sodium, given))}) differs from the one pinned in this folder ` +
          `(${formatFingerprint(fingerprint(sodium, pinned))}); refusing to change the pin`,
      );
    }
    if (pin.origin !== undefined && trust?.origin !== undefined && trust.origin !== pin.origin) {
      throw new PinError(
        'PIN_MISMATCH',
        "the given organisation's log differs from the one pinned in this folder",
      );
    }
    if (pin.origin === undefined && trust?.origin !== undefined) {
      await pinOrigin(sodium, outDir, trust.origin);
      return { key: pinned, origin: trust.origin, pinnedNow: false };
    }
    return { key: pinned, ...(pin.origin !== undefined ? { origin: pin.origin } : {}), pinnedNow: false };
  }
  if (trust === undefined || given === undefined) {
    throw new PinError(
      'PIN_MISSING',
      'no log key pinned for this folder yet: on the first pull pass --org-config public.json (from your operator) or --log-key',
    );
  }
  await ensurePrivateDir(path.join(outDir, STATE_DIR));
  await writeNewFile(path.join(outDir, STATE_DIR, PIN_FILE), pinText(sodium, trust), 0o600);
  return { key: given, ...(trust.origin !== undefined ? { origin: trust.origin } : {}), pinnedNow: true };
}

/** The trust named on the command line, else the pin of the nearest kua pull folder holding `file`. */
async function trustNear(sodium: Sodium, file: string, source: LogKeySource, missing: string): Promise<Pin> {
  const given = await logTrustFromOptions(sodium, source);
  if (given !== undefined) return given;
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const pin = await readPinFile(sodium, dir);
    if (pin !== undefined) return pin;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new PinError('PIN_MISSING', missing);
}

/** For `kua verify --record`: the log key from the options, else the pin of the pull folder holding `file`. */
export async function logKeyForFile(sodium: Sodium, file: string, source: LogKeySource): Promise<Uint8Array> {
  const trust = await trustNear(
    sodium,
    file,
    source,
    'no log key: pass --org-config public.json or --log-key (or keep the record inside a kua pull folder)',
  );
  return trust.key;
}

/** For `kua verify --server`: the key (and origin) from the options, else the pin of the folder holding `file`. */
export async function logTrustForFile(sodium: Sodium, file: string, source: LogKeySource): Promise<Pin> {
  return trustNear(
    sodium,
    file,
    source,
    'no log key: pass --org-config public.json or --log-key (or keep the file inside a kua pull folder)',
  );
}
