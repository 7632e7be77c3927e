// kua decrypt FILE --key KEYFILE [--out PATH] [--passphrase-file F]   (offline)
import path from 'node:path';
import type { Command } from 'commander';
import { readySodium } from '../../core/sodium.js';
import type { CliContext } from '../context.js';
import { KuaError } from '../errors.js';
import { decryptFileTo, saltedHash } from '../reviewer/decrypt-file.js';
import { safeName } from '../reviewer/names.js';
import { exists } from '../secure-fs.js';
import { unlockReviewerKey } from '../unlock.js';

const outputExists = () =>
  new KuaError('OUTPUT_EXISTS', 'the output file already exists; refusing to overwrite it');

export function registerDecrypt(program: Command, ctx: CliContext): void {
  program
    .command('decrypt')
    .description('decrypt a Kuä envelope (a sealed file) with your reviewer key, offline')
    .argument('<FILE>', 'the sealed file (envelope)')
    .requiredOption('--key <FILE>', 'your encrypted reviewer key file')
    .option(
      '--out <PATH>',
      'where to write the plaintext (default: the name inside the envelope, in the current folder)',
    )
    .option(
      '--passphrase-file <FILE>',
      'read the passphrase from this file (default: $KUA_PASSPHRASE, else a prompt)',
    )
    .action(async (file: string, options: { key: string; out?: string; passphraseFile?: string }) => {
      if (!(await exists(file))) throw new KuaError('INPUT_NOT_FOUND', 'the file to decrypt was not found');
      if (options.out !== undefined && (await exists(options.out))) throw outputExists();
      const sodium = await readySodium();
      const keys = await unlockReviewerKey(ctx, options.key, options.passphraseFile);
      try {
        const result = await decryptFileTo(
          sodium,
          { x25519PublicKey: keys.x25519PublicKey, x25519SecretKey: keys.x25519SecretKey },
          file,
          async (manifest) => {
            const target = options.out ?? path.resolve(safeName(manifest.name, 'decrypted.bin'));
            if (await exists(target)) throw outputExists();
            return target;
          },
        );
        ctx.note(
          `Decrypted ${result.bytes} bytes${result.manifest.type ? ` (${result.manifest.type})` : ''}.`,
        );
        ctx.out(`${path.relative(process.cwd(), result.path) || result.path}  sha256 ${result.sha256}`);
        const commitment = result.manifest.commitment;
        if (commitment !== undefined) {
          // An original carries the salt of the record's commitment: check it here too.
          if ((await saltedHash(result.path, commitment.salt)) !== commitment.sha256) {
            throw new KuaError(
              'COMMITMENT_MISMATCH',
              'the decrypted original does not match the commitment it carries',
            );
          }
          ctx.out(`commitment ${commitment.sha256} (salted SHA-256 of the original) OK`);
        }
      } finally {
        sodium.memzero(keys.x25519SecretKey);
        sodium.memzero(keys.ed25519SecretKey);
      }
    });
}
