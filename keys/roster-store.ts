// roster.json (public, signed) and roster.seen (the highest version this keys directory has accepted)
// in the keys directory. Every read verifies the signature and refuses a version older than seen.
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  type Roster,
  RosterRollbackError,
  type SignedRoster,
  serializeRoster,
  verifyRoster,
} from '../core/roster.js';
import type { Sodium } from '../core/sodium.js';
import { KuaError } from './errors.js';
import { ROSTER_FILE, ROSTER_LOCK_FILE, ROSTER_SEEN_FILE } from './paths.js';
import { EMPTY_ROSTER } from './roster-edit.js';
import { replaceFile } from './secure-fs.js';

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function readSeenVersion(dir: string): Promise<number> {
  const text = await readOptional(path.join(dir, ROSTER_SEEN_FILE));
  if (text === undefined) return 0;
  const version = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(version)) {
    throw new KuaError('ROSTER_SEEN_INVALID', 'roster.seen is not a version number');
  }
  return version;
}

async function recordSeen(dir: string, version: number): Promise<void> {
  if (version > (await readSeenVersion(dir)))
    await replaceFile(path.join(dir, ROSTER_SEEN_FILE), `${version}\n`, 0o600);
}

/** The current roster, verified; the empty version-0 roster if none was ever written. */
export async function loadRoster(sodium: Sodium, dir: string, orgPublicKey: Uint8Array): Promise<Roster> {
  const minVersion = await readSeenVersion(dir);
  const text = await readOptional(path.join(dir, ROSTER_FILE));
  if (text === undefined) {
    if (minVersion > 0) throw new RosterRollbackError(0, minVersion);
    return EMPTY_ROSTER;
  }
  const roster = verifyRoster(sodium, text, orgPublicKey, { minVersion });
  await recordSeen(dir, roster.version);
  return roster;
}

export async function saveRoster(dir: string, roster: SignedRoster): Promise<void> {
  await replaceFile(path.join(dir, ROSTER_FILE), serializeRoster(roster), 0o644);
  await recordSeen(dir, roster.version);
}

/**
 * Runs one roster change at a time per keys directory: two concurrent changes would otherwise both
 * sign the same next version with different contents. The lock is a file created with O_EXCL.
 */
export async function withRosterLock<T>(dir: string, change: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, ROSTER_LOCK_FILE);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lock, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new KuaError(
      'ROSTER_LOCKED',
      'another roster change is in progress (if none is, delete roster.lock in the keys directory)',
    );
  }
  try {
    return await change();
  } finally {
    await handle.close();
    await unlink(lock).catch(() => {});
  }
}
