// The durable high-water mark of roster versions, shared by every worker and server instance through
// Redis: a roster.json older than the highest version any of them has accepted is refused (rollback).
import type { Redis } from 'ioredis';

export const ROSTER_SEEN_KEY = 'kua:roster:seen';

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
