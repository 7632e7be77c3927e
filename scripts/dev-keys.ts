// First run of `npm start`: create local development keys, loudly, if none exist yet — the org,
// intake and log keys, plus one development reviewer (key file + generated passphrase) on a signed
// roster, so the local worker can seal results instead of failing every job with ROSTER_UNUSABLE.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseIdentity } from '../core/identity.js';
import { signRoster } from '../core/roster.js';
import { readySodium } from '../core/sodium.js';
import { initKeys } from '../keys/init.js';
import { loadOrgSigningKey } from '../keys/load-keys.js';
import { limitsFromEnv, readySumo } from '../keys/pwhash.js';
import { createReviewerKeyFile } from '../keys/reviewer-key.js';
import { addReviewer } from '../keys/roster-edit.js';
import { loadRoster, saveRoster, withRosterLock } from '../keys/roster-store.js';
import { writeNewFile } from '../keys/secure-fs.js';
import { KuaError } from '../runtime/errors.js';

export const DEV_REVIEWER_NAME = 'dev-reviewer';
export const DEV_REVIEWER_KEY_FILE = 'dev-reviewer.key';
export const DEV_REVIEWER_PASSPHRASE_FILE = 'dev-reviewer.passphrase';

export interface DevKeys {
  intakeFingerprint: string;
  reviewerFingerprint: string;
}

export function devKeysWarning(dir: string, created: DevKeys): string {
  const bar = '!'.repeat(78);
  return [
    '',
    bar,
    '!!  DEVELOPMENT KEYS CREATED — FOR TRYING KUÄ OUT ONLY',
    '!!',
    `!!  Location: ${dir}`,
    `!!  Intake key fingerprint: ${created.intakeFingerprint}`,
    '!!',
    `!!  A development reviewer "${DEV_REVIEWER_NAME}" is on the signed roster, so submissions are`,
    `!!  processed and sealed to it (fingerprint ${created.reviewerFingerprint}).`,
    `!!  Its key file:   ${join(dir, DEV_REVIEWER_KEY_FILE)}`,
    `!!  Its passphrase: ${join(dir, DEV_REVIEWER_PASSPHRASE_FILE)} (generated, 0600)`,
    '!!  Anyone who can read that directory can decrypt every submission made here.',
    '!!',
    '!!  These keys were generated automatically on this machine, unattended. Do not',
    '!!  use them for real submissions: a real deployment creates its organisation keys',
    '!!  deliberately with `kua init` on a trusted machine and publishes the fingerprints;',
    '!!  each reviewer runs `kua reviewer keygen` on their own machine and the operator adds',
    '!!  them with `kua roster add NAME PUBLIC-ID` — no reviewer key ever lives on the server.',
    '!!  Delete that directory to start over.',
    bar,
    '',
  ].join('\n');
}

/** Creates the development reviewer (key file, passphrase file) and signs a roster naming it. */
async function createDevReviewer(dir: string): Promise<string> {
  const sodium = await readySodium();
  const passphrase = randomBytes(24).toString('base64url');
  await writeNewFile(join(dir, DEV_REVIEWER_PASSPHRASE_FILE), `${passphrase}\n`, 0o600);
  const created = createReviewerKeyFile(sodium, await readySumo(), passphrase, limitsFromEnv(process.env));
  await writeNewFile(join(dir, DEV_REVIEWER_KEY_FILE), created.text, 0o600);
  const identity = parseIdentity(sodium, created.identityString);
  const orgKey = await loadOrgSigningKey(sodium, dir);
  try {
    await withRosterLock(dir, async () => {
      const current = await loadRoster(sodium, dir, orgKey.publicKey);
      const next = addReviewer(sodium, current, DEV_REVIEWER_NAME, identity, new Date());
      await saveRoster(dir, signRoster(sodium, next, orgKey.secretKey));
    });
  } finally {
    sodium.memzero(orgKey.secretKey);
  }
  return created.fingerprint;
}

/**
 * Returns the warning to print when keys were created, or undefined when they already existed.
 * The development reviewer is created only together with fresh keys: a keys directory that already
 * exists (perhaps a real one whose operator has not added reviewers yet) is never given one.
 */
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
  const reviewerFingerprint = await createDevReviewer(dir);
  return devKeysWarning(dir, { intakeFingerprint: created.intakeFingerprint, reviewerFingerprint });
}
