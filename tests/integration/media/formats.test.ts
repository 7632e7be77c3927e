// Output formats beyond the corpus: AVIF, lossless WebP, 16-bit PNG, animated GIF, HEVC, PCM-in-MOV.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { sanitizeFile, VerificationFailedError } from '../../../worker/media/index.js';
import {
  durationDelta,
  exiftool,
  ffprobe,
  identifyingKeys,
  imageChildScript,
  lavfiClip,
  psnr,
  requireBuiltChild,
} from './helpers.js';

const run = promisify(execFile);
/** HEVC encoding for the test clips; x265 still writes its settings into the stream as SEI. */
const X265 = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error'];

describe('output formats', () => {
  let dir: string;
  let scratch: string;
  beforeAll(() => {
    requireBuiltChild();
    dir = mkdtempSync(join(tmpdir(), 'kua-media-fmt-'));
    scratch = mkdtempSync(join(tmpdir(), 'kua-media-fmt-scratch-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  const picture = () =>
    sharp({
      create: {
        width: 96,
        height: 64,
        channels: 3,
        background: '#204080',
        noise: { type: 'gaussian', mean: 120, sigma: 30 },
      },
    });
  const exif = { IFD0: { Make: 'SecretMaker', Model: 'SecretModel', Artist: 'Witness Name' } };

  it('AVIF becomes a JPEG without metadata', async () => {
    const path = join(dir, 'photo.avif');
    await picture().withExifMerge(exif).avif({ quality: 80 }).toFile(path);
    const result = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript });
    expect(result.mediaType).toBe('image/jpeg');
    expect(result.removed).toEqual(expect.arrayContaining(['device', 'owner']));
    expect(identifyingKeys(await exiftool(result.outputPath))).toEqual([]);
    expect(readFileSync(result.outputPath).includes('Secret')).toBe(false);
    expect(await psnr(sharp(path), sharp(result.outputPath))).toBeGreaterThanOrEqual(30);
  });

  it('lossless WebP stays lossless (identical pixels)', async () => {
    const path = join(dir, 'lossless.webp');
    await picture().withExifMerge(exif).webp({ lossless: true }).toFile(path);
    const result = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript });
    expect(result.mediaType).toBe('image/webp');
    expect(await psnr(sharp(path), sharp(result.outputPath))).toBe(Number.POSITIVE_INFINITY);
    expect(readFileSync(result.outputPath).includes('Secret')).toBe(false);
  });

  it('16-bit PNG stays 16-bit and lossless', async () => {
    const path = join(dir, 'deep.png');
    await picture().toColourspace('rgb16').png().withExifMerge(exif).toFile(path);
    expect((await sharp(path).metadata()).depth).toBe('ushort');
    const result = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript });
    const meta = await sharp(result.outputPath).metadata();
    expect([result.mediaType, meta.depth]).toEqual(['image/png', 'ushort']);
    expect(await psnr(sharp(path), sharp(result.outputPath))).toBe(Number.POSITIVE_INFINITY);
  });

  it('animated GIF stays animated with all its frames', async () => {
    const frames = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff'].map((c) =>
        sharp({ create: { width: 32, height: 24, channels: 3, background: c } })
          .png()
          .toBuffer(),
      ),
    );
    const path = join(dir, 'anim.gif');
    await sharp(frames, { join: { animated: true } })
      .gif({ delay: [100, 100, 100], loop: 0 })
      .toFile(path);
    expect((await sharp(path).metadata()).pages).toBe(3);
    const result = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript });
    expect(result.mediaType).toBe('image/gif');
    const meta = await sharp(result.outputPath, { animated: true }).metadata();
    expect([meta.pages, meta.width, meta.pageHeight]).toEqual([3, 32, 24]);
    expect(identifyingKeys(await exiftool(result.outputPath))).toEqual([]);
  });

  it('HEVC video loses its x265 SEI and metadata, keeps duration', async () => {
    const path = join(dir, 'hevc.mp4');
    await lavfiClip(path, { video: 'testsrc=duration=2:size=320x240:rate=25' }, [
      ...X265,
      ...['-tag:v', 'hvc1', '-metadata', 'make=SecretMaker'],
    ]);
    expect(readFileSync(path).includes('x265 (build')).toBe(true);
    const result = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript });
    const bytes = readFileSync(result.outputPath);
    expect(bytes.includes('x265 (build')).toBe(false);
    expect(bytes.includes('SecretMaker')).toBe(false);
    const [before, after] = await Promise.all([ffprobe(path), ffprobe(result.outputPath)]);
    expect(after.streams.map((s) => s.codec_name)).toEqual(['hevc']);
    expect(durationDelta(before, after)).toBeLessThanOrEqual(0.15);
    expect(result.tool.find((t) => t.name === 'ffmpeg')?.args).toContain('filter_units=remove_types=39|40');
    expect(result.tool.map((t) => t.name)).toContain('kua hvcC SEI neutraliser');
    // Still a valid, fully decodable stream after the hvcC SEI was neutralised.
    const decoded = await run('ffmpeg', ['-v', 'error', '-i', result.outputPath, '-f', 'null', '-']);
    expect(decoded.stderr).toBe('');
  }, 60_000);

  it('fails closed when identifying data is left where it cannot be removed (HEVC SEI in Matroska CodecPrivate)', async () => {
    const path = join(dir, 'hevc.mkv');
    await lavfiClip(path, { video: 'testsrc=duration=1:size=160x120:rate=25' }, X265);
    const error = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VerificationFailedError);
    expect((error as VerificationFailedError).unrecoverable).toBe(true);
    expect((error as VerificationFailedError).groups).toEqual(
      expect.arrayContaining(['codec configuration text']),
    );
    expect((error as Error).message).not.toContain('x265');
  }, 60_000);

  it('a MOV with PCM audio (not MP4-compatible) becomes Matroska, still clean', async () => {
    const path = join(dir, 'pcm.mov');
    await lavfiClip(path, { video: 'testsrc=duration=2:size=160x120:rate=25', audio: 'sine=duration=2' }, [
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'pcm_s16le',
      '-metadata',
      'artist=Witness Name',
      '-shortest',
    ]);
    const result = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript });
    expect(result.mediaType).toBe('video/x-matroska');
    const after = await ffprobe(result.outputPath);
    expect(after.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual([
      'video:h264',
      'audio:pcm_s16le',
    ]);
    expect(readFileSync(result.outputPath).includes('Witness')).toBe(false);
    expect(identifyingKeys(await exiftool(result.outputPath))).toEqual([]);
  }, 60_000);
});
