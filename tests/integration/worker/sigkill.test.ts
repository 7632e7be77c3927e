// Fault injection: the real worker process (dist/worker/main.js) is killed with SIGKILL in the middle of
// a job, with plaintext in its scratch dir. A restarted worker wipes the scratch dir, takes the stalled
// job up again and completes it exactly once: one result per file, nothing left in scratch.
// Runs against its own private redis-server, so no other test's worker can take the job.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { SUBMISSION_JOB_OPTIONS, SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import { resultKey, resultsPrefix, type SubmissionSummary } from '../../../core/contracts/record.js';
import { type PrivateRedis, startPrivateRedis } from '../../../runtime/redis-launcher.js';
import { submissionPrefix } from '../../../server/intake/blob-keys.js';
import { DEFAULT_INTAKE_KEY_PREFIX } from '../../../server/intake/records.js';
import { createFixture, type Fixture, filesUnder, repoRoot } from './harness.js';

const run = promisify(execFile);
const WORKER = join(repoRoot, 'dist/worker/main.js');

interface RunningWorker {
  child: ChildProcess;
  lines: string[];
  exited: Promise<unknown>;
  /** Resolves when a log line with this event appears (rejects after timeoutMs or if the worker exits). */
  waitFor(event: string, timeoutMs: number): Promise<void>;
}

