// The decisions kept as plain data: ffmpeg arguments, image output formats, refusal classification.
import { describe, expect, it } from '@jest/globals';
import { RefusedMediaError } from '../../../worker/media/errors.js';
import { planImage } from '../../../worker/media/image-plan.js';
import { refusalFor } from '../../../worker/media/outcome.js';
import type { ProbeResult } from '../../../worker/media/probe.js';
import { planVideo } from '../../../worker/media/video-plan.js';

const paths = { input: '/scratch/in', output: '/scratch/out.mp4' };

function probe(streams: ProbeResult['streams']): ProbeResult {
  return { streams, format: { format_name: 'mov,mp4' }, chapters: [] };
}

describe('planVideo', () => {
  const iphone = probe([
    { index: 0, codec_type: 'audio', codec_name: 'aac' },
    { index: 1, codec_type: 'video', codec_name: 'h264' },
    { index: 2, codec_type: 'data', codec_name: 'unknown', codec_tag_string: 'mebx' },
    { index: 3, codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
    { index: 4, codec_type: 'subtitle', codec_name: 'mov_text' },
  ]);

  it('keeps only video then audio, drops data, subtitles and cover art', () => {
    const plan = planVideo(iphone, 'video/quicktime', paths);
    expect(plan.kept).toEqual([
      { index: 1, type: 'video', codec: 'h264' },
      { index: 0, type: 'audio', codec: 'aac' },
    ]);
    expect(plan.dropped).toBe(3);
    expect(plan.container).toBe('mp4');
    expect(plan.mediaType).toBe('video/mp4');
  });

  it('builds the exact argument array (no shell, metadata cleared, bitexact, SEI removed)', () => {
    const plan = planVideo(iphone, 'video/quicktime', paths);
    expect(plan.args).toEqual([
      '-nostdin',
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'error',
      '-xerror',
      '-i',
      'file:/scratch/in',
      '-map',
      '0:1',
      '-map',
      '0:0',
      '-map_metadata',
      '-1',
      '-map_metadata:s:v',
      '-1',
      '-map_metadata:s:a',
      '-1',
      '-map_chapters',
      '-1',
      '-dn',
      '-sn',
      '-c',
      'copy',
      '-bsf:v:0',
      'filter_units=remove_types=6',
      '-fflags',
      '+bitexact',
      '-flags:v',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      '-y',
      'file:/scratch/out.mp4',
    ]);
  });

  it('removes HEVC prefix and suffix SEI', () => {
    const plan = planVideo(
      probe([{ index: 0, codec_type: 'video', codec_name: 'hevc' }]),
      'video/mp4',
      paths,
    );
    expect(plan.args).toEqual(expect.arrayContaining(['-bsf:v:0', 'filter_units=remove_types=39|40']));
  });

  it('keeps WebM as WebM and falls back to Matroska when codecs do not fit MP4', () => {
    const webm = planVideo(
      probe([
        { index: 0, codec_type: 'video', codec_name: 'vp9' },
        { index: 1, codec_type: 'audio', codec_name: 'opus' },
      ]),
      'video/webm',
      paths,
    );
    expect([webm.container, webm.mediaType]).toEqual(['webm', 'video/webm']);
    const pcm = planVideo(
      probe([
        { index: 0, codec_type: 'video', codec_name: 'h264' },
        { index: 1, codec_type: 'audio', codec_name: 'pcm_s16le' },
      ]),
      'video/quicktime',
      paths,
    );
    expect([pcm.container, pcm.mediaType]).toEqual(['matroska', 'video/x-matroska']);
  });

  it('refuses a file without a real video stream', () => {
    const coverOnly = probe([
      { index: 0, codec_type: 'audio', codec_name: 'aac' },
      { index: 1, codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
    ]);
    expect(() => planVideo(coverOnly, 'video/mp4', paths)).toThrow(RefusedMediaError);
  });
});

describe('planImage', () => {
  const base = { hasAlpha: false, pages: 1, space: 'srgb', webpLossless: false };
  it('re-encodes lossy photos as JPEG q>=90 and lossless ones losslessly', () => {
    expect(planImage({ ...base, inputMime: 'image/jpeg' })).toMatchObject({
      format: 'jpeg',
      options: { quality: 92 },
    });
    expect(planImage({ ...base, inputMime: 'image/heic' }).format).toBe('jpeg');
    expect(planImage({ ...base, inputMime: 'image/heic', hasAlpha: true }).format).toBe('png');
    expect(planImage({ ...base, inputMime: 'image/png' }).format).toBe('png');
    expect(planImage({ ...base, inputMime: 'image/tiff', space: 'grey16' })).toMatchObject({
      format: 'png',
      colourspace: 'grey16',
    });
    expect(planImage({ ...base, inputMime: 'image/webp', webpLossless: true })).toMatchObject({
      format: 'webp',
      options: { lossless: true },
    });
    expect(planImage({ ...base, inputMime: 'image/webp' })).toMatchObject({
      format: 'webp',
      options: { quality: 92 },
    });
    expect(planImage({ ...base, inputMime: 'image/gif' }).format).toBe('png');
    expect(planImage({ ...base, inputMime: 'image/gif', pages: 5 })).toMatchObject({
      format: 'gif',
      animated: true,
    });
  });
});

describe('refusalFor', () => {
  const ok = { code: 1, signal: null, timedOut: false, stderr: '', stdoutOverflow: false } as const;
  it('maps limits and crashes to closed-set reasons', () => {
    expect(refusalFor({ ...ok, timedOut: true, signal: 'SIGKILL' })).toBe('timeout');
    expect(refusalFor({ ...ok, signal: 'SIGXCPU' })).toBe('timeout');
    expect(refusalFor({ ...ok, signal: 'SIGXFSZ' })).toBe('too-large');
    expect(
      refusalFor({ ...ok, signal: 'SIGABRT', stderr: 'FATAL ERROR: Reached heap limit Allocation failed' }),
    ).toBe('too-large');
    expect(refusalFor({ ...ok, stderr: 'stream 1, offset 0x62ffd: partial file' })).toBe('truncated');
    expect(refusalFor({ ...ok, signal: 'SIGSEGV' })).toBe('undecodable');
  });
});
