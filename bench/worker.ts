// Worker pipeline bench: one submission file through the whole pipeline (read intake envelope → decrypt
// → sniff/sanitise/verify → SHA-256 → seal to 2 reviewers → store → signed record), next to the floor
// for the same plaintext in the same run: `ffmpeg -c copy` + `sha256sum`. Reports wall time (and the
// ratio), the worker process's RSS growth and its children's peak RSS (VmHWM), for a 12-megapixel JPEG
// and MP4s of a quarter and all of KUA_BENCH_VIDEO_MIB (default 1024): peak memory must not grow with
// the video's size. No Redis: the submission record and the roster high-water mark are in memory.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { childPeaks } from './support/child-peaks.js';
import { type CopyRecipe, copyAndHashBaseline, JPEG_COPY, MP4_COPY } from './support/copy-baseline.js';
import { trackRssGrowth } from './support/rss-growth.js';
import { makeTestJpeg } from './support/test-jpeg.js';
import { makeTestVideo, videoSizesMiB } from './support/test-video.js';

const MiB = 1024 * 1024;

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

    const measure = async (name: string, input: string, copy: CopyRecipe) => {
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
      const rss = trackRssGrowth();
      const start = process.hrtime.bigint();
      const summary = await processSubmission(deps, id, id);
      const workerSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      const workerRssGrowthMiB = rss.stopMiB();
      if (summary.sealed !== 1)
        throw new Error(`bench: ${name} was not sealed (${JSON.stringify(summary.files)})`);
      const childPeakMiB = await peaks.peakMiB();
      await store.deletePrefix(`results/${id}/`);

      const baseline = await copyAndHashBaseline(input, join(dir, 'copy'), copy);
      rows.push({
        name,
        bytes: size,
        workerSeconds,
        workerRssGrowthMiB,
        childPeakMiB,
        baselineSeconds: baseline.seconds,
        baselinePeakMiB: baseline.peakMiB,
      });
    };

    const jpeg = await makeTestJpeg(dir);
    log('worker: 12-megapixel JPEG through the whole pipeline');
    await measure('jpeg-12mp', jpeg, JPEG_COPY);
    await rm(jpeg, { force: true });
    for (const mib of videoSizesMiB(videoMiB)) {
      log(`worker: ${mib} MiB MP4 through the whole pipeline`);
      const video = await makeTestVideo(dir, mib);
      await measure(`mp4-${mib}MiB`, video, MP4_COPY);
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
