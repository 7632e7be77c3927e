// kua pull and kua verify --server against the portal's provenance log, with real parts: the real
// worker pipeline (real Redis, fs blob store, sharp/exiftool) logs what it received and produced; the
// real server (createApp with server/reviewer and server/log) serves it; the real CLI (dist/keys/cli.js)
// checks inclusion of every record, remembers the checkpoint, and refuses a log whose history was
// rewritten (one stored entry changed and a new checkpoint signed with the genuine log key) or a
// checkpoint not signed by the pinned key.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromUtf8, utf8 } from '../../../core/bytes.js';
import { parseLogEntry, serializeLogEntry } from '../../../core/contracts/log-entry.js';
import { fingerprint } from '../../../core/fingerprint.js';
import { logOrigin, rootFromLeafHashes, verifyCheckpoint } from '../../../core/merkle/index.js';
import { loadPublicKeys } from '../../../keys/load-keys.js';
import { createLogger } from '../../../runtime/logger.js';
import { readBlobBytes, writeBlob } from '../../../runtime/provenance-log/blob-io.js';
import {
  CHECKPOINT_KEY,
  createLogReader,
  entryKey,
  type LogReader,
  logSigner,
  signTreeHead,
} from '../../../runtime/provenance-log/index.js';
import { redisRosterHighWater } from '../../../runtime/roster-high-water.js';
import { createApp } from '../../../server/app.js';
import { rosterFileReader } from '../../../server/reviewer/index.js';
import { processSubmission } from '../../../worker/pipeline.js';
import { corpusDir, createFixture, type Fixture } from '../worker/harness.js';

const CLI = path.resolve('dist/keys/cli.js');
const TIMEOUT_MS = 60_000;
const PASS = 'correct horse battery staple';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let fixture: Fixture;
let work: string;
let passFile: string;
let server: ReturnType<ReturnType<typeof createApp>['listen']>;
let url: string;
let first: string;
/** The server's log reader; replaced to serve a fresh view (or a forged checkpoint). */
let reader: LogReader;

