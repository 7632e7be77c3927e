// The witness's upload page in real headless Chromium: pick a JPEG, a HEIC and an MP4 plus a note, see
// the metadata warnings, send, watch progress reach 100 %, get the code. A proxy records every request
// body: none may contain any 64-byte window of the files or the note. The stored envelopes decrypt with
// the intake key to exactly the files. Then in Kazakh and Russian on a 360 px phone (screenshots in
// tests/artifacts/), and a large upload that survives a cut connection, going offline and a page reload
// without the server receiving any finished part twice.

import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SUBMISSIONS_QUEUE } from '../../core/contracts/jobs.js';
import { decryptBytes, decryptIterable } from '../../core/envelope/index.js';
import { fingerprint } from '../../core/fingerprint.js';
import { verifyReceipt } from '../../core/receipt.js';
import { readySodium } from '../../core/sodium.js';
import { initKeys } from '../../keys/init.js';
import { parseKeyFile } from '../../keys/key-files.js';
import { createFsBlobStore } from '../../runtime/blob-store/fs.js';
import type { BlobStore } from '../../runtime/blob-store/types.js';
import { createLogger } from '../../runtime/logger.js';
import {
  createProvenanceLog,
  createRedisLock,
  type LogIdentity,
  logIdentity,
  logSigner,
} from '../../runtime/provenance-log/index.js';
import { createLogReader } from '../../runtime/provenance-log/reader.js';
import { createApp } from '../../server/app.js';
import { openIntakeEnvelope } from '../../server/intake/index.js';
import { getSubmissionRecord } from '../../server/intake/records.js';
import type { Language } from '../../web/i18n/catalog.js';
import { type MessageKey, type Params, translate } from '../../web/i18n/i18n.js';
import { loadWorkerKeys } from '../../worker/keys.js';
import { logReceived } from '../../worker/log-received.js';
import { type CaptureProxy, startCaptureProxy } from './support/capture-proxy.js';
import { launchChromium } from './support/chromium.js';
import { findLeaks } from './support/windows.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CORPUS = join(ROOT, 'tests', 'fixtures', 'corpus');
const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const FILES = ['exifr_google_pixel_gps.jpg', 'immich_iphone7_gps.heic', 'mei_android6_samsung_gps.mp4'];
const PART_BYTES = 1024 * 1024;
const NOTE =
  'Soldiers at the market square at 14:00, three people taken away — Алматы, үш адам ұсталды. ref-7f3a';

const sodium = await readySodium();
let intake: { publicKey: Uint8Array; privateKey: Uint8Array };
let grouped: string;

let scratch: string;
let webRoot: string;
let redis: Redis;
let queue: Queue;
let store: BlobStore;
let backend: Server;
let proxy: CaptureProxy;
let browser: Browser;
let freeDisk = Number.MAX_SAFE_INTEGER;
let keysPath: string;
let redisPrefix: string;

/** What the worker's log-received job does for this submission (worker/log-received.ts, real log). */
async function logReceivedFor(id: string): Promise<LogIdentity> {
  const keys = await loadWorkerKeys(sodium, keysPath);
  const log = createProvenanceLog({
    store,
    lock: createRedisLock(redis, { key: `${redisPrefix}:log-lock` }),
    sodium,
    signer: logSigner(sodium, keys.orgPublicKey, keys.log),
  });
  await logReceived(
    {
      getSubmission: async (sid) => {
        const record = await getSubmissionRecord(redis, sid, { keyPrefix: `${redisPrefix}:intake:` });
        return record?.closed ? { fileCount: record.files.length, receivedAt: record.createdAt } : undefined;
      },
      openIntake: (sid, index) => openIntakeEnvelope(store, sid, index),
      provenanceLog: { append: (e, o) => log.append(e, o), lookupId: (x) => log.lookupId(x) },
    },
    id,
  );
  return logIdentity(sodium, keys.orgPublicKey, keys.log.publicKey);
}

async function buildPage(out: string): Promise<void> {
  const web = join(ROOT, 'web');
  const entryPoints = readdirSync(web)
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts'))
    .map((n) => join(web, n));
  await build({
    entryPoints,
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    logLevel: 'silent',
  });
  for (const n of readdirSync(web)) {
    if (/\.(html|css|svg)$/.test(n)) copyFileSync(join(web, n), join(out, n));
  }
}

