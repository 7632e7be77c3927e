// kua init [--dir DIR]
import type { Command } from 'commander';
import { fromHex } from '../../core/bytes.js';
import { formatFingerprint } from '../../core/fingerprint.js';
import type { CliContext } from '../context.js';
import { initKeysDetailed } from '../init.js';

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description(
      'create the organisation keys (org root, intake, log) and the public config; never overwrites',
    )
    .option('--dir <DIR>', 'keys directory (default: $KUA_KEYS_DIR or ./data/keys)')
    .action(async (options: { dir?: string }) => {
      const dir = ctx.keysDir(options.dir);
      const result = await initKeysDetailed(dir);
      const fp = (hex: string) => formatFingerprint(fromHex(hex));
      ctx.out(`Created organisation keys in ${dir}`);
      ctx.out(`  org root key  ${fp(result.orgFingerprint)}`);
      ctx.out(`  intake key    ${fp(result.intakeFingerprint)}`);
      ctx.out(`  log key       ${fp(result.logFingerprint)}`);
      ctx.out(`  public config ${result.publicConfigPath}`);
      ctx.out(
        'Secret key files are 0600 in a 0700 directory: back them up offline; publish the fingerprints.',
      );
    });
}
