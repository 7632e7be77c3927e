// Who results are sealed to: the reviewers of a roster whose org signature checks, never older than
// the highest roster version any worker has seen (kept in Redis, so every worker host shares it and a
// rolled-back roster.json is refused). Missing, invalid, rolled-back or empty: refuse to seal.
import type { Redis } from 'ioredis';
import { toHex } from '../core/bytes.js';
import type { Recipient } from '../core/envelope/index.js';
import { verifyRoster } from '../core/roster.js';
import type { Sodium } from '../core/sodium.js';
import { RosterUnusableError } from './errors.js';

export const ROSTER_SEEN_KEY = 'kua:roster:seen';

export interface SealingRoster {
  version: number;
  recipients: Recipient[];
  /** Reviewer fingerprints (hex), in roster order. */
  fingerprints: string[];
}

/** The durable high-water mark of roster versions. */
export interface RosterHighWater {
  get(): Promise<number>;
  /** Raises the mark to `version` if it is higher (atomically); never lowers it. */
  raise(version: number): Promise<void>;
}

const RAISE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local wanted = tonumber(ARGV[1])
if wanted > current then redis.call('SET', KEYS[1], ARGV[1]) return wanted end
return current`;

export function redisRosterHighWater(redis: Redis, key = ROSTER_SEEN_KEY): RosterHighWater {
  return {
    async get() {
      const value = await redis.get(key);
      const version = value === null ? 0 : Number(value);
      return Number.isSafeInteger(version) && version >= 0 ? version : 0;
    },
    async raise(version) {
      await redis.eval(RAISE_SCRIPT, 1, key, String(version));
    },
  };
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
