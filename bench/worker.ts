// Worker pipeline bench: one submission file through the whole pipeline (read intake envelope → decrypt
// → sniff/sanitise/verify → SHA-256 → seal to 2 reviewers → store → signed record), next to the floor
// for the same plaintext in the same run: `ffmpeg -c copy` + `sha256sum`. Reports wall time (and the
// ratio), the worker process's RSS growth and its children's peak RSS (VmHWM), for a 12-megapixel JPEG
// and MP4s of a quarter and all of KUA_BENCH_VIDEO_MIB (default 1024): peak memory must not grow with
// the video's size. No Redis: the submission record and the roster high-water mark are in memory.
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { encryptIterable } from '../core/envelope/index.js';
import { signRoster } from '../core/roster.js';
import { readySodium } from '../core/sodium.js';
import { initKeys } from '../keys/init.js';
import { loadOrgSigningKey } from '../keys/load-keys.js';
import { addReviewer, EMPTY_ROSTER } from '../keys/roster-edit.js';
import { saveRoster } from '../keys/roster-store.js';
import { nodeCipherFactory } from '../runtime/aead-node.js';
import { createFsBlobStore } from '../runtime/blob-store/fs.js';
import { createLogger } from '../runtime/logger.js';
import { partKey } from '../server/intake/blob-keys.js';
import { deleteIntake, openIntakeEnvelope } from '../server/intake/intake-blobs.js';
import { loadWorkerKeys, readRosterFile } from '../worker/keys.js';
import { sanitizeFile } from '../worker/media/index.js';
import type { PipelineDeps } from '../worker/pipeline.js';
import { processSubmission } from '../worker/pipeline.js';
import { loadSealingRoster } from '../worker/roster.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

