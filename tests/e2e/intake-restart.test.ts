// The built server process (dist/server/main.js, as `npm start` runs it) is killed with SIGKILL in the
// middle of a part and started again on the same Redis and data directory: the upload resumes where it
// stopped, no finished part is stored twice, and the half-written part never becomes visible.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { fromBase64 } from '../../core/base64.js';
import { createSubmissionResponseSchema, submissionStatusSchema } from '../../core/contracts/intake.js';
import { SUBMISSIONS_QUEUE } from '../../core/contracts/jobs.js';
import { encryptBytes } from '../../core/envelope/index.js';
import { readySodium } from '../../core/sodium.js';
import { initKeys } from '../../keys/init.js';
import { createFsBlobStore } from '../../runtime/blob-store/fs.js';
import { deleteIntake, openIntakeEnvelope } from '../../server/intake/intake-blobs.js';
import { deleteSubmissionRecord } from '../../server/intake/records.js';

const repo = join(import.meta.dirname, '..', '..');
const serverScript = join(repo, 'dist', 'server', 'main.js');
const PART = 64 * 1024;

const redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');

interface Running {
  child: ChildProcess;
  base: string;
  logs: string[];
}

function startServer(env: NodeJS.ProcessEnv, logs: string[]): Promise<Running> {
  const child = spawn(process.execPath, [serverScript], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let buffered = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    logs.push(...lines.filter((l) => l !== ''));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`server exited during start-up (${code})`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      resolve({ child, base: `http://127.0.0.1:${message.port}`, logs });
    });
  });
}

function put(base: string, id: string, part: number, body: Uint8Array): Promise<Response> {
  return fetch(`${base}/api/submissions/${id}/files/0/parts/${part}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body,
  });
}

function tempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.includes('.tmp-'));
}

describe('intake survives a server killed mid-upload', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kua-intake-restart-'));
  const blobDir = join(scratch, 'data', 'blobs');
  const logs: string[] = [];
  let env: NodeJS.ProcessEnv;
  let publicKey: Uint8Array;
  let server: Running | undefined;
  let id: string | undefined;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: redisUrl } });

  beforeAll(async () => {
    if (!existsSync(serverScript))
      throw new Error('dist/ is missing: run through `npm test` (it builds first)');
    const keysDir = join(scratch, 'keys');
    const { publicConfigPath } = await initKeys(keysDir);
    const { readFileSync } = await import('node:fs');
    publicKey = fromBase64(
      (JSON.parse(readFileSync(publicConfigPath, 'utf8')) as { intakePublicKey: string }).intakePublicKey,
    );
    env = {
      ...process.env,
      REDIS_URL: redisUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(scratch, 'data'),
      KUA_KEYS_DIR: keysDir,
      KUA_WEB_DIR: join(scratch, 'web'),
      LOG_LEVEL: 'debug',
      UPLOAD_PART_BYTES: String(PART),
      DISK_RESERVE_BYTES: '0',
    };
  });

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    if (id !== undefined) {
      await queue.remove(id).catch(() => {});
      await deleteSubmissionRecord(redis, id);
    }
    await queue.close();
    redis.disconnect();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('resumes after SIGKILL without storing any part twice', async () => {
    const sodium = await readySodium();
    const envelope = encryptBytes(sodium, new Uint8Array(randomBytes(1024 * 1024)), {
      recipients: [{ x25519PublicKey: publicKey }],
      manifest: { type: 'video/mp4' },
    });
    const parts = Math.ceil(envelope.length / PART);
    const partBytes = (p: number) => envelope.subarray(p * PART, Math.min((p + 1) * PART, envelope.length));

    server = await startServer(env, logs);
    const created = await fetch(`${server.base}/api/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: [{ bytes: envelope.length }] }),
    });
    expect(created.status).toBe(201);
    id = createSubmissionResponseSchema.parse(await created.json()).id;
    const half = Math.floor(parts / 2);
    for (let p = 0; p < half; p++) expect((await put(server.base, id, p, partBytes(p))).status).toBe(201);

    // Part `half` is on its way (half its bytes written to a temp file) when the server dies.
    const inflight = request(`${server.base}/api/submissions/${id}/files/0/parts/${half}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(PART) },
    });
    inflight.on('error', () => {});
    inflight.write(partBytes(half).subarray(0, PART / 2));
    const deadline = Date.now() + 10_000;
    while (tempFiles(blobDir).length === 0) {
      if (Date.now() > deadline) throw new Error('the part never started streaming');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const exited = new Promise((resolve) => server?.child.once('exit', resolve));
    server.child.kill('SIGKILL');
    await exited;
    inflight.destroy();

    // A new server process on the same Redis and disk picks the upload up.
    server = await startServer(env, logs);
    const status = submissionStatusSchema.parse(
      await (await fetch(`${server.base}/api/submissions/${id}`)).json(),
    );
    expect(status.state).toBe('uploading');
    expect(status.files[0]?.received).toEqual(Array.from({ length: half }, (_, i) => i));
    // A client that lost track re-sends everything: stored parts are acknowledged, not rewritten.
    for (let p = 0; p < parts; p++) {
      const res = await put(server.base, id, p, partBytes(p));
      expect([p, res.status]).toEqual([p, p < half ? 200 : 201]);
    }
    const fin = await fetch(`${server.base}/api/submissions/${id}/finalize`, { method: 'POST' });
    expect(fin.status).toBe(202);
    expect((await queue.getJob(id))?.data).toEqual({ submissionId: id });

    const stored = logs.filter((l) => (JSON.parse(l) as { event: string }).event === 'part_stored');
    expect(stored).toHaveLength(parts); // every part exactly once, across both processes
    const store = createFsBlobStore(blobDir);
    const read: Uint8Array[] = [];
    for await (const chunk of openIntakeEnvelope(store, id, 0)) read.push(chunk);
    expect(Buffer.compare(Buffer.concat(read), envelope)).toBe(0);
    // The killed part's temp file is invisible to listings and goes with the submission's parts.
    expect((await store.list(`uploads/${id}/`)).length).toBe(parts);
    await deleteIntake(store, id);
    expect(tempFiles(blobDir)).toEqual([]);
    for (const line of logs) expect(line).not.toContain(id);
  });
});
