// Worker media bench: sanitising (sniff → structure checks → isolated sharp/ffmpeg → verification with
// exiftool/ffprobe) plus a streaming SHA-256 of the result, next to the floor for the same file in the
// same run: `ffmpeg -c copy` + `sha256sum`. Wall time as a ratio (worker / baseline; lower is better)
// and peak RSS of the worker's children and of the baseline's processes (VmHWM sampled from /proc).
// Videos are measured at two sizes to show that peak memory does not grow with the video's size.
// KUA_BENCH_VIDEO_MIB sets the large video's size (default 1024 MiB); the small one is a quarter of it.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { sanitizeFile } from '../worker/media/index.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

export interface MediaBenchRow {
  name: string;
  bytes: number;
  workerSeconds: number;
  workerPeakChildMiB: number;
  workerParentRssGrowthMiB: number;
  baselineSeconds: number;
  baselinePeakMiB: number;
}

async function vmHwmKiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the peak RSS of every child the sanitiser spawns, until each is gone. */
function childPeakSampler(): {
  onSpawn: (pid: number) => void;
  peakKiB: () => number;
  settle: () => Promise<void>;
} {
  let peak = 0;
  const watchers: Promise<void>[] = [];
  const onSpawn = (pid: number) => {
    watchers.push(
      (async () => {
        for (;;) {
          const hwm = await vmHwmKiB(pid);
          if (hwm === undefined) return;
          peak = Math.max(peak, hwm);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
    );
  };
  return { onSpawn, peakKiB: () => peak, settle: async () => void (await Promise.all(watchers)) };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs a command, sampling its peak RSS (VmHWM) like the worker's children, so both are measured alike. */
async function timeVerbose(command: string, args: string[]): Promise<{ seconds: number; peakKiB: number }> {
  const sampler = childPeakSampler();
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('spawn', () => child.pid !== undefined && sampler.onSpawn(child.pid));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    );
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await sampler.settle();
  return { seconds, peakKiB: sampler.peakKiB() };
}

async function measure(name: string, input: string, dir: string, copyArgs: string[]): Promise<MediaBenchRow> {
  const scratch = join(dir, `scratch-${name}`);
  await mkdir(scratch, { mode: 0o700 });
  const sampler = childPeakSampler();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const rssTimer = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const start = process.hrtime.bigint();
  const result = await sanitizeFile({ path: input, scratchDir: scratch }, { onSpawn: sampler.onSpawn });
  await sha256File(result.outputPath);
  const workerSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(rssTimer);
  await sampler.settle();
  await rm(scratch, { recursive: true, force: true });

  const copyOut = join(dir, `copy-${name}${copyArgs.at(-1) ?? ''}`);
  const copy = await timeVerbose('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    input,
    ...copyArgs.slice(0, -1),
    copyOut,
  ]);
  const sum = await timeVerbose('sha256sum', [copyOut]);
  await rm(copyOut, { force: true });
  return {
    name,
    bytes: (await stat(input)).size,
    workerSeconds,
    workerPeakChildMiB: sampler.peakKiB() / 1024,
    workerParentRssGrowthMiB: (rssPeak - rssBefore) / MiB,
    baselineSeconds: copy.seconds + sum.seconds,
    baselinePeakMiB: Math.max(copy.peakKiB, sum.peakKiB) / 1024,
  };
}

async function makeVideo(dir: string, name: string, targetBytes: number): Promise<string> {
  const clip = join(dir, 'clip.mp4');
  if (!(await stat(clip).catch(() => undefined))) {
    // 4 s of 1080p at a high bitrate, then repeated with -stream_loop (no re-encoding) up to the size.
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=duration=4:size=1920x1080:rate=30',
      '-f',
      'lavfi',
      '-i',
      'sine=duration=4',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-b:v',
      '20M',
      '-c:a',
      'aac',
      '-shortest',
      '-y',
      clip,
    ]);
  }
  const clipBytes = (await stat(clip)).size;
  const loops = Math.max(0, Math.ceil(targetBytes / clipBytes) - 1);
  const out = join(dir, name);
  await run('ffmpeg', ['-v', 'error', '-stream_loop', String(loops), '-i', clip, '-c', 'copy', '-y', out]);
  return out;
}

export async function benchMedia(options: {
  log: (line: string) => void;
  videoMiB?: number;
}): Promise<MediaBenchRow[]> {
  const { log } = options;
  const videoMiB = options.videoMiB ?? Number(process.env.KUA_BENCH_VIDEO_MIB ?? '1024');
  const dir = await mkdtemp(join(tmpdir(), 'kua-bench-media-'));
  const rows: MediaBenchRow[] = [];
  try {
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
    log('media: 12-megapixel JPEG');
    rows.push(await measure('jpeg-12mp', jpeg, dir, ['-c', 'copy', '.jpg']));
    await rm(jpeg, { force: true });
    for (const mib of [Math.max(16, Math.round(videoMiB / 4)), videoMiB]) {
      log(`media: generating a ${mib} MiB H.264/AAC MP4`);
      const video = await makeVideo(dir, `video-${mib}.mp4`, mib * MiB);
      rows.push(await measure(`mp4-${mib}MiB`, video, dir, ['-map', '0', '-c', 'copy', '.mp4']));
      await rm(video, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const line of mediaRatios(rows)) log(line);
  return rows;
}

export function mediaRatios(rows: MediaBenchRow[]): string[] {
  const lines = [
    'media: worker (sanitise + verify + sha256) vs ffmpeg -c copy + sha256sum, same file, same run',
  ];
  for (const r of rows) {
    lines.push(
      `  ${r.name.padEnd(12)} ${(r.bytes / MiB).toFixed(1).padStart(8)} MiB  worker ${r.workerSeconds.toFixed(2)} s vs ${r.baselineSeconds.toFixed(2)} s ` +
        `(ratio ${(r.workerSeconds / r.baselineSeconds).toFixed(2)})  peak RSS: worker children ${r.workerPeakChildMiB.toFixed(0)} MiB ` +
        `(+${r.workerParentRssGrowthMiB.toFixed(0)} MiB in the worker) vs baseline ${r.baselinePeakMiB.toFixed(0)} MiB`,
    );
  }
  const videos = rows.filter((r) => r.name.startsWith('mp4-'));
  if (videos.length === 2) {
    const [small, large] = videos as [MediaBenchRow, MediaBenchRow];
    lines.push(
      `  peak RSS growth from ${(small.bytes / MiB).toFixed(0)} to ${(large.bytes / MiB).toFixed(0)} MiB of video: ` +
        `${(large.workerPeakChildMiB / small.workerPeakChildMiB).toFixed(2)}× (flat ≈ 1.00)`,
    );
  }
  return lines;
}
