// `kua pull`: log in with the reviewer's signing key, list what was sealed to this reviewer, pull and
// verify every submission not yet complete in OUT, mark each verified one received, print a table.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toHex } from '../../core/bytes.js';
import { fingerprint } from '../../core/fingerprint.js';
import type { Sodium } from '../../core/sodium.js';
import type { ReviewerKeys } from '../reviewer-key.js';
import { type Fetch, ReviewerApi } from './api.js';
import { VerificationError } from './errors.js';
import {
  checkRecordInLog,
  latestConsistentCheckpoint,
  readSavedCheckpoint,
  saveCheckpoint,
} from './log-check.js';
import { LogClient } from './log-client.js';
import { signLogin } from './login.js';
import { pinOrigin, STATE_DIR } from './pin.js';
import { alreadyPulled, pullSubmission } from './pull-submission.js';
import type { SummaryRow } from './table.js';

export interface PullOptions {
  sodium: Sodium;
  server: string;
  keys: ReviewerKeys;
  logPublicKey: Uint8Array;
  /** The log's checkpoint origin, if pinned (else the origin the pinned key signs is pinned now). */
  logOrigin?: string | undefined;
  outDir: string;
  now: () => Date;
  report: (line: string) => void;
  fetch?: Fetch;
}

export interface PullResult {
  rows: SummaryRow[];
  failures: number;
}

export class PullFailedError extends VerificationError {
  constructor(count: number) {
    super(
      'VERIFICATION_FAILED',
      `${count} file(s) failed verification; they are kept in the quarantine folder, not delivered`,
    );
  }
}

/** The last checkpoint this folder accepted (a signed note); the next pull requires the log to extend it. */
export const CHECKPOINT_FILE = 'checkpoint';

export async function pull(options: PullOptions): Promise<PullResult> {
  const { sodium, keys } = options;
  // Created private; an existing folder the reviewer chose keeps its permissions.
  await mkdir(options.outDir, { recursive: true, mode: 0o700 });
  const api = new ReviewerApi(options.server, options.fetch);
  await api.login(toHex(fingerprint(sodium, keys.ed25519PublicKey)), (nonce) =>
    signLogin(sodium, nonce, keys.ed25519SecretKey),
  );
  const listed = await api.list();
  // The log, after listing (every listed submission is logged before it is listed, so the checkpoint
  // covers it) and before anything is downloaded or marked: a portal whose log does not extend the one
  // seen before is refused there, and nothing already delivered is touched.
  const log = new LogClient(options.server, options.fetch);
  const savedFile = path.join(options.outDir, STATE_DIR, CHECKPOINT_FILE);
  const { latest } = await latestConsistentCheckpoint(
    sodium,
    log,
    { publicKey: options.logPublicKey, origin: options.logOrigin },
    await readSavedCheckpoint(savedFile),
  );
  if (options.logOrigin === undefined) await pinOrigin(sodium, options.outDir, latest.origin);
  await mkdir(path.dirname(savedFile), { recursive: true, mode: 0o700 });
  await saveCheckpoint(savedFile, latest.note);
  const rows: SummaryRow[] = [];
  let failures = 0;
  for (const submission of listed) {
    const files = submission.files.filter((f) => f.status !== 'control');
    if (await alreadyPulled(options.outDir, submission.id)) {
      if (!submission.received) await api.markReceived(submission.id);
      rows.push({
        submission: submission.id,
        state: 'already pulled',
        files: files.length,
        refused: files.filter((f) => f.status === 'refused').length,
        originals: files.filter((f) => f.blobs.original !== undefined).length,
        notes: files.filter((f) => f.kind === 'note').length,
      });
      continue;
    }
    const manifest = await pullSubmission(
      {
        sodium,
        api,
        identity: { x25519PublicKey: keys.x25519PublicKey, x25519SecretKey: keys.x25519SecretKey },
        logPublicKey: options.logPublicKey,
        checkInLog: (record, where) => checkRecordInLog(log, latest, record, where),
        outDir: options.outDir,
        now: options.now,
        report: options.report,
      },
      submission,
    );
    if (manifest.complete) await api.markReceived(submission.id);
    const failed = manifest.files.filter((f) => f.status === 'failed').length;
    failures += failed;
    rows.push({
      submission: submission.id,
      state: manifest.complete ? 'new' : 'FAILED',
      files: manifest.files.length,
      refused: manifest.files.filter((f) => f.status === 'refused').length,
      originals: manifest.originalsIncluded,
      notes: manifest.files.filter((f) => f.note !== undefined).length,
    });
  }
  return { rows, failures };
}