beforeAll(async () => {
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');
  scratch = mkdtempSync(join(tmpdir(), 'kua-upload-page-'));
  webRoot = join(scratch, 'web');
  mkdirSync(webRoot);
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildPage(webRoot);

  // The real server: createApp with the intake API, Redis, the filesystem blob store, fresh keys.
  const keysDir = join(scratch, 'keys');
  keysPath = keysDir;
  const { publicConfigPath } = await initKeys(keysDir);
  const publicConfig = JSON.parse(readFileSync(publicConfigPath, 'utf8')) as {
    intakePublicKey: string;
    intakeFingerprint: string;
  };
  const intakeKey = parseKeyFile(sodium, 'intake', readFileSync(join(keysDir, 'intake.key'), 'utf8'));
  intake = { publicKey: intakeKey.publicKey, privateKey: intakeKey.secretKey };
  const fp = Buffer.from(fingerprint(sodium, intake.publicKey)).toString('hex');
  expect(publicConfig.intakeFingerprint.replace(/\s+/g, '')).toBe(fp);
  grouped = fp.replace(/(.{4})(?!$)/g, '$1 ');
  const prefix = `kua-test-${randomBytes(6).toString('hex')}`;
  redisPrefix = prefix;
  redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: redisUrl }, prefix });
  store = createFsBlobStore(join(scratch, 'blobs'));
  const logger = createLogger({ level: 'silent', component: 'server' });
  const app = createApp({
    health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
    logger,
    webRoot,
    trustProxy: false,
    intake: {
      redis,
      queue,
      store,
      logger,
      intake: { publicKey: publicConfig.intakePublicKey, fingerprint: publicConfig.intakeFingerprint },
      limits: {
        partBytes: PART_BYTES,
        maxFileBytes: 4 * 1024 ** 3,
        maxFiles: 20,
        maxBytesInFlight: 64 * 1024 * 1024,
        diskReserveBytes: 0,
        expirySeconds: 3600,
      },
      freeDiskBytes: async () => freeDisk,
      keyPrefix: `${prefix}:intake:`,
      // No worker runs here: the page's receipt poll is answered 202 (pending) until it gives up.
      logReader: createLogReader(store),
    },
  });
  backend = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => backend.once('listening', () => resolve()));
  proxy = await startCaptureProxy(`http://127.0.0.1:${(backend.address() as AddressInfo).port}/`);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  if (backend !== undefined) {
    backend.closeAllConnections();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  }
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  if (redis !== undefined) {
    const keys = await redis.keys('kua-test-*:intake:*');
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  rmSync(scratch, { recursive: true, force: true });
});

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function envelopeOf(id: string, index: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of openIntakeEnvelope(store, id, index)) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

interface Opened {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

async function open(locale: string, viewport: { width: number; height: number }): Promise<Opened> {
  const context = await browser.newContext({ locale, viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(proxy.url)) problems.push(`request to another origin: ${r.url()}`);
  });
  await page.goto(proxy.url);
  await page.waitForSelector('html[data-kua="ready"]', { state: 'attached', timeout: 20_000 });
  return { context, page, problems };
}

const tr = (lang: Language) => (key: MessageKey, params?: Params) => translate(lang, key, params);

