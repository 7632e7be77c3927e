// The entry point the pipeline calls for each decrypted file:
//   sniff (bytes only) → structure checks → sanitise in an isolated child → verify with independent
//   readers against allowlists → result, or a typed, unrecoverable refusal/verification error.
// Writes only inside input.scratchDir; the caller owns (and wipes) it.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputFamily } from './allowlist.js';
import { withFileSource } from './byte-source.js';
import { categoriesOf } from './categories.js';
import { RefusedMediaError, VerificationFailedError } from './errors.js';
import { EXIFTOOL_ARGS, type ExifTags, readTags } from './exiftool.js';
import { withLimits } from './limits.js';
import { FFPROBE_ARGS, ProbeError, type ProbeResult, probe } from './probe.js';
import { sanitizeImageIsolated } from './sanitize-image.js';
import { probeInput, remux } from './sanitize-video.js';
import { sniff } from './sniff.js';
import { checkStructure } from './structure.js';
import type { MediaLimits, SanitizeResult, ToolRun } from './types.js';
import { assertClean, disallowedExifGroups, disallowedStreams } from './verify.js';
import { toolVersion } from './versions.js';

export interface SanitizeDeps {
  limits?: Partial<MediaLimits>;
  /** Path of the compiled image child (default: dist/worker/media/image-child.js). */
  imageChildScript?: string;
  /** Observes every decoder/encoder child pid (the bench samples their peak memory). */
  onSpawn?: (pid: number) => void;
}

const IMAGE_FAMILY: Record<string, OutputFamily> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

async function readInputTags(path: string, limits: MediaLimits): Promise<ExifTags> {
  try {
    return await readTags(path, limits.reader);
  } catch {
    // Only used to report what was removed; the output check below is what must not fail open.
    return {};
  }
}

async function readOutputTags(path: string, limits: MediaLimits): Promise<ExifTags> {
  try {
    return await readTags(path, limits.reader);
  } catch (error) {
    throw new VerificationFailedError(['reader:exiftool'], { cause: error });
  }
}

async function probeOutput(path: string, limits: MediaLimits): Promise<ProbeResult> {
  try {
    return await probe(path, limits.reader);
  } catch (error) {
    if (error instanceof ProbeError || error instanceof RefusedMediaError) {
      throw new VerificationFailedError(['reader:ffprobe'], { cause: error });
    }
    throw error;
  }
}

export async function sanitizeFile(
  input: { path: string; scratchDir: string },
  deps: SanitizeDeps = {},
): Promise<SanitizeResult> {
  const limits = withLimits(deps.limits);
  const { size } = await stat(input.path);
  if (size > limits.maxInputBytes) throw new RefusedMediaError('too-large');
  if (size === 0) throw new RefusedMediaError('unsupported-type');
  const sniffed = await sniff(input.path);
  if (sniffed.kind === 'image' && size > limits.maxImageBytes) throw new RefusedMediaError('too-large');
  await withFileSource(input.path, (source) => checkStructure(sniffed.mime, source));
  const outputBase = join(input.scratchDir, `sanitized-${randomUUID()}`);
  const exiftool: ToolRun = {
    name: 'exiftool',
    version: await toolVersion('exiftool', limits.reader),
    args: [...EXIFTOOL_ARGS, 'FILE'],
  };
  const spawnHook = deps.onSpawn ? { onSpawn: deps.onSpawn } : {};

  if (sniffed.kind === 'image') {
    const inputTags = await readInputTags(input.path, limits);
    const image = await sanitizeImageIsolated(
      {
        inputPath: input.path,
        outputPath: `${outputBase}.img`,
        inputMime: sniffed.mime,
        maxPixels: limits.maxPixels,
      },
      {
        limits: limits.image,
        scratchDir: input.scratchDir,
        ...(deps.imageChildScript ? { childScript: deps.imageChildScript } : {}),
        ...spawnHook,
      },
    );
    const outputPath = `${outputBase}.img`;
    const family = IMAGE_FAMILY[image.mediaType];
    if (family === undefined) throw new VerificationFailedError(['File:MIMEType']);
    const outputTags = await readOutputTags(outputPath, limits);
    assertClean(disallowedExifGroups(outputTags, family, image.mediaType));
    return {
      ok: true,
      outputPath,
      mediaType: image.mediaType,
      kind: 'image',
      removed: categoriesOf(inputTags),
      tool: [...image.tool, exiftool],
    };
  }

  const inputProbe = await probeInput(input.path, limits.reader);
  const inputTags = await readInputTags(input.path, limits);
  const { plan, outputPath, tool } = await remux(
    inputProbe,
    sniffed.mime,
    { input: input.path, outputBase },
    { limits: limits.video, scratchDir: input.scratchDir, ...spawnHook },
  );
  const outputProbe = await probeOutput(outputPath, limits);
  const groups = disallowedStreams(outputProbe);
  const outCodecs = outputProbe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).join(',');
  const keptCodecs = plan.kept.map((s) => `${s.type}:${s.codec}`).join(',');
  if (outCodecs !== keptCodecs) groups.push('streams changed');
  const family: OutputFamily = plan.container === 'mp4' ? 'mp4' : 'matroska';
  const outputTags = await readOutputTags(outputPath, limits);
  groups.push(...disallowedExifGroups(outputTags, family, plan.mediaType));
  assertClean(groups);
  const removed = new Set(categoriesOf(inputTags));
  if (
    inputProbe.streams.some(
      (s) => s.codec_type === 'data' || s.codec_type === 'subtitle' || s.codec_type === 'attachment',
    )
  ) {
    removed.add('data tracks');
  }
  if (inputProbe.streams.some((s) => s.disposition?.attached_pic === 1)) removed.add('thumbnail');
  if ((inputProbe.chapters ?? []).length > 0) removed.add('chapters');
  if (Object.keys(inputProbe.format.tags ?? {}).some((t) => /location|xyz/i.test(t))) removed.add('location');
  return {
    ok: true,
    outputPath,
    mediaType: plan.mediaType,
    kind: 'video',
    removed: [...removed].sort(),
    tool: [
      {
        name: 'ffprobe',
        version: await toolVersion('ffprobe', limits.reader),
        args: [...FFPROBE_ARGS, '-i', 'file:INPUT'],
      },
      ...tool,
      exiftool,
    ],
  };
}
