// Independent readers for the media tests: exiftool and ffprobe spawned directly (not through the code
// under test), and a PSNR over raw pixels; and synthetic clips made with ffmpeg's lavfi sources.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Sharp } from 'sharp';

const run = promisify(execFile);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const corpusDir = join(repoRoot, 'tests/fixtures/corpus');
export const imageChildScript = join(repoRoot, 'dist/worker/media/image-child.js');

export function requireBuiltChild(): void {
  if (!existsSync(imageChildScript)) {
    throw new Error(
      'dist/worker/media/image-child.js is missing: run `node scripts/build.mjs` (npm test does)',
    );
  }
}

export async function exiftool(path: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('exiftool', ['-j', '-a', '-u', '-G1', '-n', '-ee', path], {
    maxBuffer: 64 << 20,
  });
  return (JSON.parse(stdout) as Record<string, unknown>[])[0] ?? {};
}

export interface ProbeJson {
  streams: {
    codec_type: string;
    codec_name: string;
    disposition?: Record<string, number>;
    tags?: Record<string, string>;
  }[];
  format: { duration?: string; tags?: Record<string, string> };
  chapters: unknown[];
}

/** How far apart two files' durations are, in seconds, as ffprobe reports them. */
export function durationDelta(before: ProbeJson, after: ProbeJson): number {
  return Math.abs(Number(after.format.duration) - Number(before.format.duration));
}

export async function ffprobe(path: string): Promise<ProbeJson> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_streams',
    '-show_format',
    '-show_chapters',
    '-of',
    'json',
    path,
  ]);
  return JSON.parse(stdout) as ProbeJson;
}

/**
 * Writes a synthetic clip to `path` from ffmpeg's lavfi sources (a test pattern, optionally a sine tone):
 * `ffmpeg -v error -f lavfi -i <video> [-f lavfi -i <audio>] <encode…> -y <path>`.
 */
export async function lavfiClip(
  path: string,
  sources: { video: string; audio?: string },
  encode: string[],
): Promise<void> {
  const audio = sources.audio === undefined ? [] : ['-f', 'lavfi', '-i', sources.audio];
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', sources.video, ...audio, ...encode, '-y', path]);
}

async function rgba(image: Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await image
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** PSNR in dB of `candidate` against `reference`; both are decoded to 8-bit sRGBA. Infinity if identical. */
export async function psnr(reference: Sharp, candidate: Sharp): Promise<number> {
  const [a, b] = await Promise.all([rgba(reference), rgba(candidate)]);
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`size differs: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = (a.data[i] ?? 0) - (b.data[i] ?? 0);
    sum += d * d;
  }
  const mse = sum / a.data.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/** Identifying tags a sanitised file must not carry, whatever its format (checked on exiftool -G1 keys). */
export function identifyingKeys(tags: Record<string, unknown>): string[] {
  const bad: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (key === 'SourceFile') continue;
    const [group = '', tag = ''] = key.split(':');
    if (group === 'System' || group === 'ExifTool') continue;
    if (
      /^(GPS|XMP|IPTC|MakerNotes|Photoshop|ICC|MPF|FlashPix|APP\d|Apple|Canon|Nikon|Samsung|GoPro|DJI|Google|UserData|ItemList|Keys|Microsoft)/i.test(
        group,
      )
    )
      bad.push(key);
    else if (
      /GPS|Location|loci|Serial|^Make$|^Model$|Artist|Author|Creator|Owner|Copyright|Rights|Comment|Title|Keywords|Thumbnail|PreviewImage|JpgFromRaw|CoverArt|Software|Encoder|MakerNote|City|Country/i.test(
        tag,
      ) &&
      !/^(PreviewTime|PreviewDuration)$/.test(tag)
    )
      bad.push(key);
    else if (/Date|DateTime/.test(tag) && value !== '0000:00:00 00:00:00') bad.push(key);
  }
  return bad;
}
