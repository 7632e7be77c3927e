// Phase 1 for one file, entirely inside the scratch dir: decrypt → (note | media: sniff/sanitise/verify)
// → hash → seal to the roster → a pending result (sealed files in scratch + the record to sign).
// Nothing leaves the scratch dir here; publish.ts stores results once every file has passed.
import { readFile, rm } from 'node:fs/promises';
import { utf8 } from '../core/bytes.js';
import type { ProvenanceRecord } from '../core/contracts/record.js';
import { resultKey } from '../core/contracts/record.js';
import { type DecryptDeps, type DecryptedFile, decryptToFile } from './decrypt.js';
import { RefusedMediaError, type SanitizeResult } from './media/index.js';
import {
  checkNote,
  MAX_CHOICES_BYTES,
  MAX_NOTE_BYTES,
  type PageFileKind,
  parseChoices,
} from './page-files.js';
import type { SealingRoster } from './roster.js';
import type { Scratch } from './scratch.js';
import { type SealDeps, type Sealed, sealBytes, sealFile } from './seal.js';

/** Sanitises one decrypted file (D's sanitizeFile in production). */
export type Sanitizer = (input: { path: string; scratchDir: string }) => Promise<SanitizeResult>;

/** The record minus the times, which publish.ts adds when it signs. */
export type RecordBody = Omit<ProvenanceRecord, 'receivedAt' | 'processedAt'>;

export interface PendingFile {
  index: number;
  /** Sealed envelopes in scratch, stored under these keys before the record. */
  blobs: { key: string; path: string; bytes: number }[];
  record: RecordBody;
}

export interface FileContext {
  crypto: DecryptDeps & SealDeps;
  sanitize: Sanitizer;
  /** The real type of the untouched original, from its bytes, for the original's label only. */
  sniffType: (path: string) => Promise<string | undefined>;
  roster: SealingRoster;
  scratch: Scratch;
  submissionId: string;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/tiff': 'tif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/x-m4v': 'm4v',
  'video/3gpp': '3gp',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/matroska': 'mkv',
  'text/plain': 'txt',
};
const extensionOf = (type: string | undefined) => (type === undefined ? 'bin' : (EXTENSIONS[type] ?? 'bin'));

function stored(key: string, sealed: Sealed) {
  return { key, sha256: sealed.envelope.sha256, bytes: sealed.envelope.bytes };
}

function baseRecord(ctx: FileContext, index: number, file: DecryptedFile): RecordBody {
  return {
    v: 1,
    submission: ctx.submissionId,
    index,
    status: 'refused',
    kind: 'unknown',
    intake: file.intake,
    original: { bytes: file.original.bytes, commitment: file.original.commitment },
    removed: [],
    tools: [],
  };
}

/** Seals the commitment's salt for reviewers, so they can later check an original a witness shows them. */
async function sealReceipt(ctx: FileContext, index: number, file: DecryptedFile, pending: PendingFile) {
  const json = JSON.stringify({
    v: 1,
    submission: ctx.submissionId,
    index,
    salt: file.original.salt,
    commitment: file.original.commitment,
  });
  const key = resultKey(ctx.submissionId, index, 'receipt');
  const sealed = await sealBytes(
    ctx.crypto,
    utf8(json),
    ctx.roster.recipients,
    { name: `${index + 1}-receipt.json`, type: 'application/json' },
    ctx.scratch.path(`f${index}-receipt`),
  );
  pending.blobs.push({ key, path: sealed.path, bytes: sealed.envelope.bytes });
  pending.record.receipt = stored(key, sealed);
}

function withRoster(ctx: FileContext, record: RecordBody): RecordBody {
  return { ...record, roster: { version: ctx.roster.version, recipients: [...ctx.roster.fingerprints] } };
}

/** Decrypts file `index` into scratch (the caller opens the intake source). */
export function decryptFile(ctx: FileContext, index: number, source: AsyncIterable<Uint8Array>) {
  return decryptToFile(ctx.crypto, source, ctx.scratch.path(`f${index}-plain`));
}

