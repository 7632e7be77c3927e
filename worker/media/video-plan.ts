// Pure decision: the exact ffmpeg argument array for a remux (no re-encoding), computed from ffprobe's
// view of the input and unit-tested. Keeps the video and audio streams only; drops data (GPS/telemetry,
// timecode, Apple mebx), subtitle and attachment streams, cover art (attached pictures), chapters,
// global and per-stream metadata; bitexact muxing (no encoder version, zero creation times); strips
// every SEI NAL unit from H.264 (type 6) and HEVC (39 prefix, 40 suffix) with filter_units, which
// removes codec-level user data (camera/encoder strings, GPS in some dashcams).
import { RefusedMediaError } from './errors.js';
import type { ProbeResult, ProbeStream } from './probe.js';

export type VideoContainer = 'mp4' | 'matroska' | 'webm';

export interface VideoPlan {
  container: VideoContainer;
  mediaType: string;
  extension: string;
  kept: { index: number; type: 'video' | 'audio'; codec: string }[];
  dropped: number;
  args: string[];
}

const MP4_VIDEO = new Set(['h264', 'hevc', 'mpeg4', 'av1', 'vp9', 'h263', 'mpeg2video']);
const MP4_AUDIO = new Set(['aac', 'mp3', 'alac', 'ac3', 'eac3', 'opus', 'flac', 'amr_nb', 'amr_wb']);
const WEBM_VIDEO = new Set(['vp8', 'vp9', 'av1']);
const WEBM_AUDIO = new Set(['opus', 'vorbis']);
/** Codecs that are still pictures (cover art, thumbnails) rather than video, even when not flagged. */
const PICTURE_CODECS = new Set(['mjpeg', 'png', 'bmp', 'gif', 'webp', 'tiff']);

function isKeptVideo(stream: ProbeStream): boolean {
  return (
    stream.codec_type === 'video' &&
    stream.disposition?.attached_pic !== 1 &&
    stream.disposition?.timed_thumbnails !== 1 &&
    !PICTURE_CODECS.has(stream.codec_name ?? '')
  );
}

export function planVideo(
  input: ProbeResult,
  inputMime: string,
  paths: { input: string; output: string },
): VideoPlan {
  const videos = input.streams.filter(isKeptVideo);
  const audios = input.streams.filter((s) => s.codec_type === 'audio');
  if (videos.length === 0) throw new RefusedMediaError('undecodable');
  const kept = [...videos, ...audios].map((s) => ({
    index: s.index,
    type: s.codec_type as 'video' | 'audio',
    codec: s.codec_name ?? 'unknown',
  }));
  const fitsMp4 = kept.every((s) => (s.type === 'video' ? MP4_VIDEO : MP4_AUDIO).has(s.codec));
  const fitsWebm = kept.every((s) => (s.type === 'video' ? WEBM_VIDEO : WEBM_AUDIO).has(s.codec));
  const matroskaInput =
    inputMime === 'video/webm' || inputMime === 'video/matroska' || inputMime === 'video/x-matroska';
  const container: VideoContainer = matroskaInput
    ? fitsWebm
      ? 'webm'
      : 'matroska'
    : fitsMp4
      ? 'mp4'
      : 'matroska';
  const args = ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-xerror'];
  args.push('-i', `file:${paths.input}`);
  for (const s of kept) args.push('-map', `0:${s.index}`);
  args.push(
    '-map_metadata',
    '-1',
    '-map_metadata:s:v',
    '-1',
    '-map_metadata:s:a',
    '-1',
    '-map_chapters',
    '-1',
  );
  args.push('-dn', '-sn', '-c', 'copy');
  kept
    .filter((s) => s.type === 'video')
    .forEach((s, outIndex) => {
      if (s.codec === 'h264') args.push(`-bsf:v:${outIndex}`, 'filter_units=remove_types=6');
      if (s.codec === 'hevc') args.push(`-bsf:v:${outIndex}`, 'filter_units=remove_types=39|40');
    });
  args.push('-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact');
  if (container === 'mp4') args.push('-movflags', '+faststart', '-f', 'mp4');
  else args.push('-f', container);
  args.push('-y', `file:${paths.output}`);
  const mediaType =
    container === 'mp4' ? 'video/mp4' : container === 'webm' ? 'video/webm' : 'video/x-matroska';
  const extension = container === 'mp4' ? 'mp4' : container === 'webm' ? 'webm' : 'mkv';
  return { container, mediaType, extension, kept, dropped: input.streams.length - kept.length, args };
}