function startWorker(env: NodeJS.ProcessEnv): RunningWorker {
  const child = spawn(process.execPath, [WORKER], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let buffered = '';
  child.stderr?.on('data', (data: Buffer) => {
    buffered += data.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l !== ''));
    for (const listener of listeners) listener();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const hasEvent = (event: string) =>
    lines.some((l) => {
      try {
        return (JSON.parse(l) as { event?: string }).event === event;
      } catch {
        return false;
      }
    });
  return {
    child,
    lines,
    exited,
    waitFor: (event, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!hasEvent(event)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`worker did not log ${event} within ${timeoutMs} ms: ${lines.join('\n')}`));
        }, timeoutMs);
        const onExit = () => {
          done();
          reject(new Error(`worker exited before logging ${event}: ${lines.join('\n')}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
  };
}

/** Where a running worker writes file 0's plaintext for job `id`: inside its own root `w-…`. */
function plaintextPath(scratchBase: string, id: string): string | undefined {
  let roots: string[];
  try {
    roots = readdirSync(scratchBase).filter((e) => /^w-[0-9a-f]{32}$/.test(e));
  } catch {
    return undefined;
  }
  return roots.map((r) => join(scratchBase, r, id, 'f0-plain')).find((p) => existsSync(p));
}

/** Resolves with the path once `find` finds it (checked every few ms, bounded by timeoutMs and the worker's exit). */
function waitForFile(
  find: () => string | undefined,
  timeoutMs: number,
  worker: RunningWorker,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      const found = find();
      if (found !== undefined) return resolve(found);
      if (worker.child.exitCode !== null) return reject(new Error('worker exited'));
      if (Date.now() > deadline) return reject(new Error(`the file did not appear within ${timeoutMs} ms`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** The `count` of the first log line with this event. */
function loggedCount(worker: RunningWorker, event: string): number | undefined {
  for (const line of worker.lines) {
    try {
      const parsed = JSON.parse(line) as { event?: string; count?: number };
      if (parsed.event === event) return parsed.count;
    } catch {
      // not JSON
    }
  }
  return undefined;
}

describe('worker killed mid-job', () => {
  let fixture: Fixture;
  let redis: PrivateRedis;
  let videoBytes: Uint8Array;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    if (!existsSync(WORKER))
      throw new Error('dist/worker/main.js is missing: run `node scripts/build.mjs` (npm test does)');
    fixture = await createFixture();
    redis = await startPrivateRedis({ dataDir: join(fixture.dir, 'redis') });
    // A video large enough that the job is surely still running when it is killed.
    const video = join(fixture.dir, 'big.mp4');
    await run('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=30',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440',
      '-t',
      '30',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-qp',
      '0',
      '-c:a',
      'aac',
      '-shortest',
      '-metadata',
      'location=+43.2389+076.8897/',
      '-metadata',
      'title=secret-title-marker',
      video,
    ]);
    videoBytes = readFileSync(video);
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGKILL');
        await w.exited;
      }
    }
    await redis?.stop();
    await fixture?.close();
  });

  it('is taken up again after a restart and completes once, with one result and no scratch files', async () => {
    // The submission, stored where the intake server stores it, in the private Redis.
    const own = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    const id = await fixture.submit(
      [
        { bytes: videoBytes, manifest: { name: 'secret-clip.mp4', type: 'video/mp4' } },
        { bytes: new TextEncoder().encode('note'), manifest: { name: 'note.txt', type: 'text/plain' } },
      ],
      { partBytes: 1024 * 1024, redis: own, intakeKeyPrefix: DEFAULT_INTAKE_KEY_PREFIX },
    );

    const env = {
      PATH: process.env.PATH,
      REDIS_URL: redis.url,
      DATA_DIR: fixture.dataDir,
      KUA_KEYS_DIR: fixture.keysDir,
      LOG_LEVEL: 'info',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    };
    const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: redis.url } });
    const events = new QueueEvents(SUBMISSIONS_QUEUE, { connection: { url: redis.url } });
    await events.waitUntilReady();
    let completions = 0;
    const completed = new Promise<void>((resolve) =>
      events.on('completed', ({ jobId }) => {
        if (jobId === id) completions++;
        resolve();
      }),
    );
    try {
      const first = startWorker(env);
      workers.push(first);
      await first.waitFor('ready', 30_000);
      await queue.add('process-submission', { submissionId: id }, { ...SUBMISSION_JOB_OPTIONS, jobId: id });
      await first.waitFor('job_active', 30_000);
      // Plaintext is being written to the scratch dir: kill now.
      await waitForFile(() => plaintextPath(fixture.scratchRoot, id), 30_000, first);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(first.child.signalCode).toBe('SIGKILL');
      expect(await queue.getJobState(id)).toBe('active'); // still locked by the dead worker
      expect(filesUnder(fixture.scratchRoot).length).toBeGreaterThan(0); // the killed worker left plaintext
      expect(await fixture.store.list(resultsPrefix(id))).toEqual([]);

      const second = startWorker(env);
      workers.push(second);
      await second.waitFor('ready', 30_000);
      expect(loggedCount(second, 'scratch_stale_wiped')).toBe(1); // the dead worker's root, by its lock
      expect(plaintextPath(fixture.scratchRoot, id)).toBeUndefined();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        completed,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(second.lines.join('\n'))), 90_000);
        }),
      ]).finally(() => clearTimeout(timer));
      const job = await queue.getJob(id);
      const summary = job?.returnvalue as SubmissionSummary;
      expect(summary.files).toEqual([
        { index: 0, status: 'sealed', kind: 'video' },
        { index: 1, status: 'sealed', kind: 'note' },
      ]);
      expect(completions).toBe(1);
      expect((await fixture.store.list(resultsPrefix(id))).map((b) => b.key).sort()).toEqual(
        [
          resultKey(id, 0, 'receipt'),
          resultKey(id, 0, 'record'),
          resultKey(id, 0, 'sanitised'),
          resultKey(id, 1, 'receipt'),
          resultKey(id, 1, 'record'),
          resultKey(id, 1, 'sanitised'),
          `${resultsPrefix(id)}summary`,
        ].sort(),
      );
      expect(await fixture.store.list(submissionPrefix(id))).toEqual([]);
      // Only the running worker's lock file is left (empty); no plaintext, no job dir.
      expect(filesUnder(fixture.scratchRoot).map((f) => basename(f))).toEqual([
        expect.stringMatching(/^w-[0-9a-f]{32}\.lock$/),
      ]);
      expect(second.lines.join('\n')).not.toContain('secret');

      // Graceful shutdown still works, and takes its root and lock with it.
      second.child.kill('SIGTERM');
      await second.exited;
      expect(second.child.exitCode).toBe(0);
      expect(readdirSync(fixture.scratchRoot)).toEqual([]);
    } finally {
      await events.close();
      await queue.close();
      own.disconnect();
    }
  }, 240_000);
  it('two workers on one DATA_DIR keep their own scratch roots: a starting one wipes nothing live', async () => {
    const own = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    const id = await fixture.submit(
      [{ bytes: videoBytes, manifest: { name: 'secret-clip.mp4', type: 'video/mp4' } }],
      { partBytes: 1024 * 1024, redis: own, intakeKeyPrefix: DEFAULT_INTAKE_KEY_PREFIX },
    );
    const env = {
      PATH: process.env.PATH,
      REDIS_URL: redis.url,
      DATA_DIR: fixture.dataDir,
      KUA_KEYS_DIR: fixture.keysDir,
      LOG_LEVEL: 'info',
    };
    const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url: redis.url } });
    const events = new QueueEvents(SUBMISSIONS_QUEUE, { connection: { url: redis.url } });
    await events.waitUntilReady();
    const completed = new Promise<void>((resolve) =>
      events.on('completed', ({ jobId }) => {
        if (jobId === id) resolve();
      }),
    );
    try {
      const a = startWorker(env);
      workers.push(a);
      await a.waitFor('ready', 30_000);
      await queue.add('process-submission', { submissionId: id }, { ...SUBMISSION_JOB_OPTIONS, jobId: id });
      await a.waitFor('job_active', 30_000);
      const plain = await waitForFile(() => plaintextPath(fixture.scratchRoot, id), 30_000, a);

      // A second worker starts on the same DATA_DIR while the first has plaintext in its scratch root.
      const b = startWorker(env);
      workers.push(b);
      await b.waitFor('ready', 30_000);
      expect(loggedCount(b, 'scratch_live_roots')).toBe(1);
      expect(loggedCount(b, 'scratch_stale_wiped')).toBe(0);
      // The first worker's root (its job dir and plaintext, while the job runs) survives the second's start;
      // the old start-up wipe of all of DATA_DIR/scratch removed it mid-job.
      expect(existsSync(dirname(dirname(plain)))).toBe(true);
      const roots = readdirSync(fixture.scratchRoot).filter((e) => /^w-[0-9a-f]{32}$/.test(e));
      expect(roots).toHaveLength(2);
      for (const root of roots) expect(statSync(join(fixture.scratchRoot, root)).mode & 0o777).toBe(0o700);

      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        completed,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(a.lines.join('\n'))), 90_000);
        }),
      ]).finally(() => clearTimeout(timer));
      const job = await queue.getJob(id);
      expect(job?.attemptsMade).toBe(1); // done on its first attempt: nothing pulled from under it
      const summary = job?.returnvalue as SubmissionSummary;
      expect(summary.files).toEqual([{ index: 0, status: 'sealed', kind: 'video' }]);

      for (const w of [a, b]) w.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      expect([a.child.exitCode, b.child.exitCode]).toEqual([0, 0]);
      expect(readdirSync(fixture.scratchRoot)).toEqual([]);
    } finally {
      await events.close();
      await queue.close();
      own.disconnect();
    }
  }, 240_000);
});
