// Who may use the reviewer API: the reviewers of the current roster.json, verified on every request
// against the org key and the shared high-water mark (runtime/roster-high-water.ts), so `kua roster
// remove` cuts a reviewer off at their next request and a rolled-back roster is refused.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { toHex } from '../../core/bytes.js';
import { fingerprint } from '../../core/fingerprint.js';
import { type Roster, verifyRoster } from '../../core/roster.js';
import type { Sodium } from '../../core/sodium.js';
import { ROSTER_FILE } from '../../keys/paths.js';
import type { Logger } from '../../runtime/logger.js';
import type { RosterHighWater } from '../../runtime/roster-high-water.js';

export interface RosterReviewer {
  /** fingerprint of the Ed25519 key (hex): what logins and tokens name. */
  signingFingerprint: string;
  /** fingerprint of the X25519 key (hex): what records list in roster.recipients. */
  sealingFingerprint: string;
  ed25519PublicKey: Uint8Array;
}

export interface ReviewerRosterDeps {
  sodium: Sodium;
  orgPublicKey: Uint8Array;
  /** roster.json's text, or undefined if there is none. */
  readRoster: () => Promise<string | undefined>;
  highWater: RosterHighWater;
  logger: Logger;
}

/** roster.json from a keys directory. */
export function rosterFileReader(keysDir: string): () => Promise<string | undefined> {
  return async () => {
    try {
      return await readFile(path.join(keysDir, ROSTER_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
}

async function currentRoster(deps: ReviewerRosterDeps): Promise<Roster | undefined> {
  const text = await deps.readRoster();
  if (text === undefined) return undefined;
  const minVersion = await deps.highWater.get();
  let roster: Roster;
  try {
    roster = verifyRoster(deps.sodium, text, deps.orgPublicKey, { minVersion });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    deps.logger.warn('roster_unusable', { code: typeof code === 'string' ? code : 'ROSTER_INVALID' });
    return undefined;
  }
  await deps.highWater.raise(roster.version);
  return roster;
}

/** The rostered reviewer whose Ed25519 key has this fingerprint, or undefined (also if no valid roster). */
export async function findReviewer(
  deps: ReviewerRosterDeps,
  signingFingerprint: string,
): Promise<RosterReviewer | undefined> {
  const roster = await currentRoster(deps);
  for (const entry of roster?.reviewers ?? []) {
    if (toHex(fingerprint(deps.sodium, entry.ed25519PublicKey)) === signingFingerprint) {
      return {
        signingFingerprint,
        sealingFingerprint: toHex(entry.fingerprint),
        ed25519PublicKey: entry.ed25519PublicKey,
      };
    }
  }
  return undefined;
}