export async function processNote(
  ctx: FileContext,
  index: number,
  file: DecryptedFile,
): Promise<PendingFile> {
  const plainPath = ctx.scratch.path(`f${index}-plain`);
  const pending: PendingFile = { index, blobs: [], record: baseRecord(ctx, index, file) };
  try {
    const problem =
      file.original.bytes > MAX_NOTE_BYTES ? 'note-too-large' : checkNote(await readFile(plainPath));
    if (problem !== undefined) {
      pending.record = { ...pending.record, status: 'refused', kind: 'note', reason: problem };
    } else {
      const key = resultKey(ctx.submissionId, index, 'sanitised');
      const sealed = await sealFile(
        ctx.crypto,
        plainPath,
        ctx.roster.recipients,
        { name: `${index + 1}-note.txt`, type: 'text/plain' },
        ctx.scratch.path(`f${index}-sealed`),
      );
      pending.blobs.push({ key, path: sealed.path, bytes: sealed.envelope.bytes });
      pending.record = withRoster(ctx, {
        ...pending.record,
        status: 'sealed',
        kind: 'note',
        mediaType: 'text/plain',
        sanitised: sealed.plaintext,
        sealed: stored(key, sealed),
      });
    }
    await sealReceipt(ctx, index, file, pending);
    pending.record = withRoster(ctx, pending.record);
    return pending;
  } finally {
    await rm(plainPath, { force: true });
  }
}

export async function processMedia(
  ctx: FileContext,
  index: number,
  file: DecryptedFile,
  keepOriginal: boolean,
): Promise<PendingFile> {
  const plainPath = ctx.scratch.path(`f${index}-plain`);
  const pending: PendingFile = { index, blobs: [], record: baseRecord(ctx, index, file) };
  let result: SanitizeResult | undefined;
  try {
    try {
      result = await ctx.sanitize({ path: plainPath, scratchDir: ctx.scratch.dir });
    } catch (error) {
      if (!(error instanceof RefusedMediaError)) throw error;
      pending.record = { ...pending.record, status: 'refused', kind: 'unknown', reason: error.reason };
      await sealReceipt(ctx, index, file, pending);
      pending.record = withRoster(ctx, pending.record);
      return pending;
    }
    const key = resultKey(ctx.submissionId, index, 'sanitised');
    const sealed = await sealFile(
      ctx.crypto,
      result.outputPath,
      ctx.roster.recipients,
      { name: `${index + 1}-sanitised.${extensionOf(result.mediaType)}`, type: result.mediaType },
      ctx.scratch.path(`f${index}-sealed`),
    );
    await rm(result.outputPath, { force: true });
    pending.blobs.push({ key, path: sealed.path, bytes: sealed.envelope.bytes });
    pending.record = {
      ...pending.record,
      status: 'sealed',
      kind: result.kind,
      mediaType: result.mediaType,
      sanitised: sealed.plaintext,
      sealed: stored(key, sealed),
      removed: [...result.removed],
      tools: result.tool.map((t) => ({ name: t.name, version: t.version, args: [...t.args] })),
    };
    if (keepOriginal) {
      const originalType = await ctx.sniffType(plainPath);
      const originalKey = resultKey(ctx.submissionId, index, 'original');
      const original = await sealFile(
        ctx.crypto,
        plainPath,
        ctx.roster.recipients,
        {
          name: `${index + 1}-original-unsanitised.${extensionOf(originalType)}`,
          ...(originalType !== undefined ? { type: originalType } : {}),
          commitment: { salt: file.original.salt, sha256: file.original.commitment },
        },
        ctx.scratch.path(`f${index}-original`),
      );
      pending.blobs.push({ key: originalKey, path: original.path, bytes: original.envelope.bytes });
      pending.record.sealedOriginal = stored(originalKey, original);
    }
    await sealReceipt(ctx, index, file, pending);
    pending.record = withRoster(ctx, pending.record);
    return pending;
  } finally {
    await rm(plainPath, { force: true });
    if (result !== undefined) await rm(result.outputPath, { force: true });
  }
}

/**
 * The witness's choices: never released, recorded as `control` (or refused if invalid). Returns the
 * indexes whose original to keep when the file is valid, counts (`first`) and names only media files.
 */
export async function processChoices(
  ctx: FileContext,
  index: number,
  file: DecryptedFile,
  kinds: ReadonlyMap<number, PageFileKind>,
  first: boolean,
): Promise<{ keep?: Set<number>; pending: PendingFile }> {
  const plainPath = ctx.scratch.path(`f${index}-plain`);
  let parsed: Set<number> | undefined;
  try {
    if (file.original.bytes <= MAX_CHOICES_BYTES)
      parsed = parseChoices(await readFile(plainPath), kinds.size);
  } finally {
    await rm(plainPath, { force: true });
  }
  const valid = first && parsed !== undefined && [...parsed].every((i) => kinds.get(i) === 'media');
  const record: RecordBody = {
    ...baseRecord(ctx, index, file),
    status: valid ? 'control' : 'refused',
    kind: 'choices',
    ...(valid ? {} : { reason: 'invalid-choices' }),
  };
  return { ...(valid ? { keep: parsed } : {}), pending: { index, blobs: [], record } };
}
