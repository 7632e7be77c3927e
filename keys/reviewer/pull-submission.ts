// One submission: for each file, fetch its signed record and check it against the pinned log key; fetch
// each sealed blob the record names, check its SHA-256 against the record, decrypt it locally and check
// the plaintext against the record; keep the record; write manifest.json last. A file that fails is
// quarantined and reported; the others are still delivered, and the submission stays incomplete (not
// marked received) so the next run tries again.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fromUtf8, toHex } from '../../core/bytes.js';
import type { ProvenanceRecord } from '../../core/contracts/record.js';
import type { Identity } from '../../core/envelope/index.js';
import { fingerprint } from '../../core/fingerprint.js';
import type { Sodium } from '../../core/sodium.js';
import type { BlobName, ListedFile, ListedSubmission, ReviewerApi } from './api.js';
import { decryptFileTo, EnvelopeDecryptError, hashFile, saltedHash } from './decrypt-file.js';
import { downloadBlob } from './download.js';
import {
  MalformedRecordError,
  PlaintextMismatchError,
  TamperedBlobError,
  VerificationError,
} from './errors.js';
import { MANIFEST_FILE, type ManifestFile, type SubmissionManifest, writeManifest } from './manifest.js';
import { blobFileName, outputName } from './names.js';
import { STATE_DIR } from './pin.js';
import { quarantine } from './quarantine.js';
import { checkRecordPlace, checkSignedRecord } from './records.js';

const MAX_NOTE_CHARS = 100_000;
/** Records are a few kilobytes; a larger one is refused before it is downloaded. */
const MAX_RECORD_BYTES = 1024 * 1024;

export interface PullDeps {
  sodium: Sodium;
  api: ReviewerApi;
  identity: Identity;
  logPublicKey: Uint8Array;
  /** Checks that the portal's signed log holds the record's entries (keys/reviewer/log-check.ts). */
  checkInLog?: (record: ProvenanceRecord, where: string) => Promise<void>;
  outDir: string;
  now: () => Date;
  /** One line per problem (stderr). */
  report: (line: string) => void;
}

export interface SubmissionOutcome {
  manifest: SubmissionManifest;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when OUT/<id>/manifest.json says a previous run verified everything. */
export async function alreadyPulled(outDir: string, id: string): Promise<boolean> {
  const value = (await readJson(path.join(outDir, id, MANIFEST_FILE))) as { complete?: unknown } | undefined;
  return value?.complete === true;
}

class FileJob {
  readonly where: string;
  readonly downloads: string;
  readonly entry: ManifestFile;

  constructor(
    private readonly deps: PullDeps,
    private readonly id: string,
    private readonly listed: ListedFile,
    private readonly dir: string,
  ) {
    this.where = `submission ${id} file ${listed.index}`;
    this.downloads = path.join(deps.outDir, STATE_DIR, 'downloads', id);
    this.entry = { index: listed.index, status: 'failed' };
  }

  private get index(): number {
    return this.listed.index;
  }

  /** Moves a failing file to quarantine and rethrows the verification error with where it went. */
  private async fail(file: string, name: string, error: VerificationError): Promise<never> {
    const kept = await quarantine(this.deps.outDir, this.id, file, name);
    throw Object.assign(error, { message: `${error.message} (kept in ${kept})` });
  }

  private async fetch(blob: BlobName, expected: { sha256: string; bytes: number }): Promise<string> {
    const target = path.join(this.downloads, blobFileName(this.index, blob));
    await downloadBlob(this.deps.api, { id: this.id, index: this.index, blob }, target, expected);
    return target;
  }

  async record(): Promise<ProvenanceRecord> {
    const listed = this.listed.blobs.record;
    if (listed.bytes > MAX_RECORD_BYTES) throw new MalformedRecordError(this.where, 'too large');
    const file = await this.fetch('record', listed);
    const bytes = new Uint8Array(await readFile(file));
    try {
      const record = checkSignedRecord(this.deps.sodium, bytes, this.deps.logPublicKey, this.where);
      checkRecordPlace(record, this.id, this.index, this.where);
      await this.deps.checkInLog?.(record, this.where);
      await mkdir(path.join(this.dir, 'records'), { recursive: true, mode: 0o700 });
      const kept = path.join('records', `${this.index}.json`);
      await writeFile(path.join(this.dir, kept), bytes, { mode: 0o600 });
      await rm(file, { force: true });
      this.entry.record = kept;
      return record;
    } catch (error) {
      if (error instanceof VerificationError)
        return this.fail(file, blobFileName(this.index, 'record'), error);
      throw error;
    }
  }

