// kua roster add NAME PUBLIC-ID | remove NAME | list   (all with --dir)
import type { Command } from 'commander';
import { formatFingerprint } from '../../core/fingerprint.js';
import { parseIdentity } from '../../core/identity.js';
import { signRoster } from '../../core/roster.js';
import { readySodium } from '../../core/sodium.js';
import type { CliContext } from '../context.js';
import { loadOrgSigningKey, loadPublicKeys } from '../load-keys.js';
import { addReviewer, removeReviewer } from '../roster-edit.js';
import { loadRoster, saveRoster, withRosterLock } from '../roster-store.js';

const DIR_HELP = 'keys directory (default: $KUA_KEYS_DIR or ./data/keys)';

export function registerRoster(program: Command, ctx: CliContext): void {
  const roster = program
    .command('roster')
    .description('the vetted reviewers, signed by the org root key (roster.json in the keys directory)')
    .helpCommand(false);

  roster
    .command('add')
    .description('add a reviewer by name and public identity (kua1…); signs the next roster version')
    .argument('<NAME>', 'reviewer name, 1-64 characters, unique')
    .argument('<PUBLIC-ID>', 'the identity printed by kua reviewer keygen')
    .option('--dir <DIR>', DIR_HELP)
    .action(async (name: string, publicId: string, options: { dir?: string }) => {
      const sodium = await readySodium();
      const dir = ctx.keysDir(options.dir);
      const identity = parseIdentity(sodium, publicId);
      const orgKey = await loadOrgSigningKey(sodium, dir);
      const next = await withRosterLock(dir, async () => {
        const current = await loadRoster(sodium, dir, orgKey.publicKey);
        const changed = addReviewer(sodium, current, name, identity, ctx.now());
        await saveRoster(dir, signRoster(sodium, changed, orgKey.secretKey));
        return changed;
      }).finally(() => sodium.memzero(orgKey.secretKey));
      const added = next.reviewers[next.reviewers.length - 1]!;
      ctx.out(
        `Added ${added.name} (${formatFingerprint(added.fingerprint)}); roster version ${next.version}`,
      );
    });

  roster
    .command('remove')
    .description('remove a reviewer by name; signs the next roster version')
    .argument('<NAME>', 'reviewer name')
    .option('--dir <DIR>', DIR_HELP)
    .action(async (name: string, options: { dir?: string }) => {
      const sodium = await readySodium();
      const dir = ctx.keysDir(options.dir);
      const orgKey = await loadOrgSigningKey(sodium, dir);
      const { next, removed } = await withRosterLock(dir, async () => {
        const current = await loadRoster(sodium, dir, orgKey.publicKey);
        const changed = removeReviewer(current, name, ctx.now());
        await saveRoster(dir, signRoster(sodium, changed, orgKey.secretKey));
        return { next: changed, removed: current.reviewers.find((r) => !changed.reviewers.includes(r))! };
      }).finally(() => sodium.memzero(orgKey.secretKey));
      ctx.out(
        `Removed ${removed.name} (${formatFingerprint(removed.fingerprint)}); roster version ${next.version}`,
      );
    });

  roster
    .command('list')
    .description('verify the roster signature and list the reviewers')
    .option('--dir <DIR>', DIR_HELP)
    .action(async (options: { dir?: string }) => {
      const sodium = await readySodium();
      const dir = ctx.keysDir(options.dir);
      const { org } = await loadPublicKeys(sodium, dir);
      const current = await loadRoster(sodium, dir, org);
      if (current.version === 0) {
        ctx.out('Roster version 0: no reviewers yet (add one with kua roster add NAME PUBLIC-ID)');
        return;
      }
      ctx.out(
        `Roster version ${current.version}, issued ${current.issuedAt}, ${current.reviewers.length} reviewer(s), signature OK`,
      );
      const width = Math.max(4, ...current.reviewers.map((r) => [...r.name].length));
      for (const r of current.reviewers) {
        const pad = ' '.repeat(width - [...r.name].length);
        ctx.out(`  ${r.name}${pad}  ${formatFingerprint(r.fingerprint)}  added ${r.addedAt.slice(0, 10)}`);
      }
    });
}
