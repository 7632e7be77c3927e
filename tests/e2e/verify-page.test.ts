// The public verify page against a log made by the real worker pipeline: a sanitised file a reviewer
// decrypted, chosen on the page in headless Chromium, is shown as included with the time it was
// received; an unrelated file (the witness's original, dropped on the page) is unknown; a checkpoint
// saved from the page is consistent with the grown log; no request carries the files' bytes; after a
// stored entry is rewritten, the page reports a failed proof and an inconsistent history.
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { toBase64 } from '../../core/base64.js';
import { toHex } from '../../core/bytes.js';
import { type LogEntry, serializeLogEntry } from '../../core/contracts/log-entry.js';
import { resultKey } from '../../core/contracts/record.js';
import { decryptBytes } from '../../core/envelope/index.js';
import { fingerprint } from '../../core/fingerprint.js';
import { sha256 } from '../../core/sha256.js';
import { createLogger } from '../../runtime/logger.js';
import { writeBlob } from '../../runtime/provenance-log/blob-io.js';
import { createLogReader, entryKey, type LogReader } from '../../runtime/provenance-log/index.js';
import { createApp } from '../../server/app.js';
import { translate } from '../../web/i18n/i18n.js';
import { processSubmission } from '../../worker/pipeline.js';
import { corpusDir, createFixture, type Fixture, readBlob } from '../integration/worker/harness.js';
import { type CaptureProxy, startCaptureProxy } from './support/capture-proxy.js';
import { launchChromium } from './support/chromium.js';
import { findLeaks } from './support/windows.js';

const repo = join(import.meta.dirname, '..', '..');
const WEB_ROOT = join(repo, 'dist', 'web');
const FIRST = readFileSync(join(corpusDir, 'exifr_canon600d_gps_serials_iptc.jpg'));
const SECOND = readFileSync(join(corpusDir, 'exifr_google_pixel_gps.jpg'));

let fixture: Fixture;
let server: ReturnType<ReturnType<typeof createApp>['listen']>;
let proxy: CaptureProxy;
/** The server's reader; replaced by a fresh one to model a restarted server (no cached leaves). */
let reader: LogReader;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let submission: string;
let sanitisedPath: string;
let sanitised: Uint8Array;

async function sanitisedPlaintext(id: string, index: number): Promise<Uint8Array> {
  const envelope = await readBlob(fixture.store, resultKey(id, index, 'sanitised'));
  return decryptBytes(fixture.sodium, envelope, fixture.reviewers[0] as Fixture['reviewers'][number])
    .plaintext;
}

async function submitAndProcess(bytes: Uint8Array, job: string): Promise<string> {
  const id = await fixture.submit([{ bytes, manifest: { name: 'IMG_0001-secret.jpg', type: 'image/jpeg' } }]);
  await processSubmission(fixture.deps(), id, job);
  return id;
}

/** Runs `action` and waits (bounded) until the page finished the check it started. */
async function settled(state: 'checked' | 'compared', action: () => Promise<void>): Promise<void> {
  await page.evaluate('delete document.documentElement.dataset.kua');
  await action();
  await page.waitForSelector(`html[data-kua="${state}"]`, { state: 'attached', timeout: 30_000 });
}

const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('en', key, params);

beforeAll(async () => {
  fixture = await createFixture();
  submission = await submitAndProcess(FIRST, 'job-1');
  sanitised = await sanitisedPlaintext(submission, 0);
  sanitisedPath = join(fixture.dir, '1-sanitised.jpg');
  writeFileSync(sanitisedPath, sanitised);

  reader = createLogReader(fixture.store);
  const delegate: LogReader = {
    checkpoint: () => reader.checkpoint(),
    size: () => reader.size(),
    entry: (i) => reader.entry(i),
    leafHashes: (s) => reader.leafHashes(s),
    inclusionProof: (i, s) => reader.inclusionProof(i, s),
    consistencyProof: (a, b) => reader.consistencyProof(a, b),
    lookup: (f, h) => reader.lookup(f, h),
    lookupId: (id) => reader.lookupId(id),
  };
  const { sodium, keys } = fixture;
  const app = createApp({
    health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
    logger: createLogger({ level: 'error', component: 'server', sink: () => {} }),
    webRoot: WEB_ROOT,
    trustProxy: false,
    log: {
      reader: delegate,
      key: {
        logPublicKey: toBase64(keys.log.publicKey),
        logFingerprint: toHex(fingerprint(sodium, keys.log.publicKey)),
        orgFingerprint: toHex(fingerprint(sodium, keys.orgPublicKey)),
      },
    },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  proxy = await startCaptureProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);

  browser = await launchChromium();
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  page = await context.newPage();
  const offOrigin: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(proxy.url) && !r.url().startsWith('blob:')) offOrigin.push(r.url());
  });
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(new URL('verify.html', proxy.url).href);
  await page.waitForSelector('html[data-kua="ready"]', { state: 'attached', timeout: 20_000 });
  expect(offOrigin).toEqual([]);
  expect(consoleErrors).toEqual([]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  await fixture?.close();
});

