// kua verify FILE --record RECORD [--org-config public.json | --log-key BASE64]   (offline)
// kua verify FILE --server URL [--org-config public.json | --log-key BASE64] [--checkpoint F] [--save-checkpoint F]
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { fingerprint, formatFingerprint } from '../../core/fingerprint.js';
import { readySodium } from '../../core/sodium.js';
import type { CliContext } from '../context.js';
import { KuaError, UsageError } from '../errors.js';
import { hashFile, saltedHash } from '../reviewer/decrypt-file.js';
import { VerificationError } from '../reviewer/errors.js';
import { latestConsistentCheckpoint, readSavedCheckpoint, saveCheckpoint } from '../reviewer/log-check.js';
import { LogClient } from '../reviewer/log-client.js';
import { findFileInLog } from '../reviewer/log-lookup.js';
import { logKeyForFile, logTrustForFile } from '../reviewer/pin.js';
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

interface VerifyOptions {
  record?: string;
  server?: string;
  checkpoint?: string;
  saveCheckpoint?: string;
  salt?: string;
  orgConfig?: string;
  logKey?: string;
}

async function verifyAgainstLog(ctx: CliContext, file: string, options: VerifyOptions & { server: string }) {
  const sodium = await readySodium();
  const trust = await logTrustForFile(sodium, file, { logKey: options.logKey, orgConfig: options.orgConfig });
  let saved: string | undefined;
  if (options.checkpoint !== undefined) {
    saved = await readSavedCheckpoint(options.checkpoint);
    if (saved === undefined)
      throw new KuaError('CHECKPOINT_NOT_FOUND', 'the --checkpoint file was not found');
  }
  const got = await hashFile(file);
  const client = new LogClient(options.server);
  const { latest, previous } = await latestConsistentCheckpoint(
    sodium,
    client,
    { publicKey: trust.key, origin: trust.origin },
    saved,
  );
  if (options.saveCheckpoint !== undefined) await saveCheckpoint(options.saveCheckpoint, latest.note);
  const matches = await findFileInLog(client, latest, got);
  for (const match of matches) {
    const what = match.as === 'sanitised' ? 'the sanitised file' : 'the sealed envelope';
    ctx.out(
      `OK: the file is in the portal's log: ${what} of submission ${match.entry.submission} file ${match.entry.index}`,
    );
    ctx.out(`  sha256      ${got.sha256} (${got.bytes} bytes)`);
    ctx.out(
      `  entry       sanitised, log index ${match.index}, included in the signed checkpoint of size ${latest.size}`,
    );
    if (match.received !== undefined)
      ctx.out(`  received    ${match.received.entry.receivedAt} (log index ${match.received.index})`);
    else ctx.out('  received    (no received entry found)');
    ctx.out(`  processed   ${match.entry.processedAt}`);
    for (const tool of match.entry.tools) ctx.out(`  tool        ${tool.name} ${tool.version}`);
  }
  ctx.out(`  checkpoint  signed by the log key ${formatFingerprint(fingerprint(sodium, trust.key))}`);
  if (previous !== undefined)
    ctx.out(`  consistent  with the saved checkpoint (tree size ${previous.size} then ${latest.size})`);
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      "check a file against its signed provenance record: the record's signature (log key) and the file's SHA-256 " +
        "(the decrypted sanitised file or the sealed envelope); or, with --server, against the portal's signed log",
    )
    .argument('<FILE>', 'the decrypted file, or the sealed envelope')
    .option('--record <RECORD>', 'the signed record (records/<i>.json in a kua pull folder)')
    .option(
      '--server <URL>',
      "look the file up in the portal's public provenance log instead (only its SHA-256 is sent)",
    )
    .option('--checkpoint <FILE>', 'with --server: a checkpoint saved before; the log must extend it')
    .option('--save-checkpoint <FILE>', "with --server: keep the log's latest checkpoint in FILE")
    .option(
      '--salt <HEX>',
      "also accept the witness's original: the salt from manifest.json (original.salt) for SHA-256(salt || FILE)",
    )
    .option('--org-config <FILE>', "the organisation's public.json, for its log key")
    .option(
      '--log-key <BASE64>',
      'the log public key (default: the key pinned in the kua pull folder holding RECORD, or FILE with --server)',
    )
    .action(async (file: string, options: VerifyOptions) => {
      if (!(await exists(file))) throw new KuaError('INPUT_NOT_FOUND', 'the file to verify was not found');
      if (options.server !== undefined) {
        if (options.record !== undefined || options.salt !== undefined)
          throw new UsageError('give either --server or --record (with --salt), not both');
        await verifyAgainstLog(ctx, file, { ...options, server: options.server });
        return;
      }
      if (options.record === undefined) throw new UsageError('give --record RECORD or --server URL');
      if (options.checkpoint !== undefined || options.saveCheckpoint !== undefined)
        throw new UsageError('--checkpoint and --save-checkpoint need --server');
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
          throw new KuaError('SALT_INVALID', '--salt must be 64 hex digits (original.salt in manifest.json)');
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
    });
}
