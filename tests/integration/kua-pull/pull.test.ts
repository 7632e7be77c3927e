// kua pull / decrypt / verify through the real CLI (dist/keys/cli.js) against the real reviewer API
// (createApp with server/reviewer) serving results the real worker pipeline produced (sharp, exiftool)
// from submissions stored as the intake server stores them, on real Redis.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toBase64 } from '../../../core/base64.js';
import { utf8 } from '../../../core/bytes.js';
import {
  parseSignedRecord,
  resultKey,
  serializeSignedRecord,
  signRecord,
} from '../../../core/contracts/record.js';
import { loadPublicKeys } from '../../../keys/load-keys.js';
import { createLogger } from '../../../runtime/logger.js';
import { createLogReader } from '../../../runtime/provenance-log/index.js';
import { redisRosterHighWater } from '../../../runtime/roster-high-water.js';
import { createApp } from '../../../server/app.js';
import { rosterFileReader } from '../../../server/reviewer/index.js';
import { processSubmission } from '../../../worker/pipeline.js';
import { corpusDir, createFixture, type Fixture, readBlob } from '../worker/harness.js';

const run = promisify(execFile);
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
const identities: Record<string, string> = {};
const submissions: string[] = [];

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

const keyFile = (name: string) => path.join(work, `${name}.key`);
const pullArgs = (name: string, out: string, extra: string[] = []) => [
  'pull',
  '--server',
  url,
  '--key',
  keyFile(name),
  '--out',
  out,
  '--passphrase-file',
  passFile,
  ...extra,
];
const orgConfig = () => ['--org-config', path.join(fixture.keysDir, 'public.json')];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function submitAndProcess(files: { bytes: Uint8Array; name: string; type: string }[]): Promise<string> {
  const id = await fixture.submit(
    files.map((f) => ({ bytes: f.bytes, manifest: { name: f.name, type: f.type } })),
  );
  await processSubmission(fixture.deps(), id, id);
  submissions.push(id);
  return id;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/keys/cli.js is missing: run `npm run build` first');
  fixture = await createFixture({ roster: false });
  work = await mkdtemp(path.join(tmpdir(), 'kua-pull-'));
  passFile = path.join(work, 'pass.txt');
  await writeFile(passFile, `${PASS}\n`);
  for (const name of ['alice', 'bob']) {
    const made = await kua(['reviewer', 'keygen', '--out', keyFile(name), '--passphrase-file', passFile]);
    expect(made.code).toBe(0);
    identities[name] = made.stdout.trim();
    const added = await kua(['roster', 'add', name, identities[name]!, '--dir', fixture.keysDir]);
    expect(added.code).toBe(0);
  }
  const photo = new Uint8Array(await readFile(path.join(corpusDir, 'exifr_google_pixel_gps.jpg')));
  await submitAndProcess([
    { bytes: photo, name: 'IMG_2024_secret_place.jpg', type: 'image/jpeg' },
    { bytes: utf8('They came at night. Улица Абая, 12.\n'), name: 'note.txt', type: 'text/plain' },
    {
      bytes: utf8(JSON.stringify({ v: 1, keepOriginal: [0] })),
      name: 'choices.json',
      type: 'application/json',
    },
  ]);
  await submitAndProcess([{ bytes: utf8('second submission note'), name: 'note.txt', type: 'text/plain' }]);

  const webRoot = path.join(work, 'web');
  mkdirSync(webRoot);
  const logger = createLogger({ level: 'error', component: 'server', sink: () => {} });
  const app = createApp({
    health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
    logger,
    webRoot,
    trustProxy: false,
    // kua pull checks every record against the provenance log (tests/integration/kua-log).
    log: { reader: createLogReader(fixture.store) },
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

describe('kua pull', () => {
  it('pulls, decrypts and verifies every submission sealed to the reviewer, and writes manifest.json', async () => {
    const out = path.join(work, 'alice-out');
    const result = await kua(pullArgs('alice', out, orgConfig()));
    expect(result.stderr).not.toMatch(/kua: /);
    expect(result.code).toBe(0);
    const [first, second] = submissions as [string, string];
    expect(result.stdout).toMatch(new RegExp(`${first}\\s+new\\s+2\\s+0\\s+1\\s+1`));
    expect(result.stdout).toMatch(new RegExp(`${second}\\s+new\\s+1\\s+0\\s+0\\s+1`));

    const files = (await readdir(path.join(out, first))).sort();
    expect(files).toEqual([
      '1-original-unsanitised.jpg',
      '1-sanitised.jpg',
      '2-note.txt',
      'manifest.json',
      'records',
    ]);
    const manifest = JSON.parse(await readFile(path.join(out, first, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      v: 1,
      submission: first,
      complete: true,
      originalsIncluded: 1,
      problems: [],
    });
    const [photo, note] = manifest.files;
    expect(note).toMatchObject({
      status: 'sealed',
      kind: 'note',
      note: 'They came at night. Улица Абая, 12.\n',
    });
    expect(photo).toMatchObject({
      status: 'sealed',
      kind: 'image',
      mediaType: 'image/jpeg',
      file: '1-sanitised.jpg',
    });
    expect(photo.removed).toContain('location');
    expect(photo.original).toMatchObject({ included: true, file: '1-original-unsanitised.jpg' });
    // The decrypted file is what the signed record says reviewers get.
    const sanitised = new Uint8Array(await readFile(path.join(out, first, '1-sanitised.jpg')));
    const record = parseSignedRecord(
      await readFile(path.join(out, first, 'records', '0.json'), 'utf8'),
    ).record;
    expect(sha256(sanitised)).toBe(record.sanitised!.sha256);
    expect(photo.sha256).toBe(record.sanitised!.sha256);
    // The original is byte-for-byte the witness's file; the sanitised one carries no GPS.
    const original = await readFile(path.join(out, first, '1-original-unsanitised.jpg'));
    expect(original.equals(await readFile(path.join(corpusDir, 'exifr_google_pixel_gps.jpg')))).toBe(true);
    const tags = JSON.parse(
      (await run('exiftool', ['-j', '-G1', '-a', '-n', path.join(out, first, '1-sanitised.jpg')])).stdout,
    )[0] as Record<string, unknown>;
    const identifying = Object.keys(tags).filter((t) =>
      /GPS|Serial|Make|Model|Owner|DateTime|XMP|IPTC/i.test(t),
    );
    expect(identifying).toEqual([]);
    const originalTags = (
      await run('exiftool', ['-j', '-G1', '-a', path.join(out, first, '1-original-unsanitised.jpg')])
    ).stdout;
    expect(originalTags).toMatch(/GPS/); // the test would notice if the corpus file had nothing to remove
    // Nothing half-done is left behind.
    expect(await readdir(path.join(out, '.kua', 'downloads', first))).toEqual([]);
    expect(existsSync(path.join(out, 'quarantine'))).toBe(false);
  }, 120_000);

  it('skips what is already pulled on a rerun', async () => {
    const out = path.join(work, 'alice-out');
    const before = await readFile(path.join(out, submissions[0]!, 'manifest.json'), 'utf8');
    const result = await kua(pullArgs('alice', out));
    expect(result.code).toBe(0);
    expect(result.stdout.match(/already pulled/g)).toHaveLength(2);
    expect(await readFile(path.join(out, submissions[0]!, 'manifest.json'), 'utf8')).toBe(before);
  }, 60_000);

  it('refuses to change the pinned log key', async () => {
    const other = toBase64(fixture.sodium.crypto_sign_keypair().publicKey);
    const result = await kua(pullArgs('alice', path.join(work, 'alice-out'), ['--log-key', other]));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^kua: the given log key .* differs from the one pinned in this folder.*\n$/,
    );
  }, 60_000);

  it('needs a log key to pin on the first pull', async () => {
    const result = await kua(pullArgs('alice', path.join(work, 'unpinned')));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no log key pinned/);
  }, 60_000);
});

describe('login', () => {
  it('is refused for a key that is not on the roster', async () => {
    const made = await kua([
      'reviewer',
      'keygen',
      '--out',
      keyFile('mallory'),
      '--passphrase-file',
      passFile,
    ]);
    expect(made.code).toBe(0);
    const out = path.join(work, 'mallory-out');
    const result = await kua(pullArgs('mallory', out, orgConfig()));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kua: login refused by the portal/m);
    expect(result.stdout).toBe('');
    expect((await readdir(out)).filter((f) => f !== '.kua')).toEqual([]);
  }, 60_000);

  it('with the wrong passphrase fails before contacting the portal', async () => {
    const wrong = path.join(work, 'wrong-pass.txt');
    await writeFile(wrong, 'not the passphrase\n');
    const args = pullArgs('alice', path.join(work, 'alice-out'));
    args[args.indexOf(passFile)] = wrong;
    const result = await kua(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kua: wrong passphrase/m);
  }, 60_000);
});

describe('tampering is detected with distinct messages and quarantined', () => {
  async function withAltered(
    key: string,
    alter: (bytes: Uint8Array) => Uint8Array,
    run: () => Promise<void>,
  ) {
    const original = await readBlob(fixture.store, key);
    const altered = alter(original);
    await fixture.store.put(
      key,
      (async function* () {
        yield altered;
      })(),
    );
    try {
      await run();
    } finally {
      await fixture.store.put(
        key,
        (async function* () {
          yield original;
        })(),
      );
    }
  }

  async function pullExpectingFailure(out: string, message: RegExp, quarantined: string) {
    const result = await kua(pullArgs('bob', out, orgConfig()));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const second = submissions[1]!;
    expect(await readdir(path.join(out, 'quarantine', second))).toContain(quarantined);
    const manifest = JSON.parse(await readFile(path.join(out, second, 'manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(false);
    // The other submission was still delivered.
    expect(
      JSON.parse(await readFile(path.join(out, submissions[0]!, 'manifest.json'), 'utf8')).complete,
    ).toBe(true);
    return result;
  }

  it('a tampered blob', async () => {
    const second = submissions[1]!;
    await withAltered(
      resultKey(second, 0, 'sanitised'),
      (b) => {
        const c = b.slice();
        c[c.length - 5]! ^= 1;
        return c;
      },
      async () => {
        const result = await pullExpectingFailure(
          path.join(work, 'bob-blob'),
          /tampered blob/,
          '0.sanitised.kua',
        );
        expect(result.stderr).not.toMatch(/tampered record|different key/);
      },
    );
  }, 120_000);

  it('a tampered record', async () => {
    const second = submissions[1]!;
    await withAltered(
      resultKey(second, 0, 'record'),
      (b) =>
        utf8(
          new TextDecoder()
            .decode(b)
            .replace(/"processedAt":"(\d)/, (_m, d) => `"processedAt":"${(Number(d) + 1) % 10}`),
        ),
      async () => {
        const result = await pullExpectingFailure(
          path.join(work, 'bob-record'),
          /tampered record/,
          '0.record.json',
        );
        expect(result.stderr).not.toMatch(/tampered blob|different key/);
      },
    );
  }, 120_000);

  it('a record signed by a different key', async () => {
    const second = submissions[1]!;
    const stranger = fixture.sodium.crypto_sign_keypair();
    await withAltered(
      resultKey(second, 0, 'record'),
      (b) =>
        serializeSignedRecord(
          signRecord(fixture.sodium, parseSignedRecord(new TextDecoder().decode(b)).record, {
            publicKey: stranger.publicKey,
            secretKey: stranger.privateKey,
          }),
        ),
      async () => {
        const result = await pullExpectingFailure(
          path.join(work, 'bob-signer'),
          /record signed by a different key/,
          '0.record.json',
        );
        expect(result.stderr).not.toMatch(/tampered/);
      },
    );
  }, 120_000);
});

describe('resumed downloads', () => {
  it('continue from the partial file with a Range request, and the whole result is still checked', async () => {
    const second = submissions[1]!;
    const out = path.join(work, 'alice-resume');
    const downloads = path.join(out, '.kua', 'downloads', second);
    mkdirSync(downloads, { recursive: true });
    const envelope = await readBlob(fixture.store, resultKey(second, 0, 'sanitised'));
    const half = Math.floor(envelope.length / 2);
    // A correct first half: the rest is fetched and the file verifies.
    await writeFile(path.join(downloads, '0.sanitised.kua.part'), envelope.subarray(0, half));
    const ok = await kua(pullArgs('alice', out, orgConfig()));
    expect(ok.code).toBe(0);
    expect(await readFile(path.join(out, second, '1-note.txt'), 'utf8')).toBe('second submission note');

    // A wrong first half of the right length: the server sends only the tail (Range honoured), and the
    // spliced file fails its hash check instead of being trusted.
    const out2 = path.join(work, 'alice-resume-bad');
    const downloads2 = path.join(out2, '.kua', 'downloads', second);
    mkdirSync(downloads2, { recursive: true });
    await writeFile(path.join(downloads2, '0.sanitised.kua.part'), new Uint8Array(half));
    const bad = await kua(pullArgs('alice', out2, orgConfig()));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/tampered blob/);
    const kept = await readFile(path.join(out2, 'quarantine', second, '0.sanitised.kua'));
    expect(kept.subarray(half).equals(Buffer.from(envelope.subarray(half)))).toBe(true);
    expect(kept.length).toBe(envelope.length);
  }, 120_000);
});

describe('kua decrypt and kua verify (offline)', () => {
  it('decrypt an envelope and verify both the envelope and the plaintext against the record', async () => {
    const first = submissions[0]!;
    const envelope = path.join(work, 'sealed.kua');
    await writeFile(envelope, await readBlob(fixture.store, resultKey(first, 0, 'sanitised')));
    const out = path.join(work, 'decrypted.jpg');
    const decrypted = await kua([
      'decrypt',
      envelope,
      '--key',
      keyFile('alice'),
      '--out',
      out,
      '--passphrase-file',
      passFile,
    ]);
    expect(decrypted.code).toBe(0);
    const pulled = await readFile(path.join(work, 'alice-out', first, '1-sanitised.jpg'));
    expect((await readFile(out)).equals(pulled)).toBe(true);

    const record = path.join(work, 'alice-out', first, 'records', '0.json');
    const plain = await kua(['verify', out, '--record', record]); // log key from the pull folder's pin
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^OK: the file is the sanitised file of submission/);
    const sealed = await kua(['verify', envelope, '--record', record, ...orgConfig()]);
    expect(sealed.code).toBe(0);
    expect(sealed.stdout).toMatch(/^OK: the file is the sealed envelope of submission/);

    const other = path.join(work, 'other.bin');
    await writeFile(other, 'not the file');
    const wrong = await kua(['verify', other, '--record', record]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^kua: the file does not match the record/);
    const again = await kua([
      'decrypt',
      envelope,
      '--key',
      keyFile('alice'),
      '--out',
      out,
      '--passphrase-file',
      passFile,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  }, 60_000);
});

describe('kua decrypt of an original', () => {
  it('checks the salted commitment the original carries against the record', async () => {
    const first = submissions[0]!;
    const envelope = path.join(work, 'original.kua');
    await writeFile(envelope, await readBlob(fixture.store, resultKey(first, 0, 'original')));
    const out = path.join(work, 'original.jpg');
    const result = await kua([
      'decrypt',
      envelope,
      '--key',
      keyFile('alice'),
      '--out',
      out,
      '--passphrase-file',
      passFile,
    ]);
    expect(result.code).toBe(0);
    const record = parseSignedRecord(
      await readFile(path.join(work, 'alice-out', first, 'records', '0.json'), 'utf8'),
    ).record;
    expect(result.stdout).toContain(
      `commitment ${record.original.commitment} (salted SHA-256 of the original) OK`,
    );
    expect(
      (await readFile(out)).equals(await readFile(path.join(corpusDir, 'exifr_google_pixel_gps.jpg'))),
    ).toBe(true);
  }, 60_000);
});

describe('a removed reviewer', () => {
  it('can no longer log in, and later submissions are not sealed to them', async () => {
    const removed = await kua(['roster', 'remove', 'bob', '--dir', fixture.keysDir]);
    expect(removed.code).toBe(0);
    const third = await submitAndProcess([
      { bytes: utf8('after removal'), name: 'note.txt', type: 'text/plain' },
    ]);

    const bob = await kua(pullArgs('bob', path.join(work, 'bob-late'), orgConfig()));
    expect(bob.code).toBe(1);
    expect(bob.stderr).toMatch(/^kua: login refused by the portal/m);

    const alice = await kua(pullArgs('alice', path.join(work, 'alice-out')));
    expect(alice.code).toBe(0);
    expect(alice.stdout).toMatch(new RegExp(`${third}\\s+new`));

    const envelope = path.join(work, 'late.kua');
    await writeFile(envelope, await readBlob(fixture.store, resultKey(third, 0, 'sanitised')));
    const decrypt = await kua([
      'decrypt',
      envelope,
      '--key',
      keyFile('bob'),
      '--out',
      path.join(work, 'late.txt'),
      '--passphrase-file',
      passFile,
    ]);
    expect(decrypt.code).toBe(1);
    expect(decrypt.stderr).toMatch(/could not be decrypted/);
  }, 120_000);
});

describe('--help', () => {
  it.each([['pull'], ['decrypt'], ['verify']])('kua %s --help', async (command) => {
    const result = await kua([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: kua ${command}`));
  });
});
