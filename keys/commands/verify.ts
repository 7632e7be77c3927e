// kua verify FILE --record RECORD [--org-config public.json | --log-key BASE64]   (offline)
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { fingerprint, formatFingerprint } from '../../core/fingerprint.js';
import { readySodium } from '../../core/sodium.js';
import type { CliContext } from '../context.js';
import { KuaError } from '../errors.js';
import { hashFile, saltedHash } from '../reviewer/decrypt-file.js';
import { VerificationError } from '../reviewer/errors.js';
import { logKeyForFile } from '../reviewer/pin.js';
import { checkSignedRecord } from '../reviewer/records.js';
import { exists } from '../secure-fs.js';

export class HashMismatchError extends VerificationError {
  constructor() {
    super(
      'HASH_MISMATCH',
      'the file does not match the record: its SHA-256 is none of the hashes the record signs (altered, or another file)',
    );
  }
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      "check a file against its signed provenance record: the record's signature (log key) and the file's SHA-256 " +
        '(the decrypted sanitised file or the sealed envelope)',
    )
    .argument('<FILE>', 'the decrypted file, or the sealed envelope')
    .requiredOption('--record <RECORD>', 'the signed record (records/<i>.json in a kua pull folder)')
    .option(
      '--salt <HEX>',
      "also accept the witness's original: the salt from manifest.json (original.salt) for SHA-256(salt || FILE)",
    )
    .option('--org-config <FILE>', "the organisation's public.json, for its log key")
    .option(
      '--log-key <BASE64>',
      'the log public key (default: the key pinned in the kua pull folder holding RECORD)',
    )
    .action(
      async (
        file: string,
        options: { record: string; salt?: string; orgConfig?: string; logKey?: string },
      ) => {
        if (!(await exists(file))) throw new KuaError('INPUT_NOT_FOUND', 'the file to verify was not found');
        if (!(await exists(options.record)))
          throw new KuaError('RECORD_NOT_FOUND', 'the record file was not found');
        const sodium = await readySodium();
        const logKey = await logKeyForFile(sodium, options.record, {
          logKey: options.logKey,
          orgConfig: options.orgConfig,
        });
        const record = checkSignedRecord(
          sodium,
          new Uint8Array(await readFile(options.record)),
          logKey,
          'the record',
        );
        const got = await hashFile(file);
        const candidates: [string, { sha256: string; bytes: number } | undefined][] = [
          ['the sanitised file', record.sanitised],
          ['the sealed envelope', record.sealed],
          ['the sealed original envelope', record.sealedOriginal],
          ['the sealed receipt envelope', record.receipt],
          ['the intake envelope (as the portal received it)', record.intake],
        ];
        if (options.salt !== undefined) {
          if (!/^[0-9a-f]{64}$/.test(options.salt))
            throw new KuaError(
              'SALT_INVALID',
              '--salt must be 64 hex digits (original.salt in manifest.json)',
            );
          if (
            got.bytes === record.original.bytes &&
            (await saltedHash(file, options.salt)) === record.original.commitment
          ) {
            candidates.unshift(["the witness's original", got]);
          }
        }
        const match = candidates.find(
          ([, d]) => d !== undefined && d.sha256 === got.sha256 && d.bytes === got.bytes,
        );
        if (match === undefined) throw new HashMismatchError();
        ctx.out(`OK: the file is ${match[0]} of submission ${record.submission} file ${record.index}`);
        ctx.out(`  sha256      ${got.sha256} (${got.bytes} bytes)`);
        ctx.out(`  record      signed by the log key ${formatFingerprint(fingerprint(sodium, logKey))}`);
        ctx.out(`  received    ${record.receivedAt}`);
        ctx.out(`  processed   ${record.processedAt}`);
        if (record.removed.length > 0) ctx.out(`  removed     ${record.removed.join(', ')}`);
      },
    );
}
