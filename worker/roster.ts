// Who results are sealed to: the reviewers of a roster whose org signature checks, never older than
// the highest roster version any worker has seen (kept in Redis, so every worker host shares it and a
// rolled-back roster.json is refused). Missing, invalid, rolled-back or empty: refuse to seal.
import { toHex } from '../core/bytes.js';
import type { Recipient } from '../core/envelope/index.js';
import { verifyRoster } from '../core/roster.js';
import type { Sodium } from '../core/sodium.js';
import type { RosterHighWater } from '../runtime/roster-high-water.js';
import { RosterUnusableError } from './errors.js';

export { ROSTER_SEEN_KEY, type RosterHighWater, redisRosterHighWater } from '../runtime/roster-high-water.js';

export interface SealingRoster {
  version: number;
  recipients: Recipient[];
  /** Reviewer fingerprints (hex), in roster order. */
  fingerprints: string[];
}

export interface RosterDeps {
  sodium: Sodium;
  orgPublicKey: Uint8Array;
  /** roster.json's text, or undefined if there is none. */
  readRoster: () => Promise<string | undefined>;
  highWater: RosterHighWater;
}

export async function loadSealingRoster(deps: RosterDeps): Promise<SealingRoster> {
  const text = await deps.readRoster();
  if (text === undefined) throw new RosterUnusableError('missing');
  const minVersion = await deps.highWater.get();
  let roster: ReturnType<typeof verifyRoster>;
  try {
    roster = verifyRoster(deps.sodium, text, deps.orgPublicKey, { minVersion });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new RosterUnusableError(code === 'ROSTER_ROLLBACK' ? 'rollback' : 'invalid', { cause: error });
  }
  if (roster.reviewers.length === 0) throw new RosterUnusableError('empty');
  await deps.highWater.raise(roster.version);
  return {
    version: roster.version,
    recipients: roster.reviewers.map((r) => ({ x25519PublicKey: r.x25519PublicKey })),
    fingerprints: roster.reviewers.map((r) => toHex(r.fingerprint)),
  };
}