describe('verify page', () => {
  let saved: string;
  let savedPath: string;

  it('shows the log key fingerprint and saves the current signed checkpoint as a text file', async () => {
    const fp = toHex(fingerprint(fixture.sodium, fixture.keys.log.publicKey));
    expect((await page.locator('#fingerprint').textContent())?.replaceAll(' ', '')).toContain(fp);
    const download = page.waitForEvent('download', { timeout: 10_000 });
    await page.getByRole('button', { name: t('verifySave') }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('kua-checkpoint-3.txt');
    savedPath = join(fixture.dir, 'saved-checkpoint.txt');
    await file.saveAs(savedPath);
    saved = readFileSync(savedPath, 'utf8');
    expect(saved).toBe(await reader.checkpoint());
    // The log grows after the checkpoint was saved.
    await submitAndProcess(SECOND, 'job-2');
    expect(await reader.size()).toBe(5);
  }, 120_000);

  it('a sanitised file a reviewer decrypted is included, with the time it was received', async () => {
    await settled('checked', () => page.setInputFiles('#verify-file', sanitisedPath));
    expect(await page.locator('#result').getAttribute('data-status')).toBe('included');
    expect(await page.locator('#result-text').textContent()).toBe(t('verifyIncluded'));
    const received = (await reader.entry(1)) as Extract<LogEntry, { kind: 'received' }>;
    expect(received).toMatchObject({ kind: 'received', submission, index: 0 });
    expect(await page.locator('#detail-received time').getAttribute('datetime')).toBe(received.receivedAt);
    expect(await page.locator('#detail-received time').textContent()).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect((await page.locator('#detail-submission').textContent())?.replaceAll(' ', '')).toBe(submission);
    expect(await page.locator('#detail-hash').textContent()).toBe(toHex(sha256(sanitised)));
    expect(await page.locator('#current-size').textContent()).toBe(t('verifyCurrentSize', { size: 5 }));
    // Every string follows the language switch.
    await page.getByRole('button', { name: 'Русский' }).click();
    expect(await page.locator('#result-text').textContent()).toBe(translate('ru', 'verifyIncluded'));
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    await page.getByRole('button', { name: 'English' }).click();
  }, 60_000);

  it('an unrelated file dropped on the page is unknown', async () => {
    await settled('checked', async () => {
      // The bytes reach the page through the DevTools protocol (not the network), as a drop would.
      const dataTransfer = await page.evaluateHandle(
        `(() => {
          const dt = new DataTransfer();
          const bytes = Uint8Array.from(atob('${FIRST.toString('base64')}'), (c) => c.charCodeAt(0));
          dt.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
          return dt;
        })()`,
      );
      await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    });
    expect(await page.locator('#result').getAttribute('data-status')).toBe('unknown');
    expect(await page.locator('#result-text').textContent()).toBe(t('verifyUnknown'));
    expect(await page.locator('#detail-hash').textContent()).toBe(toHex(sha256(FIRST)));
  }, 60_000);

  it('the saved checkpoint is consistent with the grown log', async () => {
    await page.getByLabel(t('verifySavedLabel'), { exact: true }).fill(saved);
    await settled('compared', () => page.getByRole('button', { name: t('verifySavedCheck') }).click());
    expect(await page.locator('#saved-result').getAttribute('data-status')).toBe('consistent');
    expect(await page.locator('#saved-result').textContent()).toBe(t('verifyConsistent', { from: 3, to: 5 }));
    // The same, loaded from the saved file.
    await page.getByLabel(t('verifySavedLabel'), { exact: true }).fill('');
    await settled('compared', () => page.setInputFiles('#saved-file', savedPath));
    expect(await page.locator('#saved-result').getAttribute('data-status')).toBe('consistent');
    expect(await page.getByLabel(t('verifySavedLabel'), { exact: true }).inputValue()).toBe(saved);
    // Text that is not a checkpoint signed by this log is refused as such.
    await page.getByLabel(t('verifySavedLabel'), { exact: true }).fill(saved.replace(/\n3\n/, '\n2\n'));
    await settled('compared', () => page.getByRole('button', { name: t('verifySavedCheck') }).click());
    expect(await page.locator('#saved-result').getAttribute('data-status')).toBe('invalid');
  }, 60_000);

  it('no request made by the page carried the files’ bytes; only their hashes were sent', () => {
    const bodies = proxy.captured.flatMap((c) => [Buffer.from(c.path), c.body]);
    expect(proxy.captured.length).toBeGreaterThan(5);
    expect(findLeaks([sanitised, FIRST], bodies)).toEqual([]);
    expect(proxy.captured.every((c) => c.method === 'GET' && c.body.length === 0)).toBe(true);
    const lookups = proxy.captured.map((c) => c.path).filter((p) => p.includes('/api/log/entries?'));
    expect(lookups).toContain(`/api/log/entries?sanitised=${toHex(sha256(sanitised))}`);
  });

  it('after a stored entry is rewritten the page reports a failed proof and an inconsistent history', async () => {
    // Backdate the received time of the first submission's file, as a dishonest operator might.
    const original = await reader.entry(1);
    const forged = { ...original, receivedAt: '2020-01-01T00:00:00.000Z' } as LogEntry;
    await writeBlob(fixture.store, entryKey(1), serializeLogEntry(forged));
    reader = createLogReader(fixture.store); // a restarted server serves the rewritten storage
    try {
      await settled('checked', () => page.setInputFiles('#verify-file', sanitisedPath));
      expect(await page.locator('#result').getAttribute('data-status')).toBe('failed');
      expect(await page.locator('#result-text').textContent()).toBe(t('verifyFailed'));
      expect(await page.locator('#result-text').getAttribute('role')).toBe('alert');
      expect(await page.locator('#result').textContent()).not.toContain('2020');

      await page.getByLabel(t('verifySavedLabel'), { exact: true }).fill(saved);
      await settled('compared', () => page.getByRole('button', { name: t('verifySavedCheck') }).click());
      expect(await page.locator('#saved-result').getAttribute('data-status')).toBe('inconsistent');
      expect(await page.locator('#saved-result').textContent()).toBe(
        t('verifyInconsistent', { from: 3, to: 5 }),
      );
    } finally {
      await writeBlob(fixture.store, entryKey(1), serializeLogEntry(original));
      reader = createLogReader(fixture.store);
    }
  }, 60_000);

  it('fits a 360 px wide screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow as number).toBeLessThanOrEqual(0);
  });
});