/** Pick files, see the warnings, add the note, send, wait for the code. Returns the submission id. */
async function sendThree(page: Page, lang: Language, shot: string, keep?: number): Promise<string> {
  const t = tr(lang);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  expect(await page.locator('#fingerprint').textContent()).toContain(grouped);
  // The unit's spelling comes from the browser's ICU data, which may differ from Node's.
  const [before, after] = t('limitsSize', { size: '\u0000' }).split('\u0000') as [string, string];
  const limit = (await page.locator('#limit-size').textContent()) ?? '';
  expect([limit.startsWith(before), limit.endsWith(after), limit.includes('4')]).toEqual([true, true, true]);
  expect(await page.locator('#limit-count').textContent()).toBe(t('limitsCount', { count: 20 }));
  await page.setInputFiles(
    '#files',
    FILES.map((f) => join(CORPUS, f)),
  );
  const items = page.locator('#file-list > li');
  await page.waitForSelector('#file-list > li:nth-child(3)', { timeout: 10_000 });
  // Metadata warnings, in plain words, for each file.
  for (let i = 0; i < 3; i++) {
    await items
      .nth(i)
      .locator('.meta', { hasNotText: t('metaReading') })
      .waitFor({ timeout: 20_000 });
  }
  const jpeg = (await items.nth(0).textContent()) ?? '';
  expect(jpeg).toContain(t('metaFound'));
  expect(jpeg).toContain(t('metaDevice', { device: 'Google Pixel' }));
  expect(jpeg).toContain(t('metaWillRemove'));
  expect(jpeg).toMatch(/50[.,]2996/); // the location, shown to the witness only
  const heic = (await items.nth(1).textContent()) ?? '';
  expect(heic).toContain(t('metaDevice', { device: 'Apple iPhone 7' }));
  const mp4 = (await items.nth(2).textContent()) ?? '';
  expect(mp4).toContain(t('metaLocationVideo'));
  expect(mp4).toContain(t('metaVideoMore'));
  // "Also give reviewers the original" is offered and off by default.
  const boxes = page.getByRole('checkbox', { name: t('keepOriginal') });
  expect(await boxes.count()).toBe(3);
  for (let i = 0; i < 3; i++) expect(await boxes.nth(i).isChecked()).toBe(false);
  if (keep !== undefined) await boxes.nth(keep).check();
  await page.getByLabel(t('noteLabel')).fill(NOTE);
  // Nothing sticks out sideways (a 360 px phone must not scroll horizontally).
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
    page.viewportSize()?.width ?? 0,
  );
  await page.screenshot({ path: join(ARTIFACTS, `${shot}-form.png`), fullPage: true });

  await page.getByRole('button', { name: t('submit') }).click();
  await page.waitForSelector('html[data-kua="done"], #form-error:not(:empty)', {
    state: 'attached',
    timeout: 60_000,
  });
  expect(await page.locator('#form-error').textContent()).toBe('');
  const progress = (await page.evaluate(
    `(() => { const s = document.getElementById('progress'); const bar = document.getElementById('overall-bar');
      return { done: s.dataset.done, total: s.dataset.total, value: bar.value, max: bar.max }; })()`,
  )) as { done: string; total: string; value: number; max: number };
  expect(progress.done).toBe(progress.total);
  expect(progress.value).toBe(progress.max); // 100 %
  const code = ((await page.locator('#code').textContent()) ?? '').trim();
  expect(code).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){7}$/);
  expect(await page.getByText(t('codeExplain')).isVisible()).toBe(true);
  expect(await page.evaluate('document.activeElement?.id')).toBe('done-heading');
  expect(await page.evaluate('sessionStorage.length')).toBe(0);
  await page.screenshot({ path: join(ARTIFACTS, `${shot}-done.png`), fullPage: true });
  return code.replaceAll(' ', '');
}

async function checkStored(id: string, withNote: boolean, keep?: number): Promise<void> {
  const job = await queue.getJob(id);
  expect(job?.name).toBe('process-submission');
  expect(job?.data).toEqual({ submissionId: id });
  const identity = { x25519PublicKey: intake.publicKey, x25519SecretKey: intake.privateKey };
  const offset = (withNote ? 1 : 0) + (keep === undefined ? 0 : 1);
  if (withNote) {
    const note = decryptBytes(sodium, await envelopeOf(id, 0), identity);
    expect(note.manifest).toMatchObject({ name: 'note.txt', type: 'text/plain' });
    expect(Buffer.from(note.plaintext).toString('utf8')).toBe(NOTE);
  }
  if (keep !== undefined) {
    // The witness's "also give reviewers the original" choice, by envelope index.
    const choices = decryptBytes(sodium, await envelopeOf(id, offset - 1), identity);
    expect(choices.manifest).toMatchObject({ name: 'choices.json', type: 'application/json' });
    expect(JSON.parse(Buffer.from(choices.plaintext).toString('utf8'))).toEqual({
      v: 1,
      keepOriginal: [offset + keep],
    });
  }
  await expect(envelopeOf(id, offset + FILES.length)).rejects.toThrow(); // nothing more was uploaded
  for (const [i, f] of FILES.entries()) {
    const opened = decryptBytes(sodium, await envelopeOf(id, offset + i), identity);
    expect(Buffer.from(opened.plaintext).equals(readFileSync(join(CORPUS, f)))).toBe(true);
    expect(opened.manifest.name).not.toContain(f.split('.')[0]); // the original name is not sent
  }
}

