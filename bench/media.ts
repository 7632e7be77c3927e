// Worker media bench: sanitising (sniff → structure checks → isolated sharp/ffmpeg → verification with
// exiftool/ffprobe) plus a streaming SHA-256 of the result, next to the floor for the same file in the
// same run: `ffmpeg -c copy` + `sha256sum`. Wall time as a ratio (worker / baseline; lower is better)
// and peak RSS of the worker's children and of the baseline's processes (VmHWM sampled from /proc).
// Videos are measured at two sizes to show that peak memory does not grow with the video's size.
// KUA_BENCH_VIDEO_MIB sets the large video's size (default 1024 MiB); the small one is a quarter of it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sanitizeFile } from '../worker/media/index.js';
import { childPeaks } from './support/child-peaks.js';
import { type CopyRecipe, copyAndHashBaseline, JPEG_COPY, MP4_COPY } from './support/copy-baseline.js';
import { trackRssGrowth } from './support/rss-growth.js';
import { makeTestJpeg } from './support/test-jpeg.js';
import { makeTestVideo, videoSizesMiB } from './support/test-video.js';

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

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function measure(name: string, input: string, dir: string, copy: CopyRecipe): Promise<MediaBenchRow> {
  const scratch = join(dir, `scratch-${name}`);
  await mkdir(scratch, { mode: 0o700 });
  const peaks = childPeaks();
  const rss = trackRssGrowth();
  const start = process.hrtime.bigint();
  const result = await sanitizeFile({ path: input, scratchDir: scratch }, { onSpawn: peaks.onSpawn });
  await sha256File(result.outputPath);
  const workerSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const workerParentRssGrowthMiB = rss.stopMiB();
  const workerPeakChildMiB = await peaks.peakMiB();
  await rm(scratch, { recursive: true, force: true });

  const baseline = await copyAndHashBaseline(input, join(dir, `copy-${name}`), copy);
  return {
    name,
    bytes: (await stat(input)).size,
    workerSeconds,
    workerPeakChildMiB,
    workerParentRssGrowthMiB,
    baselineSeconds: baseline.seconds,
    baselinePeakMiB: baseline.peakMiB,
  };
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
    const jpeg = await makeTestJpeg(dir);
    log('media: 12-megapixel JPEG');
    rows.push(await measure('jpeg-12mp', jpeg, dir, JPEG_COPY));
    await rm(jpeg, { force: true });
    for (const mib of videoSizesMiB(videoMiB)) {
      log(`media: generating a ${mib} MiB H.264/AAC MP4`);
      const video = await makeTestVideo(dir, mib);
      rows.push(await measure(`mp4-${mib}MiB`, video, dir, MP4_COPY));
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
