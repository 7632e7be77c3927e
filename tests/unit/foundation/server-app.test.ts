import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiErrorSchema } from '../../../core/contracts/errors.js';
import { type HealthResponse, healthResponseSchema } from '../../../core/contracts/health.js';
import { createLogger } from '../../../runtime/logger.js';
import { createApp } from '../../../server/app.js';

const OK: HealthResponse = {
  status: 'ok',
  server: 'ok',
  redis: 'ok',
  queue: { waiting: 1, active: 0, delayed: 0, failed: 2, completed: 3 },
};

describe('server app', () => {
  const logLines: string[] = [];
  let health: () => Promise<HealthResponse> = async () => OK;
  let server: Server;
  let base: string;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'kua-web-'));
    writeFileSync(
      join(webRoot, 'index.html'),
      '<!doctype html><title>t</title><script src="main.js"></script>',
    );
    writeFileSync(join(webRoot, 'main.js'), 'void 0;');
    const app = createApp({
      health: () => health(),
      logger: createLogger({ level: 'debug', component: 'server', sink: (l) => logLines.push(l) }),
      webRoot,
      trustProxy: false,
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(webRoot, { recursive: true, force: true });
  });

  const get = (path: string) =>
    fetch(`${base}${path}`, {
      headers: { 'User-Agent': 'Witness-Phone-UA/9.9', 'X-Forwarded-For': '198.51.100.23' },
    });

  function expectPrivacyHeaders(res: Response) {
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain("'unsafe-eval'");
  }

  it('serves the page with strict, no-store, cookie-free headers', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expectPrivacyHeaders(res);
    const script = await get('/main.js');
    expect(script.status).toBe(200);
    expectPrivacyHeaders(script);
  });

  it('reports health as counts only', async () => {
    health = async () => OK;
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expectPrivacyHeaders(res);
    expect(healthResponseSchema.parse(await res.json())).toEqual(OK);
  });

  it('answers 503 when degraded', async () => {
    health = async () => ({ status: 'degraded', server: 'ok', redis: 'unreachable', queue: null });
    const res = await get('/api/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ redis: 'unreachable', queue: null });
  });

  it('answers JSON 404 for unknown API routes and files', async () => {
    for (const path of ['/api/nope', '/api/', '/nothing-here.html', '/.env']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expectPrivacyHeaders(res);
      expect(apiErrorSchema.parse(await res.json()).error.code).toBe('NOT_FOUND');
    }
  });

  it('maps unexpected errors to a generic 500 without leaking their message', async () => {
    health = async () => {
      throw new Error('secret detail /home/witness/video.mp4');
    };
    const res = await get('/api/health');
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(body).not.toContain('secret');
    expect(logLines.join('\n')).not.toContain('secret');
  });

  it('never logs request origins', async () => {
    await get('/');
    await get('/api/nope');
    expect(logLines.length).toBeGreaterThan(0); // the 500 and 404s above were logged
    const text = logLines.join('\n');
    expect(text).not.toContain('198.51.100.23');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('Witness-Phone-UA');
  });
});
