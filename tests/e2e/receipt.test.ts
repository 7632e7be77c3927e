// The witness receipt on the verify page, in headless Chromium, against the real server routes and a
// log made by the real worker (log-received job, then the pipeline): the receipt served by
// GET /api/submissions/:id/receipt, chosen on the verify page, is shown as received at its time and
// still in the log; a receipt with an altered proof is refused; after a stored entry is rewritten the
// page reports that the log no longer agrees with the receipt.
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import type { Page } from 'playwright-core';
import { toBase64 } from '../../core/base64.js';
import { toHex } from '../../core/bytes.js';
import { SUBMISSIONS_QUEUE } from '../../core/contracts/jobs.js';
import { type LogEntry, serializeLogEntry } from '../../core/contracts/log-entry.js';
import { type Receipt, receiptSchema } from '../../core/contracts/receipt.js';
import { fingerprint } from '../../core/fingerprint.js';
import { createLogger } from '../../runtime/logger.js';
import { writeBlob } from '../../runtime/provenance-log/blob-io.js';
import { createLogReader, entryKey, type LogReader } from '../../runtime/provenance-log/index.js';
import { createApp } from '../../server/app.js';
import { translate } from '../../web/i18n/i18n.js';
import { createLogReceivedDeps, logReceived } from '../../worker/log-received.js';
import { processSubmission } from '../../worker/pipeline.js';
import { corpusDir, createFixture, type Fixture, redisUrl } from '../integration/worker/harness.js';
import { launchChromium } from './support/chromium.js';

const repo = join(import.meta.dirname, '..', '..');
const WEB_ROOT = join(repo, 'dist', 'web');
const JPEG = readFileSync(join(corpusDir, 'exifr_canon600d_gps_serials_iptc.jpg'));

let fixture: Fixture;
let queue: Queue;
let server: ReturnType<ReturnType<typeof createApp>['listen']>;
let base: string;
let reader: LogReader;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let receipt: Receipt;
let receiptPath: string;

const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('en', key, params);

async function check(path: string): Promise<{ status: string | null; text: string | null }> {
  await page.evaluate('delete document.documentElement.dataset.kua');
  await page.setInputFiles('#verify-file', path);
  await page.waitForSelector('html[data-kua="checked"]', { state: 'attached', timeout: 30_000 });
  return {
    status: await page.locator('#result').getAttribute('data-status'),
    text: await page.locator('#result-text').textContent(),
  };
}

beforeAll(async () => {
  fixture = await createFixture();
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
  queue = new Queue(SUBMISSIONS_QUEUE, {
    connection: { url: redisUrl() },
    prefix: `kua-test-e2e${Date.now().toString(16)}`,
  });
  const { sodium, keys } = fixture;
  const logger = createLogger({ level: 'error', component: 'server', sink: () => {} });
  const app = createApp({
    health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
    logger,
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
    intake: {
      redis: fixture.redis,
      queue,
      store: fixture.store,
      logger,
      intake: { publicKey: 'unused', fingerprint: 'unused' },
      limits: {
        partBytes: 64 * 1024,
        maxFileBytes: 1024 * 1024,
        maxFiles: 5,
        maxBytesInFlight: 1024 * 1024,
        diskReserveBytes: 0,
        expirySeconds: 3600,
      },
      freeDiskBytes: async () => Number.MAX_SAFE_INTEGER,
      keyPrefix: `${fixture.prefix}intake:`,
      logReader: delegate,
    },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The witness's submission: log-received first (the receipt), then processing grows the log.
  const id = await fixture.submit([
    { bytes: JPEG, manifest: { name: 'IMG_0001-secret.jpg', type: 'image/jpeg' } },
  ]);
  await logReceived(createLogReceivedDeps(fixture.deps()), id);
  const res = await fetch(`${base}/api/submissions/${id}/receipt`);
  expect(res.status).toBe(200);
  receipt = receiptSchema.parse(await res.json());
  receiptPath = join(fixture.dir, 'kua-receipt.json');
  writeFileSync(receiptPath, JSON.stringify(receipt));
  await processSubmission(fixture.deps(), id, 'job-e2e-receipt');

  browser = await launchChromium();
  const context = await browser.newContext({ locale: 'en-US' });
  page = await context.newPage();
  await page.goto(`${base}/verify.html`);
  await page.waitForSelector('html[data-kua="ready"]', { state: 'attached', timeout: 20_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  await queue?.obliterate({ force: true });
  await queue?.close();
  await fixture?.close();
});

describe('witness receipt on the verify page', () => {
  it('is shown as received at its time and still in the grown log', async () => {
    const got = await check(receiptPath);
    expect(got.status).toBe('receipt-ok');
    expect(got.text).toContain(t('verifyReceiptOk', { time: '' }).split(' on ')[0] as string);
    expect(got.text).toContain(String(new Date(receipt.entries[0]?.entry.receivedAt ?? 0).getUTCFullYear()));
  }, 60_000);

  it('a receipt with an altered proof is refused', async () => {
    const item = receipt.entries[0] as Receipt['entries'][number];
    const bad = { ...receipt, entries: [{ ...item, index: item.index + 1 }] };
    const path = join(fixture.dir, 'bad-receipt.json');
    writeFileSync(path, JSON.stringify(bad));
    const got = await check(path);
    expect(got.status).toBe('receipt-invalid');
    expect(got.text).toBe(t('verifyReceiptInvalid'));
  }, 60_000);

  it('after a stored entry is rewritten the page says the log no longer agrees with the receipt', async () => {
    const index = receipt.entries[0]?.index ?? 0;
    const original = await reader.entry(index);
    const forged = { ...original, receivedAt: '2020-01-01T00:00:00.000Z' } as LogEntry;
    await writeBlob(fixture.store, entryKey(index), serializeLogEntry(forged));
    reader = createLogReader(fixture.store);
    try {
      const got = await check(receiptPath);
      expect(got.status).toBe('receipt-inconsistent');
      expect(got.text).toBe(t('verifyReceiptInconsistent'));
    } finally {
      await writeBlob(fixture.store, entryKey(index), serializeLogEntry(original));
      reader = createLogReader(fixture.store);
    }
  }, 60_000);
});
