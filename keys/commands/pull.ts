// kua pull --server URL --key FILE --out DIR [--org-config public.json | --log-key BASE64] [--passphrase-file F]
import path from 'node:path';
import type { Command } from 'commander';
import { fingerprint, formatFingerprint } from '../../core/fingerprint.js';
import { readySodium } from '../../core/sodium.js';
import type { CliContext } from '../context.js';
import { pinnedLogKey } from '../reviewer/pin.js';
import { PullFailedError, pull } from '../reviewer/pull.js';
import { formatTable } from '../reviewer/table.js';
import { unlockReviewerKey } from '../unlock.js';

const PASSPHRASE_HELP = 'read the passphrase from this file (default: $KUA_PASSPHRASE, else a prompt)';

/** http:// is fine for this machine and onion services (Tor encrypts); anywhere else it exposes the token. */
function plainHttpToRemote(server: string): boolean {
  try {
    const url = new URL(server);
    if (url.protocol !== 'http:') return false;
    return !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) && !url.hostname.endsWith('.onion');
  } catch {
    return false;
  }
}

export function registerPull(program: Command, ctx: CliContext): void {
  program
    .command('pull')
    .description(
      'log in to the portal with your reviewer key, download new submissions sealed to you, decrypt them ' +
        'on this machine and verify every file against its signed record',
    )
    .requiredOption('--server <URL>', 'the portal address, e.g. https://portal.example.org')
    .requiredOption('--key <FILE>', 'your encrypted reviewer key file (from kua reviewer keygen)')
    .requiredOption(
      '--out <DIR>',
      'folder for the decrypted submissions (created 0700; reruns skip what is there)',
    )
    .option('--org-config <FILE>', "first pull only: the organisation's public.json, to pin its log key")
    .option('--log-key <BASE64>', 'first pull only: the log public key to pin (instead of --org-config)')
    .option('--passphrase-file <FILE>', PASSPHRASE_HELP)
    .addHelpText(
      'after',
      '\nOutput: OUT/<submission>/ holds the decrypted files, manifest.json and records/; files that fail\n' +
        'verification are moved to OUT/quarantine/<submission>/ and the exit status is 1.\n' +
        'The log key is pinned in OUT/.kua/pinned.json on the first pull and never changed afterwards.\n' +
        "Every record's entries are checked against the portal's signed provenance log (inclusion proofs);\n" +
        'the last checkpoint is kept in OUT/.kua/checkpoint and a log that does not extend it is refused.\n' +
        '\nEnvironment:\n  KUA_PASSPHRASE     the passphrase (for automation)',
    )
    .action(
      async (options: {
        server: string;
        key: string;
        out: string;
        orgConfig?: string;
        logKey?: string;
        passphraseFile?: string;
      }) => {
        const sodium = await readySodium();
        if (plainHttpToRemote(options.server)) {
          ctx.note(
            'kua: warning: plain http:// to a remote portal: files stay encrypted and records signed, ' +
              'but your session token can be read on the way; use https:// or an .onion address',
          );
        }
        const outDir = path.resolve(options.out);
        const pin = await pinnedLogKey(sodium, outDir, {
          logKey: options.logKey,
          orgConfig: options.orgConfig,
        });
        if (pin.pinnedNow) {
          ctx.note(`Pinned the log key ${formatFingerprint(fingerprint(sodium, pin.key))} for this folder.`);
        }
        const keys = await unlockReviewerKey(ctx, options.key, options.passphraseFile);
        try {
          const result = await pull({
            sodium,
            server: options.server,
            keys,
            logPublicKey: pin.key,
            logOrigin: pin.origin,
            outDir,
            now: ctx.now,
            report: ctx.note,
          });
          if (result.rows.length === 0) ctx.out('No submissions for you yet.');
          else for (const line of formatTable(result.rows)) ctx.out(line);
          if (result.failures > 0) throw new PullFailedError(result.failures);
        } finally {
          sodium.memzero(keys.x25519SecretKey);
          sodium.memzero(keys.ed25519SecretKey);
        }
      },
    );
}