function kua(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, KUA_PWHASH_LIMITS: 'interactive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kua ${args[0]} timed out`));
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const out = () => path.join(work, 'alice-out');
const pullArgs = (extra: string[] = []) => [
  'pull',
  '--server',
  url,
  '--key',
  path.join(work, 'alice.key'),
  '--out',
  out(),
  '--passphrase-file',
  passFile,
  ...extra,
];
const orgConfig = () => ['--org-config', path.join(fixture.keysDir, 'public.json')];

async function submitAndProcess(files: { bytes: Uint8Array; name: string; type: string }[]): Promise<string> {
  const id = await fixture.submit(
    files.map((f) => ({ bytes: f.bytes, manifest: { name: f.name, type: f.type } })),
  );
  await processSubmission(fixture.deps(), id, id);
  return id;
}

/** The decrypted sanitised photo of the first submission, as kua pull delivered it. */
async function pulledPhoto(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(out(), first, 'manifest.json'), 'utf8'));
  const photo = manifest.files.find((f: { kind?: string }) => f.kind === 'image');
  return path.join(out(), first, photo.file);
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/keys/cli.js is missing: run `npm run build` first');
  fixture = await createFixture({ roster: false });
  work = await mkdtemp(path.join(tmpdir(), 'kua-log-'));
  passFile = path.join(work, 'pass.txt');
  await writeFile(passFile, `${PASS}\n`);
  const made = await kua([
    'reviewer',
    'keygen',
    '--out',
    path.join(work, 'alice.key'),
    '--passphrase-file',
    passFile,
  ]);
  expect(made.code).toBe(0);
  const added = await kua(['roster', 'add', 'alice', made.stdout.trim(), '--dir', fixture.keysDir]);
  expect(added.code).toBe(0);
  const photo = new Uint8Array(await readFile(path.join(corpusDir, 'exifr_google_pixel_gps.jpg')));
  first = await submitAndProcess([
    { bytes: photo, name: 'IMG_secret.jpg', type: 'image/jpeg' },
    { bytes: utf8('A note for the log test.\n'), name: 'note.txt', type: 'text/plain' },
  ]);

  reader = createLogReader(fixture.store);
  const proxy: LogReader = {
    checkpoint: () => reader.checkpoint(),
    size: () => reader.size(),
    entry: (i) => reader.entry(i),
    leafHashes: (n) => reader.leafHashes(n),
    inclusionProof: (i, n) => reader.inclusionProof(i, n),
    consistencyProof: (a, b) => reader.consistencyProof(a, b),
    lookup: (f, h) => reader.lookup(f, h),
    lookupId: (id) => reader.lookupId(id),
  };
  const webRoot = path.join(work, 'web');
  mkdirSync(webRoot);
  const logger = createLogger({ level: 'error', component: 'server', sink: () => {} });
  const app = createApp({
    health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
    logger,
    webRoot,
    trustProxy: false,
    log: { reader: proxy },
    reviewer: {
      sodium: fixture.sodium,
      orgPublicKey: (await loadPublicKeys(fixture.sodium, fixture.keysDir)).org,
      readRoster: rosterFileReader(fixture.keysDir),
      highWater: redisRosterHighWater(fixture.redis, `${fixture.prefix}roster:seen`),
      logger,
      redis: fixture.redis,
      store: fixture.store,
      keyPrefix: `${fixture.prefix}reviewer:`,
      sleep: async () => {},
    },
  });
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await fixture?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('kua pull and kua verify --server against the provenance log', () => {
  it('pull checks every record against the signed log, pins the origin and keeps the checkpoint', async () => {
    const result = await kua(pullArgs(orgConfig()));
    expect(result.stderr).not.toMatch(/kua: /);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${first}\\s+new`));
    const origin = logOrigin(fingerprint(fixture.sodium, fixture.keys.orgPublicKey));
    const pin = JSON.parse(await readFile(path.join(out(), '.kua', 'pinned.json'), 'utf8'));
    expect(pin.logOrigin).toBe(origin);
    const saved = await readFile(path.join(out(), '.kua', 'checkpoint'), 'utf8');
    expect(saved).toBe(await reader.checkpoint());
    const checkpoint = verifyCheckpoint(fixture.sodium, saved, {
      origin,
      name: origin,
      publicKey: fixture.keys.log.publicKey,
    });
    expect(checkpoint.size).toBe(await reader.size());
  }, 120_000);

  it('verify --server finds the pulled file, shows when it was received, and saves the checkpoint', async () => {
    const photo = await pulledPhoto();
    const saved = path.join(work, 'verify-checkpoint');
    const result = await kua(['verify', photo, '--server', url, '--save-checkpoint', saved]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const record = JSON.parse(await readFile(path.join(out(), first, 'manifest.json'), 'utf8')).files[0];
    expect(result.stdout).toContain(`sanitised file of submission ${first} file 0`);
    expect(result.stdout).toContain(`received    ${record.receivedAt}`);
    expect(await readFile(saved, 'utf8')).toBe(await reader.checkpoint());
    // Again, against the checkpoint saved: consistent.
    const again = await kua(['verify', photo, '--server', url, '--checkpoint', saved]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/consistent {2}with the saved checkpoint/);
  }, 60_000);

  it('verify --server says an unrelated file is not in the log', async () => {
    const other = path.join(work, 'unrelated.jpg');
    await writeFile(other, utf8('not a file the portal ever saw'));
    const result = await kua(['verify', other, '--server', url, ...orgConfig()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not in the log/);
  }, 60_000);

  it('refuses a checkpoint not signed by the pinned log key, and keeps the saved one', async () => {
    const genuine = createLogReader(fixture.store);
    const note = (await genuine.checkpoint()) as string;
    const other = fixture.sodium.crypto_sign_keypair();
    const forger = logSigner(fixture.sodium, fixture.keys.orgPublicKey, {
      publicKey: other.publicKey,
      secretKey: other.privateKey,
    });
    const lines = note.split('\n');
    const forged = signTreeHead(fixture.sodium, forger, Number(lines[1]), new Uint8Array(32).fill(7));
    const savedBefore = await readFile(path.join(out(), '.kua', 'checkpoint'), 'utf8');
    reader = { ...genuine, checkpoint: async () => forged };
    try {
      const pulled = await kua(pullArgs());
      expect(pulled.code).toBe(1);
      expect(pulled.stderr).toMatch(/checkpoint is not valid: it is not signed by the pinned log key/);
      const verified = await kua(['verify', await pulledPhoto(), '--server', url]);
      expect(verified.code).toBe(1);
      expect(verified.stderr).toMatch(/not signed by the pinned log key/);
      // An unsigned note is refused the same way.
      reader = { ...genuine, checkpoint: async () => `${lines.slice(0, 3).join('\n')}\n` };
      const unsigned = await kua(pullArgs());
      expect(unsigned.code).toBe(1);
      expect(unsigned.stderr).toMatch(/checkpoint is not valid/);
    } finally {
      reader = createLogReader(fixture.store);
    }
    expect(await readFile(path.join(out(), '.kua', 'checkpoint'), 'utf8')).toBe(savedBefore);
  }, 120_000);

  it('a file whose entries are missing from the log fails (kept in quarantine), the others are delivered', async () => {
    // Processed by a worker that did not log it: its records are signed, its log entries are missing.
    const unlogged = await fixture.submit([
      { bytes: utf8('Never logged.\n'), manifest: { name: 'note.txt', type: 'text/plain' } },
    ]);
    await processSubmission(fixture.deps({ provenanceLog: undefined }), unlogged, unlogged);
    const result = await kua(pullArgs());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `kua: submission ${unlogged} file 0: its received entry is not (yet) in the portal's log`,
    );
    expect(result.stdout).toMatch(new RegExp(`${unlogged}\\s+FAILED`));
    expect(result.stdout).toMatch(new RegExp(`${first}\\s+already pulled`));
    expect(existsSync(path.join(out(), 'quarantine', unlogged))).toBe(true);
  }, 120_000);

  it('refuses a log whose history was rewritten: one stored entry changed, a new checkpoint signed', async () => {
    const delivered = (await readdir(path.join(out(), first))).sort();
    const second = await submitAndProcess([
      { bytes: utf8('Second submission, after the first pull.\n'), name: 'note.txt', type: 'text/plain' },
    ]);
    // The portal rewrites entry 1 (the first file's `received` entry: another time) and signs a new
    // checkpoint over the rewritten history with the genuine log key.
    const stored = fromUtf8((await readBlobBytes(fixture.store, entryKey(1))) as Uint8Array);
    const entry = parseLogEntry(stored);
    expect(entry.kind).toBe('received');
    const rewritten = serializeLogEntry({ ...entry, receivedAt: '2020-01-01T00:00:00.000Z' } as typeof entry);
    expect(rewritten).not.toBe(stored);
    await writeBlob(fixture.store, entryKey(1), rewritten);
    reader = createLogReader(fixture.store);
    const size = await reader.size();
    const root = rootFromLeafHashes(await reader.leafHashes(size));
    const signer = logSigner(fixture.sodium, fixture.keys.orgPublicKey, fixture.keys.log);
    await writeBlob(fixture.store, CHECKPOINT_KEY, signTreeHead(fixture.sodium, signer, size, root));

    const pulled = await kua(pullArgs());
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(/the portal's log is not consistent with the one you saw before/);
    // Nothing already delivered is deleted; nothing new is taken from the inconsistent log.
    expect((await readdir(path.join(out(), first))).sort()).toEqual(delivered);
    expect(existsSync(path.join(out(), second))).toBe(false);

    const verified = await kua([
      'verify',
      await pulledPhoto(),
      '--server',
      url,
      '--checkpoint',
      path.join(work, 'verify-checkpoint'),
    ]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/the portal's log is not consistent with the one you saw before/);

    // A reviewer who never saw the log before cannot check consistency, but the rewritten entry no
    // longer says what the signed record says.
    const fresh = path.join(work, 'fresh-out');
    const newcomer = await kua([...pullArgs(orgConfig()).map((a) => (a === out() ? fresh : a))]);
    expect(newcomer.code).toBe(1);
    expect(newcomer.stderr).toContain(
      `kua: submission ${first} file 0: its received entry in the portal's log differs from the signed record`,
    );
  }, 120_000);
});