async function vmHwmKiB(pid: number): Promise<number> {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Peak RSS of every child seen via onSpawn, sampled until it exits. */
function childPeaks() {
  let peak = 0;
  const watchers: Promise<void>[] = [];
  return {
    onSpawn(pid: number) {
      watchers.push(
        (async () => {
          for (;;) {
            const kib = await vmHwmKiB(pid);
            if (kib === 0) return;
            peak = Math.max(peak, kib);
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
      );
    },
    async peakMiB() {
      await Promise.all(watchers);
      return peak / 1024;
    },
  };
}

async function timed(command: string, args: string[]): Promise<{ seconds: number; peakMiB: number }> {
  const peaks = childPeaks();
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('spawn', () => child.pid !== undefined && peaks.onSpawn(child.pid));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, peakMiB: await peaks.peakMiB() };
}

async function makeVideo(dir: string, mib: number): Promise<string> {
  const clip = join(dir, 'clip.mp4');
  if (!(await stat(clip).catch(() => undefined))) {
    await run('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=duration=4:size=1920x1080:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '20M'],
      ...['-c:a', 'aac', '-shortest', '-y', clip],
    ]);
  }
  const loops = Math.max(0, Math.ceil((mib * MiB) / (await stat(clip)).size) - 1);
  const out = join(dir, `video-${mib}.mp4`);
  await run('ffmpeg', ['-v', 'error', '-stream_loop', String(loops), '-i', clip, '-c', 'copy', '-y', out]);
  return out;
}

export interface WorkerBenchRow {
  name: string;
  bytes: number;
  workerSeconds: number;
  workerRssGrowthMiB: number;
  childPeakMiB: number;
  baselineSeconds: number;
  baselinePeakMiB: number;
}

export async function benchWorker(options: { log: (line: string) => void; videoMiB?: number }) {
  const { log } = options;
  const videoMiB = options.videoMiB ?? Number(process.env.KUA_BENCH_VIDEO_MIB ?? '1024');
  const sodium = await readySodium();
  const dir = await mkdtemp(join(tmpdir(), 'kua-bench-worker-'));
  const rows: WorkerBenchRow[] = [];
  try {
    const keysDir = join(dir, 'keys');
    await initKeys(keysDir);
    const org = await loadOrgSigningKey(sodium, keysDir);
    let roster = EMPTY_ROSTER;
    for (const name of ['Alice', 'Bob']) {
      const identity = {
        x25519PublicKey: sodium.crypto_box_keypair().publicKey,
        ed25519PublicKey: sodium.crypto_sign_keypair().publicKey,
      };
      roster = addReviewer(sodium, roster, name, identity, new Date());
    }
    await saveRoster(keysDir, signRoster(sodium, roster, org.secretKey));
    const keys = await loadWorkerKeys(sodium, keysDir);
    const store = createFsBlobStore(join(dir, 'blobs'));
    const submissions = new Map<string, number>();
    let seen = 0;
    let peaks = childPeaks();
    const deps: PipelineDeps = {
      sodium,
      cipherFactory: nodeCipherFactory,
      store,
      intakeIdentity: keys.intakeIdentity,
      log: keys.log,
      loadRoster: () =>
        loadSealingRoster({
          sodium,
          orgPublicKey: keys.orgPublicKey,
          readRoster: () => readRosterFile(keysDir),
          highWater: {
            get: async () => seen,
            raise: async (v) => {
              seen = Math.max(seen, v);
            },
          },
        }),
      getSubmission: async (id) =>
        submissions.has(id) ? { fileCount: 1, receivedAt: Date.now() } : undefined,
      markDone: async (summary) => void submissions.delete(summary.submission),
      openIntake: (id, index) => openIntakeEnvelope(store, id, index),
      deleteIntake: (id) => deleteIntake(store, id),
      sanitize: (input) => sanitizeFile(input, { onSpawn: (pid) => peaks.onSpawn(pid) }),
      sniffType: async () => undefined,
      scratchRoot: join(dir, 'scratch'),
      now: () => new Date(),
      logger: createLogger({ level: 'silent', component: 'bench' }),
    };

    const measure = async (name: string, input: string, copyArgs: string[]) => {
      const id = sodium.to_hex(sodium.randombytes_buf(16));
      const size = (await stat(input)).size;
      const envelope = encryptIterable(sodium, createReadStream(input, { highWaterMark: 256 * 1024 }), {
        recipients: [{ x25519PublicKey: keys.intakeIdentity.x25519PublicKey }],
        manifest: { name: 'bench', type: 'application/octet-stream', size },
        cipherFactory: nodeCipherFactory,
      });
      await store.put(partKey(id, 0, 0), envelope);
      submissions.set(id, 1);
      peaks = childPeaks();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const timer = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }, 20);
      const start = process.hrtime.bigint();
      const summary = await processSubmission(deps, id, id);
      const workerSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      clearInterval(timer);
      if (summary.sealed !== 1)
        throw new Error(`bench: ${name} was not sealed (${JSON.stringify(summary.files)})`);
      const childPeakMiB = await peaks.peakMiB();
      await store.deletePrefix(`results/${id}/`);

      const copyOut = join(dir, `copy${copyArgs.at(-1) ?? ''}`);
      const copy = await timed('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-i',
        input,
        ...copyArgs.slice(0, -1),
        copyOut,
      ]);
      const sum = await timed('sha256sum', [copyOut]);
      await rm(copyOut, { force: true });
      rows.push({
        name,
        bytes: size,
        workerSeconds,
        workerRssGrowthMiB: (rssPeak - rssBefore) / MiB,
        childPeakMiB,
        baselineSeconds: copy.seconds + sum.seconds,
        baselinePeakMiB: Math.max(copy.peakMiB, sum.peakMiB),
      });
    };

    const jpeg = join(dir, 'photo-12mp.jpg');
    await sharp({
      create: {
        width: 4000,
        height: 3000,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .jpeg({ quality: 90 })
      .toFile(jpeg);
    log('worker: 12-megapixel JPEG through the whole pipeline');
    await measure('jpeg-12mp', jpeg, ['-c', 'copy', '.jpg']);
    await rm(jpeg, { force: true });
    for (const mib of [Math.max(16, Math.round(videoMiB / 4)), videoMiB]) {
      log(`worker: ${mib} MiB MP4 through the whole pipeline`);
      const video = await makeVideo(dir, mib);
      await measure(`mp4-${mib}MiB`, video, ['-map', '0', '-c', 'copy', '.mp4']);
      await rm(video, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  log(
    'worker: whole pipeline (decrypt, sanitise, verify, hash, seal to 2, store, record) vs ffmpeg -c copy + sha256sum',
  );
  for (const r of rows) {
    log(
      `  ${r.name.padEnd(12)} ${(r.bytes / MiB).toFixed(1).padStart(8)} MiB  worker ${r.workerSeconds.toFixed(2)} s vs ` +
        `${r.baselineSeconds.toFixed(2)} s (x${(r.workerSeconds / r.baselineSeconds).toFixed(2)})  ` +
        `worker RSS +${r.workerRssGrowthMiB.toFixed(0)} MiB, children peak ${r.childPeakMiB.toFixed(0)} MiB; ` +
        `baseline peak ${r.baselinePeakMiB.toFixed(0)} MiB`,
    );
  }
  return rows;
}

// Run alone: node dist/bench/worker.js
if (import.meta.url === `file://${process.argv[1]}`) {
  await benchWorker({ log: (line) => process.stdout.write(`${line}\n`) });
}