describe('upload page', () => {
  it('sends a JPEG, a HEIC, an MP4 and a note, and no request body contains any of their bytes', async () => {
    const before = proxy.captured.length;
    const { context, page, problems } = await open('en-US', { width: 1280, height: 900 });
    try {
      const id = await sendThree(page, 'en', 'upload-en-desktop');
      await checkStored(id, true);
      // The receipt: once the worker logged what was received, the page offers it for download.
      const identity = await logReceivedFor(id);
      await page.waitForSelector('html[data-kua-receipt="ready"]', { state: 'attached', timeout: 30_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#receipt-download')]);
      expect(download.suggestedFilename()).toBe('kua-receipt.json');
      const receiptText = readFileSync(await download.path(), 'utf8');
      expect(verifyReceipt(sodium, receiptText, identity).submission).toBe(id);
      const bodies = proxy.captured.slice(before).map((c) => new Uint8Array(c.body));
      const uploaded = bodies.reduce((n, b) => n + b.length, 0);
      const secrets = [
        ...FILES.map((f) => new Uint8Array(readFileSync(join(CORPUS, f)))),
        new Uint8Array(Buffer.from(NOTE)),
      ];
      expect(uploaded).toBeGreaterThan(secrets.reduce((n, s) => n + s.length, 0)); // the bodies really were captured
      expect(findLeaks(secrets, bodies)).toEqual([]);
      // The check can fail: a body holding a slice of a file is caught.
      const planted = new Uint8Array([1, 2, 3, ...(secrets[1] as Uint8Array).subarray(5000, 5064), 9]);
      expect(findLeaks(secrets, [planted])).toEqual([{ body: 0, offset: 3 }]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it.each([
    ['kk', 'kk-KZ'],
    ['ru', 'ru-RU'],
  ] as const)(
    'works the same in %s on a 360 px phone',
    async (lang, locale) => {
      const { context, page, problems } = await open(locale, { width: 360, height: 740 });
      try {
        expect(await page.locator('h2#limits-heading').textContent()).toBe(translate(lang, 'limitsHeading'));
        const keep = lang === 'kk' ? 1 : undefined;
        const id = await sendThree(page, lang, `upload-${lang}-phone`, keep);
        await checkStored(id, true, keep);
        expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(
          360,
        );
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it('switches language with visible buttons without changing the URL or storing anything', async () => {
    const { context, page, problems } = await open('de-DE', { width: 360, height: 740 });
    try {
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      const before = page.url();
      await page.getByRole('button', { name: 'Русский' }).click();
      expect(await page.locator('html').getAttribute('lang')).toBe('ru');
      expect(await page.getByRole('button', { name: 'Русский' }).getAttribute('aria-pressed')).toBe('true');
      expect(await page.getByRole('button', { name: translate('ru', 'submit') }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Français' }).click();
      expect(await page.title()).toBe(translate('fr', 'title'));
      expect(page.url()).toBe(before);
      expect(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).toEqual([
        0,
        0,
        '',
      ]);
      // Errors are translated too: nothing chosen.
      await page.getByRole('button', { name: translate('fr', 'submit') }).click();
      expect(
        await page
          .getByRole('alert')
          .filter({ hasText: translate('fr', 'errNoFiles') })
          .count(),
      ).toBe(1);
      expect(await page.evaluate('document.activeElement?.id')).toBe('form-error');
      // Something that is not a photo or video is refused before anything is sent, in words.
      await page.setInputFiles('#files', {
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('hi'),
      });
      const refused = translate('fr', 'errNotMedia', { name: 'notes.txt' });
      expect(await page.locator('#file-list > li').textContent()).toContain(refused);
      await page.getByRole('button', { name: translate('fr', 'submit') }).click();
      expect(await page.locator('#form-error').textContent()).toBe(refused);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('says so in plain words when the server is full, and sends nothing', async () => {
    const { context, page, problems } = await open('ru-RU', { width: 360, height: 740 });
    const before = proxy.captured.length;
    try {
      await page.setInputFiles('#files', join(CORPUS, FILES[0] as string));
      freeDisk = 0;
      await page.getByRole('button', { name: translate('ru', 'submit') }).click();
      await page.waitForSelector('#form-error:not(:empty)', { state: 'attached', timeout: 20_000 });
      expect(await page.locator('#form-error').textContent()).toBe(translate('ru', 'errServerFull'));
      expect(proxy.captured.slice(before).filter((r) => r.method === 'PUT')).toEqual([]);
      expect(await page.getByRole('button', { name: translate('ru', 'submit') }).isEnabled()).toBe(true);
      // Chromium reports the refused request itself on the console; nothing else may appear.
      expect(problems.filter((p) => !p.includes('507'))).toEqual([]);
    } finally {
      freeDisk = Number.MAX_SAFE_INTEGER;
      await context.close();
    }
  }, 60_000);

  it('a 200 MiB upload survives a cut connection, going offline and a page reload, sending no finished part twice', async () => {
    const big = join(scratch, 'big-video.mp4');
    const size = 200 * 1024 * 1024;
    const hash = createHash('sha256');
    const fd = openSync(big, 'w');
    for (let written = 0; written < size; written += 8 * 1024 * 1024) {
      const block = randomBytes(Math.min(8 * 1024 * 1024, size - written));
      hash.update(block);
      writeSync(fd, block);
    }
    closeSync(fd);
    const want = hash.digest('hex');
    const first = proxy.captured.length;
    const { context, page, problems } = await open('en-US', { width: 1280, height: 900 });
    const t = tr('en');
    try {
      await page.setInputFiles('#files', big);
      await page.locator('#file-list .meta', { hasNotText: t('metaReading') }).waitFor({ timeout: 20_000 });

      // 1. The connection drops in the middle of part 5: the page retries by itself.
      const cut = proxy.cutNextPut(/\/files\/0\/parts\/5$/, 300_000);
      await page.getByRole('button', { name: t('submit') }).click();
      await within(cut, 60_000, 'the cut of part 5');

      // 2. The browser goes offline while part 15 is on its way: the page says so and waits.
      const held = proxy.holdNextPut(/\/files\/0\/parts\/15$/);
      await within(held.reached, 60_000, 'part 15');
      await context.setOffline(true);
      held.drop();
      await page.waitForSelector('#progress[data-phase="offline"]', { state: 'attached', timeout: 20_000 });
      expect(await page.locator('#upload-status').textContent()).toBe(t('errOffline'));
      await page.screenshot({ path: join(ARTIFACTS, 'upload-en-desktop-offline.png'), fullPage: true });
      await context.setOffline(false);

      // 3. The page is reloaded while part 30 is on its way; the witness picks the same file again.
      const held2 = proxy.holdNextPut(/\/files\/0\/parts\/30$/);
      await within(held2.reached, 60_000, 'part 30');
      await page.reload();
      held2.drop();
      await page.waitForSelector('html[data-kua="ready"]', { state: 'attached', timeout: 20_000 });
      expect(await page.locator('#resume').isVisible()).toBe(true);
      await page.setInputFiles('#files', big);
      await page.getByRole('button', { name: t('submit') }).click();
      await page.waitForSelector('html[data-kua="done"], #form-error:not(:empty)', {
        state: 'attached',
        timeout: 120_000,
      });
      expect(await page.locator('#form-error').textContent()).toBe('');
      const id = ((await page.locator('#code').textContent()) ?? '').replaceAll(' ', '');

      const requests = proxy.captured.slice(first);
      const creates = requests.filter((r) => r.method === 'POST' && r.path === '/api/submissions');
      expect(creates).toHaveLength(1); // the reload continued the same submission
      const puts = requests.filter((r) => r.method === 'PUT');
      expect(puts.filter((r) => r.status === 200)).toEqual([]); // the server never got a finished part twice
      expect(puts.filter((r) => r.status === undefined).length).toBeGreaterThanOrEqual(3); // cut, offline, reload
      const parts = Math.ceil((await envelopeOf(id, 0)).length / PART_BYTES);
      expect(puts.filter((r) => r.status === 201)).toHaveLength(parts);
      expect(parts).toBeGreaterThan(200);

      const job = await queue.getJob(id);
      expect(job?.data).toEqual({ submissionId: id });
      const got = createHash('sha256');
      const identity = { x25519PublicKey: intake.publicKey, x25519SecretKey: intake.privateKey };
      for await (const piece of decryptIterable(sodium, openIntakeEnvelope(store, id, 0), identity))
        got.update(piece);
      expect(got.digest('hex')).toBe(want);
      expect(problems.filter((p) => !p.includes('net::ERR'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);
});
