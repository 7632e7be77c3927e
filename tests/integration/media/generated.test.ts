// Generated hostile and tricky inputs: bombs, hangs, size limits, polyglots, truncation, and videos
// carrying every kind of side content (subtitles, cover art, chapters, metadata, encoder SEI).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { RefusedMediaError, sanitizeFile, VerificationFailedError } from '../../../worker/media/index.js';
import { disallowedExifGroups } from '../../../worker/media/verify.js';
import {
  corpusDir,
  durationDelta,
  exiftool,
  ffprobe,
  identifyingKeys,
  imageChildScript,
  lavfiClip,
  requireBuiltChild,
} from './helpers.js';

const run = promisify(execFile);
const KiB = 1024;
const MiB = 1024 * KiB;

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A 1 KiB PNG whose header declares width × height pixels (its data would inflate to gigabytes). */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const idat = deflateSync(Buffer.alloc(64 * KiB));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

describe('generated inputs', () => {
  let dir: string;
  let scratch: string;
  let jpeg: Buffer;
  let mp4: string;

  beforeAll(async () => {
    requireBuiltChild();
    dir = mkdtempSync(join(tmpdir(), 'kua-media-gen-'));
    scratch = mkdtempSync(join(tmpdir(), 'kua-media-scratch-'));
    jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366aa' } })
      .jpeg()
      .toBuffer();
    mp4 = join(dir, 'clip.mp4');
    // x264 writes its settings as a user-data-unregistered SEI ("x264 - core ..."); the sanitiser must strip it.
    await lavfiClip(mp4, { video: 'testsrc=duration=3:size=320x240:rate=25', audio: 'sine=duration=3' }, [
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      '-metadata',
      'title=Secret title',
      '-metadata',
      'location=+12.3456+045.6789/',
      '-metadata',
      'artist=Witness Name',
      '-metadata:s:v',
      'handler_name=Phone Camera',
    ]);
  }, 60_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  async function refusal(
    bytes: Buffer | string,
    deps: Parameters<typeof sanitizeFile>[1] = {},
  ): Promise<string> {
    const path =
      typeof bytes === 'string' ? bytes : join(dir, `input-${Math.random().toString(36).slice(2)}`);
    if (typeof bytes !== 'string') writeFileSync(path, bytes);
    const error = await sanitizeFile({ path, scratchDir: scratch }, { imageChildScript, ...deps }).catch(
      (e: unknown) => e,
    );
    if (!(error instanceof RefusedMediaError)) throw new Error(`expected a refusal, got ${String(error)}`);
    expect(error.unrecoverable).toBe(true);
    return error.reason;
  }

  it('refuses a pixel bomb (60000×60000 declared in a 1 KiB PNG) as too-large', async () => {
    expect(await refusal(pngBomb(60_000, 60_000))).toBe('too-large');
  });

  it('writes nothing in the scratch directory but its one output', async () => {
    for (const input of [jpeg, readFileSync(mp4)]) {
      const own = mkdtempSync(join(tmpdir(), 'kua-media-own-'));
      try {
        const path = join(dir, `single-${input.length}`);
        writeFileSync(path, input);
        const result = await sanitizeFile({ path, scratchDir: own }, { imageChildScript });
        expect(readdirSync(own)).toEqual([basename(result.outputPath)]);
      } finally {
        rmSync(own, { recursive: true, force: true });
      }
    }
  });

  it('refuses an image over the image size limit before reading it into memory (too-large)', async () => {
    const big = Buffer.concat([jpeg, Buffer.alloc(64 * KiB)]);
    expect(await refusal(big, { limits: { maxImageBytes: 32 * KiB } })).toBe('too-large');
  });

  it('refuses PDFs, HTML, ZIPs and empty files as unsupported', async () => {
    expect(await refusal(Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'))).toBe(
      'unsupported-type',
    );
    expect(await refusal(Buffer.from('<!doctype html><html><script>alert(1)</script></html>'))).toBe(
      'unsupported-type',
    );
    const zip = Buffer.concat([
      Buffer.from('PK\x03\x04', 'latin1'),
      Buffer.alloc(26),
      Buffer.from('PK\x05\x06', 'latin1'),
      Buffer.alloc(18),
    ]);
    expect(await refusal(zip)).toBe('unsupported-type');
    expect(await refusal(Buffer.alloc(0))).toBe('unsupported-type');
  });

  it('refuses polyglots: a JPEG with a ZIP, an MP4 or HTML appended, and a PDF header inside', async () => {
    const zipTail = Buffer.concat([
      Buffer.from('PK\x03\x04', 'latin1'),
      Buffer.alloc(40),
      Buffer.from('PK\x05\x06', 'latin1'),
      Buffer.alloc(18),
    ]);
    expect(await refusal(Buffer.concat([jpeg, zipTail]))).toBe('polyglot');
    expect(await refusal(Buffer.concat([jpeg, readFileSync(mp4)]))).toBe('polyglot');
    expect(
      await refusal(Buffer.concat([jpeg, Buffer.from('<html><body><script>x()</script></body></html>')])),
    ).toBe('polyglot');
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await refusal(Buffer.concat([png, Buffer.from('%PDF-1.4 trailing document')]))).toBe('polyglot');
    const withComment = Buffer.concat([
      jpeg.subarray(0, 2),
      Buffer.from([0xff, 0xfe, 0x00, 0x0c]),
      Buffer.from('%PDF-1.4  '),
      jpeg.subarray(2),
    ]);
    expect(await refusal(withComment)).toBe('polyglot');
    // A genuine MP4 with a ZIP appended.
    expect(await refusal(Buffer.concat([readFileSync(mp4), zipTail]))).toBe('polyglot');
  });

  it('refuses truncated images and videos', async () => {
    const big = await sharp({
      create: {
        width: 400,
        height: 300,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    expect(await refusal(big.subarray(0, Math.floor(big.length / 2)))).toBe('truncated');
    const video = readFileSync(mp4);
    expect(await refusal(video.subarray(0, Math.floor(video.length * 0.6)))).toBe('truncated');
  });

  it('fails a hung decoder alone, by its wall-clock limit (timeout)', async () => {
    const hang = join(dir, 'hang.mjs');
    writeFileSync(hang, 'setInterval(() => {}, 1000);\n');
    const started = Date.now();
    const reason = await refusal(jpeg, {
      imageChildScript: hang,
      limits: { image: { cpuSeconds: 30, memoryBytes: 1024 * MiB, outputBytes: 16 * MiB, wallMs: 1500 } },
    });
    expect(reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails a CPU-bound decoder by its CPU-time limit (timeout)', async () => {
    const spin = join(dir, 'spin.mjs');
    writeFileSync(spin, 'for (;;) {}\n');
    const reason = await refusal(jpeg, {
      imageChildScript: spin,
      limits: { image: { cpuSeconds: 1, memoryBytes: 1024 * MiB, outputBytes: 16 * MiB, wallMs: 20_000 } },
    });
    expect(reason).toBe('timeout');
  }, 30_000);

  it('fails a decoder that exhausts its memory limit (too-large)', async () => {
    const hog = join(dir, 'hog.mjs');
    writeFileSync(hog, 'const keep = []; for (;;) keep.push(Buffer.alloc(16 * 1024 * 1024, 1));\n');
    const reason = await refusal(jpeg, {
      imageChildScript: hog,
      limits: { image: { cpuSeconds: 30, memoryBytes: 512 * MiB, outputBytes: 16 * MiB, wallMs: 20_000 } },
    });
    expect(reason).toBe('too-large');
  }, 30_000);

  it('fails an ffmpeg run that exceeds its output-size limit (too-large)', async () => {
    const reason = await refusal(mp4, {
      limits: { video: { cpuSeconds: 30, memoryBytes: 2048 * MiB, outputBytes: 16 * KiB, wallMs: 20_000 } },
    });
    expect(reason).toBe('too-large');
  });

  it('strips subtitles, cover art, chapters, metadata and the encoder SEI from an MP4', async () => {
    const chapters = join(dir, 'chapters.txt');
    writeFileSync(
      chapters,
      ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=Secret chapter\n',
    );
    const srt = join(dir, 'subs.srt');
    writeFileSync(srt, '1\n00:00:00,000 --> 00:00:01,000\nSecret subtitle\n');
    const cover = join(dir, 'cover.jpg');
    writeFileSync(cover, jpeg);
    const rich = join(dir, 'rich.mp4');
    await run('ffmpeg', [
      '-v',
      'error',
      '-i',
      mp4,
      '-i',
      srt,
      '-i',
      cover,
      '-i',
      chapters,
      '-map',
      '0:v',
      '-map',
      '0:a',
      '-map',
      '1',
      '-map',
      '2',
      '-map_chapters',
      '3',
      '-map_metadata',
      '0',
      '-c:v',
      'copy',
      '-c:a',
      'copy',
      '-c:s',
      'mov_text',
      '-c:v:1',
      'mjpeg',
      '-disposition:v:1',
      'attached_pic',
      '-metadata',
      'comment=Secret comment',
      '-y',
      rich,
    ]);
    const before = await ffprobe(rich);
    expect(before.streams.map((s) => s.codec_type)).toEqual(
      expect.arrayContaining(['audio', 'subtitle', 'video']),
    );
    expect(before.streams.filter((s) => s.disposition?.attached_pic === 1).length).toBe(1);
    expect(before.chapters.length).toBe(1);
    expect(readFileSync(rich).includes('x264 - core')).toBe(true);

    const result = await sanitizeFile({ path: rich, scratchDir: scratch }, { imageChildScript });
    expect(result.mediaType).toBe('video/mp4');
    expect(result.removed).toEqual(
      expect.arrayContaining(['data tracks', 'location', 'owner', 'thumbnail', 'chapters']),
    );
    const after = await ffprobe(result.outputPath);
    expect(after.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264', 'audio:aac']);
    expect(after.chapters).toEqual([]);
    expect(durationDelta(before, after)).toBeLessThanOrEqual(0.15);
    const bytes = readFileSync(result.outputPath);
    for (const secret of ['x264 - core', 'Secret', 'Witness', 'Phone Camera', '+12.3456']) {
      expect(bytes.includes(secret) ? secret : '').toBe('');
    }
    expect(identifyingKeys(await exiftool(result.outputPath))).toEqual([]);
    const ffmpegRun = result.tool.find((t) => t.name === 'ffmpeg');
    expect(ffmpegRun?.args).toEqual(
      expect.arrayContaining(['-map_metadata', '-1', 'filter_units=remove_types=6', '+bitexact']),
    );
    expect(ffmpegRun?.args.join(' ')).not.toContain(dir);
  }, 60_000);

  it('keeps WebM as WebM, without its tags', async () => {
    const webm = join(dir, 'clip.webm');
    await lavfiClip(webm, { video: 'testsrc=duration=2:size=160x120:rate=15', audio: 'sine=duration=2' }, [
      '-c:v',
      'libvpx',
      '-b:v',
      '100k',
      '-c:a',
      'libopus',
      '-metadata',
      'title=Secret',
      '-metadata',
      'creation_time=2021-05-06T07:08:09Z',
    ]);
    const result = await sanitizeFile({ path: webm, scratchDir: scratch }, { imageChildScript });
    expect(result.mediaType).toBe('video/webm');
    const after = await ffprobe(result.outputPath);
    expect(after.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:vp8', 'audio:opus']);
    expect(readFileSync(result.outputPath).includes('Secret')).toBe(false);
    expect(identifyingKeys(await exiftool(result.outputPath))).toEqual([]);
  }, 60_000);

  it('the allowlist check is not vacuous: every original image in the corpus fails it', async () => {
    const families: Record<string, 'jpeg' | 'png' | 'webp' | 'gif'> = {
      jpg: 'jpeg',
      png: 'png',
      webp: 'webp',
      gif: 'gif',
    };
    for (const name of readdirSync(corpusDir)) {
      const family = families[name.split('.').pop() ?? ''];
      if (family === undefined) continue;
      const tags = await exiftool(join(corpusDir, name));
      expect([name, disallowedExifGroups(tags, family, String(tags['File:MIMEType'])).length > 0]).toEqual([
        name,
        true,
      ]);
    }
    const error = new VerificationFailedError(['GPS', 'XMP-dc']);
    expect(error.unrecoverable).toBe(true);
    expect(error.message).toContain('GPS');
  }, 60_000);
});