  /** Downloads a sealed blob, checks it against the record, decrypts it into `into`. */
  private async open(
    blob: Exclude<BlobName, 'record'>,
    stored: { sha256: string; bytes: number },
    into: string,
  ): Promise<{
    path: string;
    sha256: string;
    bytes: number;
    manifest: { commitment?: { salt: string; sha256: string } };
  }> {
    const envelope = await this.fetch(blob, stored);
    const name = blobFileName(this.index, blob);
    const got = await hashFile(envelope);
    if (got.sha256 !== stored.sha256 || got.bytes !== stored.bytes) {
      return this.fail(
        envelope,
        name,
        new TamperedBlobError(this.where, `the ${blob} envelope's SHA-256 does not match the signed record`),
      );
    }
    let decrypted: Awaited<ReturnType<typeof decryptFileTo>>;
    try {
      decrypted = await decryptFileTo(this.deps.sodium, this.deps.identity, envelope, (m) =>
        path.join(into, outputName(m.name, this.index, blob)),
      );
    } catch (error) {
      if (error instanceof EnvelopeDecryptError) {
        return this.fail(
          envelope,
          name,
          new TamperedBlobError(this.where, `the ${blob} envelope could not be decrypted with this key`),
        );
      }
      throw error;
    }
    await rm(envelope, { force: true });
    return decrypted;
  }

  async run(): Promise<ManifestFile> {
    await mkdir(this.downloads, { recursive: true, mode: 0o700 });
    const record = await this.record();
    const entry = this.entry;
    entry.status = record.status === 'sealed' ? 'sealed' : 'refused';
    entry.kind = record.kind;
    if (record.mediaType !== undefined) entry.mediaType = record.mediaType;
    if (record.reason !== undefined) entry.reason = record.reason;
    entry.removed = [...record.removed];
    entry.tools = record.tools.map((t) => `${t.name} ${t.version}`);
    entry.receivedAt = record.receivedAt;
    entry.processedAt = record.processedAt;
    entry.original = {
      included: false,
      bytes: record.original.bytes,
      commitment: record.original.commitment,
    };

    if (record.status === 'sealed') {
      if (record.sealed === undefined || record.sanitised === undefined) {
        throw new MalformedRecordError(this.where, 'a sealed file without its sealed envelope');
      }
      const out = await this.open('sanitised', record.sealed, this.dir);
      if (out.sha256 !== record.sanitised.sha256 || out.bytes !== record.sanitised.bytes) {
        await this.fail(
          out.path,
          path.basename(out.path),
          new PlaintextMismatchError(this.where, 'SHA-256 of the sanitised file'),
        );
      }
      entry.file = path.basename(out.path);
      entry.sha256 = out.sha256;
      entry.bytes = out.bytes;
      entry.sealed = { sha256: record.sealed.sha256, bytes: record.sealed.bytes };
      if (record.kind === 'note') {
        const text = fromUtf8(new Uint8Array(await readFile(out.path)));
        entry.note = text.length > MAX_NOTE_CHARS ? `${text.slice(0, MAX_NOTE_CHARS)}…` : text;
      }
    }
    if (record.receipt !== undefined) {
      const receipt = await this.open('receipt', record.receipt, this.downloads);
      const value = (await readJson(receipt.path)) as { salt?: unknown; commitment?: unknown } | undefined;
      if (
        value?.commitment !== record.original.commitment ||
        typeof value.salt !== 'string' ||
        !/^[0-9a-f]{64}$/.test(value.salt)
      ) {
        await this.fail(
          receipt.path,
          blobFileName(this.index, 'receipt'),
          new PlaintextMismatchError(this.where, 'the receipt does not match the record'),
        );
      }
      entry.original.salt = value!.salt as string;
      await rm(receipt.path, { force: true });
    }
    if (record.sealedOriginal !== undefined) {
      const original = await this.open('original', record.sealedOriginal, this.dir);
      const salt = original.manifest.commitment?.salt ?? entry.original.salt;
      const ok =
        salt !== undefined &&
        original.bytes === record.original.bytes &&
        (await saltedHash(original.path, salt)) === record.original.commitment;
      if (!ok) {
        await this.fail(
          original.path,
          path.basename(original.path),
          new PlaintextMismatchError(this.where, 'the original does not match its commitment'),
        );
      }
      entry.original.included = true;
      entry.original.file = path.basename(original.path);
      if (entry.original.salt === undefined && salt !== undefined) entry.original.salt = salt;
    }
    return entry;
  }
}

export async function pullSubmission(deps: PullDeps, listed: ListedSubmission): Promise<SubmissionManifest> {
  const dir = path.join(deps.outDir, listed.id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: ManifestFile[] = [];
  const problems: string[] = [];
  for (const file of [...listed.files].sort((a, b) => a.index - b.index)) {
    if (file.status === 'control') continue;
    const job = new FileJob(deps, listed.id, file, dir);
    try {
      files.push(await job.run());
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      deps.report(`kua: ${error.message}`);
      problems.push(error.message);
      files.push({ ...job.entry, status: 'failed', problem: error.code });
    }
  }
  const first = files.find((f) => f.receivedAt !== undefined);
  const manifest: SubmissionManifest = {
    v: 1,
    submission: listed.id,
    complete: problems.length === 0,
    pulledAt: deps.now().toISOString(),
    logKeyFingerprint: toHex(fingerprint(deps.sodium, deps.logPublicKey)),
    ...(first?.receivedAt !== undefined ? { receivedAt: first.receivedAt } : {}),
    ...(first?.processedAt !== undefined ? { processedAt: first.processedAt } : {}),
    originalsIncluded: files.filter((f) => f.original?.included).length,
    files,
    problems,
  };
  await writeManifest(dir, manifest);
  return manifest;
}
