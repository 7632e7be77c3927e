// Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13) for reviewer key files. Node-side: the standard
// libsodium-wrappers build lacks pwhash, so this file loads the sumo build.
import sumo from 'libsodium-wrappers-sumo';
import { UsageError } from './errors.js';

export type Sumo = typeof sumo;

let loaded: Promise<Sumo> | undefined;

export function readySumo(): Promise<Sumo> {
  loaded ??= sumo.ready.then(() => sumo);
  return loaded;
}

export interface PwhashLimits {
  readonly opslimit: number;
  /** Bytes. */
  readonly memlimit: number;
}

const MiB = 1024 * 1024;

/** libsodium's presets (crypto_pwhash_{OPSLIMIT,MEMLIMIT}_{INTERACTIVE,MODERATE,SENSITIVE}). */
export const PWHASH_PRESETS = {
  interactive: { opslimit: 2, memlimit: 64 * MiB },
  moderate: { opslimit: 3, memlimit: 256 * MiB },
  sensitive: { opslimit: 4, memlimit: 1024 * MiB },
} as const satisfies Record<string, PwhashLimits>;

export type PwhashPreset = keyof typeof PWHASH_PRESETS;

export const DEFAULT_PRESET: PwhashPreset = 'moderate';

/** Files asking for less than INTERACTIVE are refused (a tampered file must not downgrade the KDF). */
export const MIN_LIMITS: PwhashLimits = PWHASH_PRESETS.interactive;
/** Files asking for more are refused too (a tampered file must not make us allocate or spin forever). */
export const MAX_LIMITS: PwhashLimits = { opslimit: 16, memlimit: 1024 * MiB };

/** Limits for new key files: env KUA_PWHASH_LIMITS = interactive | moderate | sensitive (default moderate). */
export function limitsFromEnv(env: NodeJS.ProcessEnv): PwhashLimits {
  const name = env.KUA_PWHASH_LIMITS;
  if (name === undefined || name === '') return PWHASH_PRESETS[DEFAULT_PRESET];
  if (!Object.hasOwn(PWHASH_PRESETS, name)) {
    throw new UsageError('KUA_PWHASH_LIMITS must be interactive, moderate or sensitive');
  }
  return PWHASH_PRESETS[name as PwhashPreset];
}

export function limitsAcceptable(limits: PwhashLimits): boolean {
  return (
    Number.isSafeInteger(limits.opslimit) &&
    Number.isSafeInteger(limits.memlimit) &&
    limits.opslimit >= MIN_LIMITS.opslimit &&
    limits.memlimit >= MIN_LIMITS.memlimit &&
    limits.opslimit <= MAX_LIMITS.opslimit &&
    limits.memlimit <= MAX_LIMITS.memlimit
  );
}
