// The browser build of core/envelope (bundled by esbuild, served under a strict CSP, run in real headless
// Chromium) decrypts what Node encrypted, and Node decrypts what the browser encrypted.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { equalBytes } from '../../core/bytes.js';
import { decryptBytes, encryptBytes, type Identity } from '../../core/envelope/index.js';
import { readySodium, type Sodium } from '../../core/sodium.js';
import { launchChromium } from './support/chromium.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
const SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536 + 4321];

// Runs in the page: exposes the envelope API on globalThis.kua.
const ENTRY = `
import * as envelope from './core/envelope/index.ts';
import { readySodium } from './core/sodium.ts';
globalThis.kua = { envelope, readySodium };
document.title = 'ready';
`;

let sodium: Sodium;
let dir: string;
let server: Server;
let browser: Browser;
let page: Page;
const violations: string[] = [];

function pattern(size: number, salt: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (31 * i + salt) & 0xff);
}
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

beforeAll(async () => {
  sodium = await readySodium();
  dir = await mkdtemp(join(tmpdir(), 'kua-envelope-e2e-'));
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]!.contents;
  const html =
    '<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="/app.js"></script>';
  server = createServer((req, res) => {
    const headers = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' };
    if (req.url === '/')
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    else if (req.url === '/app.js')
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
    else res.writeHead(404, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  page.on('pageerror', (error) => violations.push(String(error)));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction("document.title === 'ready'", undefined, { timeout: 20_000 });
  await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: test page global
    await (globalThis as any).kua.readySodium();
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

function identity(): Identity {
  const kp = sodium.crypto_box_keypair();
  return { x25519PublicKey: kp.publicKey, x25519SecretKey: kp.privateKey };
}

describe('envelope in headless Chromium', () => {
  test('the page loaded under the strict CSP without violations', () => {
    expect(violations).toEqual([]);
  });

  test.each(SIZES)('Node encrypts %i bytes, the browser decrypts (web streams)', async (size) => {
    const reviewer = identity();
    const plaintext = pattern(size, 11);
    const envelope = encryptBytes(sodium, plaintext, {
      recipients: [identity(), reviewer],
      manifest: { name: 'свидетельство.jpg', type: 'image/jpeg' },
    });
    const out = await page.evaluate(
      async ({ env, pk, sk }) => {
        // biome-ignore lint/suspicious/noExplicitAny: test page global
        const { envelope, readySodium } = (globalThis as any).kua;
        const sodium = await readySodium();
        const bytes = sodium.from_base64(env, sodium.base64_variants.ORIGINAL);
        const pieces = [];
        for (let at = 0; at < bytes.length; at += 10_000) pieces.push(bytes.subarray(at, at + 10_000));
        const dec = new envelope.DecryptStream(sodium, {
          x25519PublicKey: sodium.from_base64(pk, sodium.base64_variants.ORIGINAL),
          x25519SecretKey: sodium.from_base64(sk, sodium.base64_variants.ORIGINAL),
        });
        const plain = await new Response(new Blob(pieces).stream().pipeThrough(dec)).arrayBuffer();
        return {
          plaintext: sodium.to_base64(new Uint8Array(plain), sodium.base64_variants.ORIGINAL),
          manifest: await dec.manifest,
        };
      },
      { env: b64(envelope), pk: b64(reviewer.x25519PublicKey), sk: b64(reviewer.x25519SecretKey) },
    );
    expect(equalBytes(unb64(out.plaintext), plaintext)).toBe(true);
    expect(out.manifest).toEqual({ v: 1, name: 'свидетельство.jpg', type: 'image/jpeg', size });
  });

  test.each(SIZES)('the browser encrypts %i bytes (web streams), Node decrypts', async (size) => {
    const intake = identity();
    const envelopeB64 = await page.evaluate(
      async ({ pk, size }) => {
        // biome-ignore lint/suspicious/noExplicitAny: test page global
        const { envelope, readySodium } = (globalThis as any).kua;
        const sodium = await readySodium();
        const plain = new Uint8Array(size);
        for (let i = 0; i < size; i++) plain[i] = (31 * i + 5) & 0xff;
        const enc = new envelope.EncryptStream(sodium, {
          recipients: [{ x25519PublicKey: sodium.from_base64(pk, sodium.base64_variants.ORIGINAL) }],
          manifest: { size, name: 'IMG_0001.JPG', type: 'image/jpeg' },
        });
        const file = new File([plain], 'IMG_0001.JPG', { type: 'image/jpeg' });
        const bytes = await new Response(file.stream().pipeThrough(enc)).arrayBuffer();
        return sodium.to_base64(new Uint8Array(bytes), sodium.base64_variants.ORIGINAL);
      },
      { pk: b64(intake.x25519PublicKey), size },
    );
    const out = decryptBytes(sodium, unb64(envelopeB64), intake);
    expect(equalBytes(out.plaintext, pattern(size, 5))).toBe(true);
    expect(out.manifest).toEqual({ v: 1, name: 'IMG_0001.JPG', type: 'image/jpeg', size });
  });

  test.each(['four-chunks', 'chunk-plus-one', 'empty'])(
    'the browser reproduces known-answer vector %s byte for byte',
    async (name) => {
      const file = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/envelope/vectors.json'), 'utf8'));
      const v = file.vectors.find((x: { name: string }) => x.name === name);
      const pks = v.recipients.map(
        (r: string) => file.identities.find((i: { name: string }) => i.name === r).x25519PublicKey,
      );
      const digest = await page.evaluate(
        async ({ random, pks, manifest, size }) => {
          // biome-ignore lint/suspicious/noExplicitAny: test page global
          const { envelope, readySodium } = (globalThis as any).kua;
          const sodium = await readySodium();
          let drawn = 0;
          const plan = envelope.createEnvelope(sodium, {
            recipients: pks.map((pk: string) => ({ x25519PublicKey: sodium.from_hex(pk) })),
            manifest,
            random: () => sodium.from_hex(random[drawn++]),
          });
          const plain = new Uint8Array(size);
          for (let i = 0; i < size; i++) plain[i] = (31 * i + 7) & 0xff;
          const enc = new envelope.Encryptor(plan);
          const bytes = await new Blob([...enc.push(plain), ...enc.finish()]).arrayBuffer();
          return sodium.to_hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
        },
        { random: v.random, pks, manifest: v.manifest, size: v.plaintextSize },
      );
      expect(digest).toBe(v.envelopeSha256);
    },
  );

  test('a tampered envelope fails in the browser with the same typed error code', async () => {
    const reviewer = identity();
    const envelope = encryptBytes(sodium, pattern(70_000, 1), { recipients: [reviewer] });
    envelope[envelope.length - 20]! ^= 1;
    const code = await page.evaluate(
      async ({ env, pk, sk }) => {
        // biome-ignore lint/suspicious/noExplicitAny: test page global
        const { envelope, readySodium } = (globalThis as any).kua;
        const sodium = await readySodium();
        try {
          envelope.decryptBytes(sodium, sodium.from_base64(env, sodium.base64_variants.ORIGINAL), {
            x25519PublicKey: sodium.from_base64(pk, sodium.base64_variants.ORIGINAL),
            x25519SecretKey: sodium.from_base64(sk, sodium.base64_variants.ORIGINAL),
          });
          return 'no error';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      },
      { env: b64(envelope), pk: b64(reviewer.x25519PublicKey), sk: b64(reviewer.x25519SecretKey) },
    );
    expect(code).toBe('ENVELOPE_CHUNK_AUTH');
  });
});
