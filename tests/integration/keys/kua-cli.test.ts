// Every kua command through the real CLI entry point (dist/keys/cli.js, built by `npm test` / `npm run build`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeIdentity } from '../../../core/identity.js';
import { readySodium } from '../../../core/sodium.js';

const CLI = path.resolve('dist/keys/cli.js');
const TIMEOUT_MS = 30_000;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string;
let passFile: string;
const PASS = 'a long passphrase — with ünïcode';

function kua(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      KUA_PWHASH_LIMITS: 'interactive',
      ...options.env,
    };
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? work,
      env,
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
      reject(new Error(`kua ${args.join(' ')} timed out`));
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** An expected failure: exit 1 (or 2 for usage), exactly one line on stderr, nothing on stdout, no stack. */
function expectOneLineError(result: Result, message: RegExp, code = 1): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^kua: [^\n]+\n$/);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
}

const mode = async (p: string) => (await stat(p)).mode & 0o777;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/keys/cli.js is missing: run `npm run build` first');
  work = await mkdtemp(path.join(tmpdir(), 'kua-cli-'));
  passFile = path.join(work, 'pass.txt');
  await writeFile(passFile, `${PASS}\n`);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('kua --help', () => {
  const commands = [
    [],
    ['init'],
    ['reviewer'],
    ['reviewer', 'keygen'],
    ['reviewer', 'identity'],
    ['roster'],
    ['roster', 'add'],
    ['roster', 'remove'],
    ['roster', 'list'],
  ];
  test.each(commands.map((c) => [c.join(' ') || '(top level)', c]))('%s --help', async (_name, command) => {
    const result = await kua([...(command as string[]), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: kua${command.length ? ` ${command.join(' ')}` : ''} `);
    expect(result.stderr).toBe('');
  });

  test('no command prints usage and exits 2; unknown commands and options are one-line usage errors', async () => {
    const none = await kua([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: kua');
    expectOneLineError(await kua(['frobnicate']), /unknown command 'frobnicate'/, 2);
    expectOneLineError(await kua(['init', '--force']), /unknown option '--force'/, 2);
    expectOneLineError(await kua(['roster', 'add', 'alice']), /missing required argument 'PUBLIC-ID'/, 2);
    expectOneLineError(await kua(['reviewer', 'keygen']), /required option '--out <FILE>'/, 2);
  });

  test('a passphrase on the command line is not accepted', async () => {
    const out = path.join(work, 'argv.key');
    expectOneLineError(
      await kua(['reviewer', 'keygen', '--out', out, '--passphrase', PASS]),
      /unknown option/,
      2,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('kua init', () => {
  test('creates 0600 secret files in a 0700 directory and prints the fingerprints', async () => {
    const dir = path.join(work, 'org');
    const result = await kua(['init', '--dir', dir]);
    expect(result.code).toBe(0);
    expect(await mode(dir)).toBe(0o700);
    for (const f of ['org.key', 'intake.key', 'log.key']) expect(await mode(path.join(dir, f))).toBe(0o600);
    const config = JSON.parse(await readFile(path.join(dir, 'public.json'), 'utf8'));
    const grouped = (hex: string) => hex.replace(/(.{4})(?!$)/g, '$1 ');
    expect(result.stdout).toContain(`org root key  ${grouped(config.orgFingerprint)}`);
    expect(result.stdout).toContain(`intake key    ${grouped(config.intakeFingerprint)}`);
    expect(result.stdout).toContain(`log key       ${grouped(config.logFingerprint)}`);
    // No secret key bytes on the terminal.
    const org = JSON.parse(await readFile(path.join(dir, 'org.key'), 'utf8'));
    expect(result.stdout + result.stderr).not.toContain(org.secretKey);
  });

  test('refuses to overwrite existing keys with one clear line', async () => {
    const dir = path.join(work, 'twice');
    expect((await kua(['init', '--dir', dir])).code).toBe(0);
    const before = await readFile(path.join(dir, 'org.key'));
    expectOneLineError(await kua(['init', '--dir', dir]), /keys already exist/);
    expect(await readFile(path.join(dir, 'org.key'))).toEqual(before);
  });

  test('defaults to $KUA_KEYS_DIR, else ./data/keys', async () => {
    const viaEnv = path.join(work, 'env-keys');
    expect((await kua(['init'], { env: { KUA_KEYS_DIR: viaEnv } })).code).toBe(0);
    expect(existsSync(path.join(viaEnv, 'public.json'))).toBe(true);
    const cwd = await mkdtemp(path.join(work, 'cwd-'));
    expect((await kua(['init'], { cwd })).code).toBe(0);
    expect(existsSync(path.join(cwd, 'data', 'keys', 'public.json'))).toBe(true);
  });
});

describe('kua reviewer keygen / identity', () => {
  test('with --passphrase-file: prints exactly one identity line, writes a 0600 file, never the passphrase', async () => {
    const out = path.join(work, 'alice.key');
    const result = await kua(['reviewer', 'keygen', '--out', out, '--passphrase-file', passFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kua1[a-z2-7]{111}\n$/);
    expect(await mode(out)).toBe(0o600);
    expect(result.stdout + result.stderr + (await readFile(out, 'utf8'))).not.toContain('passphrase —');
    // identity unlocks it with the same passphrase from the environment and prints the same identity.
    const again = await kua(['reviewer', 'identity', '--key', out], { env: { KUA_PASSPHRASE: PASS } });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(result.stdout);
  });

  test('with KUA_PASSPHRASE', async () => {
    const out = path.join(work, 'env.key');
    const result = await kua(['reviewer', 'keygen', '--out', out], {
      env: { KUA_PASSPHRASE: 'from the env' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kua1[a-z2-7]{111}\n$/);
    const unlocked = await kua(['reviewer', 'identity', '--key', out, '--passphrase-file', passFile]);
    expectOneLineError(unlocked, /^kua: wrong passphrase/);
  });

  test('wrong passphrase, missing or empty passphrase, existing output: one clear line each', async () => {
    const out = path.join(work, 'bob.key');
    expect((await kua(['reviewer', 'keygen', '--out', out, '--passphrase-file', passFile])).code).toBe(0);
    const before = await readFile(out);
    expectOneLineError(
      await kua(['reviewer', 'identity', '--key', out], { env: { KUA_PASSPHRASE: `${PASS}!` } }),
      /^kua: wrong passphrase/,
    );
    expectOneLineError(
      await kua(['reviewer', 'keygen', '--out', out, '--passphrase-file', passFile]),
      /already exists; refusing to overwrite/,
    );
    expect(await readFile(out)).toEqual(before);
    expectOneLineError(
      await kua(['reviewer', 'keygen', '--out', path.join(work, 'x.key')]),
      /no passphrase: use --passphrase-file FILE or set KUA_PASSPHRASE/,
    );
    const empty = path.join(work, 'empty.txt');
    await writeFile(empty, '\n');
    expectOneLineError(
      await kua(['reviewer', 'keygen', '--out', path.join(work, 'y.key'), '--passphrase-file', empty]),
      /passphrase from --passphrase-file is empty/,
    );
    expectOneLineError(
      await kua(['reviewer', 'keygen', '--out', path.join(work, 'z.key')], { env: { KUA_PASSPHRASE: '' } }),
      /passphrase from KUA_PASSPHRASE is empty/,
    );
    expectOneLineError(
      await kua([
        'reviewer',
        'keygen',
        '--out',
        path.join(work, 'w.key'),
        '--passphrase-file',
        path.join(work, 'nope'),
      ]),
      /passphrase file not found/,
    );
    expectOneLineError(
      await kua(['reviewer', 'identity', '--key', path.join(work, 'nope.key')], {
        env: { KUA_PASSPHRASE: PASS },
      }),
      /reviewer key file not found/,
    );
    expectOneLineError(
      await kua(['reviewer', 'keygen', '--out', path.join(work, 'v.key')], {
        env: { KUA_PASSPHRASE: PASS, KUA_PWHASH_LIMITS: 'weak' },
      }),
      /KUA_PWHASH_LIMITS must be/,
      2,
    );
    for (const f of ['x.key', 'y.key', 'z.key', 'w.key', 'v.key'])
      expect(existsSync(path.join(work, f))).toBe(false);
  });

  test('a key file with downgraded Argon2id limits is refused', async () => {
    const out = path.join(work, 'down.key');
    expect((await kua(['reviewer', 'keygen', '--out', out, '--passphrase-file', passFile])).code).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8'));
    json.kdf.memlimit = 1024 * 1024;
    await writeFile(out, JSON.stringify(json));
    expectOneLineError(
      await kua(['reviewer', 'identity', '--key', out, '--passphrase-file', passFile]),
      /invalid reviewer key file: Argon2id limits out of the accepted range/,
    );
  });
});

describe('kua roster', () => {
  let dir: string;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    dir = path.join(work, 'roster-org');
    expect((await kua(['init', '--dir', dir])).code).toBe(0);
    const make = async (name: string) => {
      const r = await kua([
        'reviewer',
        'keygen',
        '--out',
        path.join(work, `${name}-r.key`),
        '--passphrase-file',
        passFile,
      ]);
      expect(r.code).toBe(0);
      return r.stdout.trim();
    };
    alice = await make('alice');
    bob = await make('bob');
  });

  test('add, list, remove: signed, versioned, verified', async () => {
    const empty = await kua(['roster', 'list', '--dir', dir]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('Roster version 0: no reviewers yet');

    const added = await kua(['roster', 'add', 'Alice Ó', alice, '--dir', dir]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added Alice Ó \(([0-9a-f]{4} ){7}[0-9a-f]{4}\); roster version 1\n$/);
    expect((await kua(['roster', 'add', 'bob', ` ${bob}\n`, '--dir', dir])).code).toBe(0);

    const listed = await kua(['roster', 'list', '--dir', dir]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Roster version 2, issued \S+Z, 2 reviewer\(s\), signature OK$/);
    const roster = JSON.parse(await readFile(path.join(dir, 'roster.json'), 'utf8'));
    expect(roster.version).toBe(2);
    const grouped = (hex: string) => hex.replace(/(.{4})(?!$)/g, '$1 ');
    expect(lines[1]).toBe(
      `  Alice Ó  ${grouped(roster.reviewers[0].fingerprint)}  added ${roster.reviewers[0].addedAt.slice(0, 10)}`,
    );
    expect(lines[2]).toContain(`bob      ${grouped(roster.reviewers[1].fingerprint)}`);

    const removed = await kua(['roster', 'remove', 'alice ó', '--dir', dir]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Removed Alice Ó .*roster version 3\n$/);
    const after = await kua(['roster', 'list', '--dir', dir]);
    expect(after.stdout).toMatch(/^Roster version 3, .*1 reviewer\(s\), signature OK\n {2}bob /);
  });

  test('errors: malformed identity, duplicates, unknown name, bad name, missing keys', async () => {
    expectOneLineError(
      await kua(['roster', 'add', 'carol', `${alice.slice(0, 20)}x${alice.slice(21)}`, '--dir', dir]),
      /malformed identity string: checksum mismatch/,
    );
    expectOneLineError(
      await kua(['roster', 'add', 'carol', 'kua1hello', '--dir', dir]),
      /malformed identity string/,
    );
    expectOneLineError(
      await kua(['roster', 'add', 'carol', bob, '--dir', dir]),
      /identity is already on the roster/,
    );
    expectOneLineError(
      await kua(['roster', 'add', 'BOB', alice, '--dir', dir]),
      /name is already on the roster/,
    );
    expectOneLineError(await kua(['roster', 'add', 'a\tb', alice, '--dir', dir]), /invalid reviewer name/);
    expectOneLineError(await kua(['roster', 'remove', 'nobody', '--dir', dir]), /no reviewer with that name/);
    expectOneLineError(
      await kua(['roster', 'list', '--dir', path.join(work, 'no-such-dir')]),
      /no public config in the keys directory \(run kua init first/,
    );
  });

  test('a tampered roster.json is refused with "invalid roster signature", and so is a rollback', async () => {
    const rosterDir = path.join(work, 'tamper-org');
    expect((await kua(['init', '--dir', rosterDir])).code).toBe(0);
    expect((await kua(['roster', 'add', 'alice', alice, '--dir', rosterDir])).code).toBe(0);
    const file = path.join(rosterDir, 'roster.json');
    const v1 = path.join(work, 'roster-v1.json');
    await copyFile(file, v1);
    expect((await kua(['roster', 'add', 'bob', bob, '--dir', rosterDir])).code).toBe(0);
    const good = await readFile(file, 'utf8');

    await writeFile(file, good.replace('"alice"', '"mallory"'));
    expectOneLineError(await kua(['roster', 'list', '--dir', rosterDir]), /^kua: invalid roster signature/);
    expectOneLineError(
      await kua(['roster', 'add', 'carol', alice, '--dir', rosterDir]),
      /invalid roster signature/,
    );
    await writeFile(file, '{"version": 3');
    expectOneLineError(
      await kua(['roster', 'list', '--dir', rosterDir]),
      /^kua: malformed roster: not valid JSON/,
    );

    await copyFile(v1, file); // an older, validly signed roster: still refused
    expectOneLineError(
      await kua(['roster', 'list', '--dir', rosterDir]),
      /^kua: roster rollback refused: version 1 is older than version 2 already seen/,
    );
    await unlink(file);
    expectOneLineError(await kua(['roster', 'list', '--dir', rosterDir]), /roster rollback refused/);

    await writeFile(file, good);
    expect((await kua(['roster', 'list', '--dir', rosterDir])).code).toBe(0);
  });

  test('concurrent changes never sign two different rosters with the same version', async () => {
    const sodium = await readySodium();
    const lockDir = path.join(work, 'lock-org');
    expect((await kua(['init', '--dir', lockDir])).code).toBe(0);
    const ids = [1, 2, 3, 4].map((seed) =>
      encodeIdentity(sodium, {
        x25519PublicKey: sodium.crypto_scalarmult_base(new Uint8Array(32).fill(seed)),
        ed25519PublicKey: sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(seed)).publicKey,
      }),
    );
    const results = await Promise.all(
      ids.map((id, i) => kua(['roster', 'add', `r${i}`, id, '--dir', lockDir])),
    );
    const ok = results.filter((r) => r.code === 0);
    for (const r of results) if (r.code !== 0) expectOneLineError(r, /another roster change is in progress/);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const versions = ok.map((r) => Number(r.stdout.match(/roster version (\d+)/)?.[1])).sort();
    expect(versions).toEqual(ok.map((_, i) => i + 1));
    const roster = JSON.parse(await readFile(path.join(lockDir, 'roster.json'), 'utf8'));
    expect(roster.version).toBe(ok.length);
    expect(roster.reviewers).toHaveLength(ok.length);
    expect(existsSync(path.join(lockDir, 'roster.lock'))).toBe(false);
  });

  test('a roster signed by another organisation is refused', async () => {
    const other = path.join(work, 'other-org');
    expect((await kua(['init', '--dir', other])).code).toBe(0);
    expect((await kua(['roster', 'add', 'alice', alice, '--dir', other])).code).toBe(0);
    const mine = path.join(work, 'mine-org');
    expect((await kua(['init', '--dir', mine])).code).toBe(0);
    await copyFile(path.join(other, 'roster.json'), path.join(mine, 'roster.json'));
    expectOneLineError(await kua(['roster', 'list', '--dir', mine]), /invalid roster signature/);
  });
});

// The hidden prompt needs a terminal: util-linux `script` gives the CLI a pseudo-terminal.
const SCRIPT = '/usr/bin/script';
describe('kua reviewer keygen on a terminal', () => {
  /** Runs kua on a pty, answering each prompt when it appears (no sleeps); resolves with all output. */
  function kuaOnTty(args: string[], answers: string[]): Promise<Result> {
    return new Promise((resolve, reject) => {
      const command = [process.execPath, CLI, ...args]
        .map((a) => `'${a.replaceAll("'", `'\\''`)}'`)
        .join(' ');
      const child = spawn(SCRIPT, ['-qec', command, '/dev/null'], {
        cwd: work,
        env: { PATH: process.env.PATH, SHELL: '/bin/sh', KUA_PWHASH_LIMITS: 'interactive' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      let answered = 0;
      child.stdout.on('data', (d) => {
        output += d;
        const prompts = output.match(/[Pp]assphrase: /g)?.length ?? 0;
        while (answered < prompts && answered < answers.length) child.stdin.write(`${answers[answered++]}\r`);
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('prompt test timed out'));
      }, TIMEOUT_MS);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        child.stdin.destroy();
        resolve({ code, stdout: output, stderr: '' });
      });
    });
  }

  const hasScript = existsSync(SCRIPT);
  (hasScript ? test : test.skip)('asks twice without echo; the key opens with that passphrase', async () => {
    const out = path.join(work, 'tty.key');
    const secret = 'tty-secret-passphrase-42';
    const result = await kuaOnTty(['reviewer', 'keygen', '--out', out], [secret, secret]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Passphrase: ');
    expect(result.stdout).toContain('Repeat passphrase: ');
    expect(result.stdout).not.toContain(secret);
    const identity = result.stdout.match(/kua1[a-z2-7]{111}/)?.[0];
    expect(identity).toBeDefined();
    const opened = await kua(['reviewer', 'identity', '--key', out], { env: { KUA_PASSPHRASE: secret } });
    expect(opened.stdout.trim()).toBe(identity);
  });

  (hasScript ? test : test.skip)('mismatched passphrases are refused and nothing is written', async () => {
    const out = path.join(work, 'tty-mismatch.key');
    const result = await kuaOnTty(
      ['reviewer', 'keygen', '--out', out],
      ['first-passphrase', 'second-passphrase'],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('kua: the passphrases do not match');
    expect(existsSync(out)).toBe(false);
  });
});
