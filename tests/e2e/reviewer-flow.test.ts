// The whole path a witness's files take to a reviewer: the portal as `npm start` runs it (server, worker,
// private Redis, dev keys with a dev reviewer on the roster); the upload page in headless Chromium sends
// corpus files and a note; the worker processes them; the real `kua pull` CLI logs in as the dev
// reviewer, decrypts and verifies everything. The outputs carry no identifying metadata.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { translate } from '../../web/i18n/i18n.js';
import { launchChromium } from './support/chromium.js';
import { findLeaks } from './support/windows.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const CLI = join(repo, 'dist', 'keys', 'cli.js');
const CORPUS = join(repo, 'tests', 'fixtures', 'corpus');
const FILES = ['exifr_google_pixel_gps.jpg', 'mei_android6_samsung_gps.mp4'];
const NOTE = 'Checkpoint on the north road, 06:30 — солдаты у блокпоста. ref-e2e-91';
const IDENTIFYING = /GPS|Serial|Make|Model|Owner|Artist|Author|Location|Software|Creat(e|ion)Date|DateTime/i;

const scratch = mkdtempSync(join(tmpdir(), 'kua-reviewer-flow-'));
let portal: ChildProcess | undefined;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function startPortal(env: Record<string, string>): Promise<string> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.REDIS_URL; // a private redis-server, as npm start does: no shared keys with other tests
  portal = spawn(process.execPath, [join(repo, 'dist', 'scripts', 'start.js')], {
    cwd: repo,
    env: { ...base, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  return within(
    new Promise<string>((resolve, reject) => {
      const on = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const m = text.match(/Kuä is running at (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m) resolve(m[1] as string);
      };
      portal!.stdout!.on('data', on);
      portal!.stderr!.on('data', on);
      portal!.once('exit', () => reject(new Error(`the portal exited:\n${text}`)));
    }),
    90_000,
    'the portal to start',
  );
}

/** Waits (bounded) until the worker has processed the submission, via the witness's status API. */
async function processed(url: string, id: string): Promise<{ state: string; files: { outcome?: string }[] }> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res = await fetch(new URL(`/api/submissions/${id}`, url));
    const body = (await res.json()) as { state: string; files: { outcome?: string }[] };
    if (body.state === 'done' || body.state === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`submission still ${body.state} after 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

afterAll(async () => {
  if (portal?.pid !== undefined && portal.exitCode === null) {
    const exited = new Promise((resolve) => portal!.once('exit', resolve));
    process.kill(-portal.pid, 'SIGINT');
    await within(exited, 30_000, 'the portal to stop').catch(() => {
      try {
        process.kill(-(portal!.pid as number), 'SIGKILL');
      } catch {
        // gone
      }
    });
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('reviewer flow', () => {
  it('witness uploads in Chromium → worker → kua pull decrypts and verifies, without metadata → the verify page finds the pulled file in the log', async () => {
    const keysDir = join(scratch, 'keys');
    const url = await startPortal({ PORT: '0', DATA_DIR: join(scratch, 'data'), KUA_KEYS_DIR: keysDir });

    const browser = await launchChromium();
    let id: string;
    try {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const t = (key: Parameters<typeof translate>[1]) => translate('en', key);
      await page.goto(url);
      await page.waitForSelector('html[data-kua="ready"]', { state: 'attached', timeout: 20_000 });
      await page.setInputFiles(
        '#files',
        FILES.map((f) => join(CORPUS, f)),
      );
      await page.waitForSelector('#file-list > li:nth-child(2)', { timeout: 10_000 });
      await page
        .getByRole('checkbox', { name: t('keepOriginal') })
        .first()
        .check(); // keep the photo's original for reviewers
      await page.getByLabel(t('noteLabel')).fill(NOTE);
      await page.getByRole('button', { name: t('submit') }).click();
      await page.waitForSelector('html[data-kua="done"], #form-error:not(:empty)', {
        state: 'attached',
        timeout: 60_000,
      });
      expect(await page.locator('#form-error').textContent()).toBe('');
      id = ((await page.locator('#code').textContent()) ?? '').replaceAll(/\s+/g, '');
      expect(id).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await browser.close();
    }

    const status = await processed(url, id);
    expect(status.state).toBe('done');

    const out = join(scratch, 'evidence');
    const pulled = await run(
      process.execPath,
      [
        CLI,
        'pull',
        '--server',
        url,
        '--key',
        join(keysDir, 'dev-reviewer.key'),
        '--passphrase-file',
        join(keysDir, 'dev-reviewer.passphrase'),
        '--out',
        out,
        '--org-config',
        join(keysDir, 'public.json'),
      ],
      { env: { PATH: process.env.PATH } },
    );
    expect(pulled.stdout).toMatch(new RegExp(`${id}\\s+new\\s+3\\s+0\\s+1\\s+1`));

    const dir = join(out, id);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ submission: id, complete: true, originalsIncluded: 1, problems: [] });
    const notes = manifest.files.filter((f: { note?: string }) => f.note !== undefined);
    expect(notes.map((f: { note: string }) => f.note)).toEqual([NOTE]);
    const sanitised = readdirSync(dir).filter((f) => /-sanitised\./.test(f));
    expect(sanitised).toHaveLength(2);
    for (const file of sanitised) {
      const tags = JSON.parse((await run('exiftool', ['-j', '-G1', '-a', '-ee', join(dir, file)])).stdout)[0];
      // MP4 headers always hold dates; the worker writes them as zero (docs/SANITISATION.md).
      const found = Object.entries(tags)
        .filter(([t]) => !t.startsWith('System:') && !t.startsWith('File:') && IDENTIFYING.test(t))
        .filter(([t, v]) => !(/Date$/.test(t) && v === '0000:00:00 00:00:00'))
        .map(([t]) => t);
      expect({ file, found }).toEqual({ file, found: [] });
      const verified = await run(process.execPath, [
        CLI,
        'verify',
        join(dir, file),
        '--record',
        join(dir, 'records', `${Number.parseInt(file, 10) - 1}.json`),
      ]);
      expect(verified.stdout).toMatch(/^OK: the file is the sanitised file/);
    }
    // The original the witness chose to keep is byte for byte their file (and still has its GPS).
    const original = readdirSync(dir).find((f) => f.includes('original-unsanitised'));
    expect(
      readFileSync(join(dir, original as string)).equals(readFileSync(join(CORPUS, FILES[0] as string))),
    ).toBe(true);

    // Anyone can check the photo the reviewer pulled on the public verify page: it is in the log, with
    // the time the portal received it; a file the portal never produced (the unsanitised original) is
    // unknown; and no request the page makes carries either file's bytes.
    const pulledPhoto = join(dir, sanitised.find((f) => f.endsWith('.jpg')) as string);
    const unrelated = join(CORPUS, FILES[0] as string);
    const checker = await launchChromium();
    try {
      const page = await checker.newPage();
      const sent: Uint8Array[] = [];
      page.on('request', (request) => {
        sent.push(Buffer.from(request.url()));
        const body = request.postDataBuffer();
        if (body !== null) sent.push(body);
      });
      await page.goto(`${url}verify.html`);
      await page.waitForSelector('html[data-kua="ready"]', { state: 'attached', timeout: 20_000 });
      const check = async (file: string) => {
        await page.evaluate('delete document.documentElement.dataset.kua');
        await page.setInputFiles('#verify-file', file);
        await page.waitForSelector('html[data-kua="checked"]', { state: 'attached', timeout: 30_000 });
        return page.locator('#result').getAttribute('data-status');
      };
      expect(await check(pulledPhoto)).toBe('included');
      expect(await page.locator('#detail-received time').getAttribute('datetime')).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
      );
      expect((await page.locator('#detail-submission').textContent())?.replaceAll(' ', '')).toBe(id);
      expect(await check(unrelated)).toBe('unknown');
      expect(sent.length).toBeGreaterThan(3);
      expect(findLeaks([readFileSync(pulledPhoto), readFileSync(unrelated)], sent)).toEqual([]);
    } finally {
      await checker.close();
    }
  }, 400_000);
});
