// Where keys live unless told otherwise: env KUA_KEYS_DIR, else ./data/keys (relative to cwd).
import path from 'node:path';

export const DEFAULT_KEYS_DIR = './data/keys';
export const PUBLIC_CONFIG_FILE = 'public.json';
export const ROSTER_FILE = 'roster.json';
export const ROSTER_SEEN_FILE = 'roster.seen';
export const ROSTER_LOCK_FILE = 'roster.lock';
export const KEY_FILES = { org: 'org.key', intake: 'intake.key', log: 'log.key' } as const;

export function defaultKeysDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.KUA_KEYS_DIR;
  return path.resolve(fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_KEYS_DIR);
}
