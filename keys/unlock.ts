// Opening a reviewer's key file the one way every command does: the passphrase comes from
// --passphrase-file, $KUA_PASSPHRASE or a hidden prompt (never argv), then Argon2id unlocks the file.
import type { CliContext } from './context.js';
import { getPassphrase } from './passphrase.js';
import { loadReviewerKeyFile, type ReviewerKeys } from './reviewer-key.js';

export async function unlockReviewerKey(
  ctx: CliContext,
  keyFile: string,
  passphraseFile: string | undefined,
): Promise<ReviewerKeys> {
  const passphrase = await getPassphrase({
    file: passphraseFile,
    env: ctx.env,
    stdin: ctx.stdin,
    stderr: ctx.stderr,
    confirm: false,
  });
  return loadReviewerKeyFile(keyFile, passphrase);
}
