// kua reviewer keygen --out FILE [--passphrase-file FILE]
import type { Command } from 'commander';
import { formatFingerprint } from '../../core/fingerprint.js';
import { readySodium } from '../../core/sodium.js';
import type { CliContext } from '../context.js';
import { KuaError } from '../errors.js';
import { getPassphrase } from '../passphrase.js';
import { limitsFromEnv, readySumo } from '../pwhash.js';
import { createReviewerKeyFile } from '../reviewer-key.js';
import { exists, FileExistsError, writeNewFile } from '../secure-fs.js';
import { unlockReviewerKey } from '../unlock.js';

const outputExists = () =>
  new KuaError('OUTPUT_EXISTS', 'the --out file already exists; refusing to overwrite it');

export function registerReviewer(program: Command, ctx: CliContext): void {
  const reviewer = program.command('reviewer').description('reviewer key commands').helpCommand(false);
  reviewer
    .command('keygen')
    .description(
      'create a reviewer key pair (X25519 + Ed25519); the secret part is encrypted with a passphrase (Argon2id) ' +
        'and the public identity is printed on stdout',
    )
    .requiredOption('--out <FILE>', 'where to write the encrypted key file (created 0600, never overwritten)')
    .option(
      '--passphrase-file <FILE>',
      'read the passphrase from this file (default: $KUA_PASSPHRASE, else a prompt)',
    )
    .addHelpText(
      'after',
      '\nEnvironment:\n  KUA_PASSPHRASE     the passphrase (for automation)\n' +
        '  KUA_PWHASH_LIMITS  Argon2id limits: interactive | moderate (default) | sensitive',
    )
    .action(async (options: { out: string; passphraseFile?: string }) => {
      const limits = limitsFromEnv(ctx.env);
      if (await exists(options.out)) throw outputExists();
      const passphrase = await getPassphrase({
        file: options.passphraseFile,
        env: ctx.env,
        stdin: ctx.stdin,
        stderr: ctx.stderr,
        confirm: true,
      });
      const created = createReviewerKeyFile(await readySodium(), await readySumo(), passphrase, limits);
      await writeNewFile(options.out, created.text, 0o600).catch((error) => {
        throw error instanceof FileExistsError ? outputExists() : error;
      });
      ctx.note(`Wrote the encrypted reviewer key. Fingerprint: ${created.fingerprint}`);
      ctx.note('Give this public identity to your operator (kua roster add NAME IDENTITY):');
      ctx.out(created.identityString);
    });

  reviewer
    .command('identity')
    .description(
      'unlock a reviewer key file with its passphrase and print its public identity (checks the passphrase and the file)',
    )
    .requiredOption('--key <FILE>', 'the encrypted reviewer key file')
    .option(
      '--passphrase-file <FILE>',
      'read the passphrase from this file (default: $KUA_PASSPHRASE, else a prompt)',
    )
    .action(async (options: { key: string; passphraseFile?: string }) => {
      if (!(await exists(options.key)))
        throw new KuaError('KEY_FILE_NOT_FOUND', 'reviewer key file not found');
      const keys = await unlockReviewerKey(ctx, options.key, options.passphraseFile);
      ctx.note(`Key file unlocked. Fingerprint: ${formatFingerprint(keys.fingerprint)}`);
      ctx.out(keys.identityString);
      const sodium = await readySodium();
      sodium.memzero(keys.x25519SecretKey);
      sodium.memzero(keys.ed25519SecretKey);
    });
}
