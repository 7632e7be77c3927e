// First run of `npm start`: create local development keys, loudly, if none exist yet.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initKeys } from '../keys/init.js';
import { KuaError } from '../runtime/errors.js';

export function devKeysWarning(dir: string, intakeFingerprint: string): string {
  const bar = '!'.repeat(78);
  return [
    '',
    bar,
    '!!  DEVELOPMENT KEYS CREATED — FOR TRYING KUÄ OUT ONLY',
    '!!',
    `!!  Location: ${dir}`,
    `!!  Intake key fingerprint: ${intakeFingerprint}`,
    '!!',
    '!!  These keys were generated automatically on this machine, unattended. Do not',
    '!!  use them for real submissions: a real deployment creates its organisation keys',
    '!!  deliberately with `kua init` on a trusted machine and publishes the fingerprints.',
    '!!  Delete that directory to start over.',
    bar,
    '',
  ].join('\n');
}

/** Returns the warning to print when keys were created, or undefined when they already existed. */
export async function ensureDevKeys(dir: string): Promise<string | undefined> {
  if (existsSync(join(dir, 'public.json'))) return undefined;
  let created: Awaited<ReturnType<typeof initKeys>>;
  try {
    created = await initKeys(dir);
  } catch (error) {
    if (error !== null && typeof error === 'object' && 'code' in error && error.code === 'KEYS_EXIST') {
      throw new KuaError(
        'KEYS_EXIST',
        `${dir} holds keys but no public.json: restore public.json or point KUA_KEYS_DIR elsewhere`,
      );
    }
    throw error;
  }
  return devKeysWarning(dir, created.intakeFingerprint);
}
