// Verification, fail closed: every output is read back by independent readers (exiftool; ffprobe for
// video streams) and checked against the per-format allowlists. Anything not on the list, any reader
// error, or an output of the wrong type fails with VerificationFailedError naming groups only.
import {
  EXIF_ALLOWLISTS,
  FORMAT_TAG_ALLOWLIST,
  IGNORED_GROUPS,
  normaliseKey,
  type OutputFamily,
  STREAM_TAG_ALLOWLIST,
  type ValueRule,
} from './allowlist.js';
import { categoriesOf } from './categories.js';
import { VerificationFailedError } from './errors.js';
import type { ExifTags } from './exiftool.js';
import { HEVC_SEI_TYPES, hvccNals } from './hvcc.js';
import { type ProbeResult, parseHexDump } from './probe.js';

function allowed(rule: ValueRule | undefined, value: unknown): boolean {
  if (rule === undefined) return false;
  return rule === true ? true : rule(value);
}

/** Names (group or category) of what in `tags` is not on the allowlist for `family`. */
export function disallowedExifGroups(tags: ExifTags, family: OutputFamily, expectedMime: string): string[] {
  const list = EXIF_ALLOWLISTS[family];
  const bad = new Set<string>();
  const badTags: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(tags)) {
    if (rawKey === 'SourceFile') continue;
    const key = normaliseKey(rawKey);
    const group = key.split(':')[0] ?? '';
    if (IGNORED_GROUPS.has(group)) continue;
    if (!allowed(list[key], value)) {
      bad.add(group);
      badTags[rawKey] = value;
    }
  }
  if (tags['File:MIMEType'] !== expectedMime) bad.add('File:MIMEType');
  return [...bad, ...categoriesOf(badTags).map((c) => `category:${c}`)];
}

export function disallowedStreams(probe: ProbeResult): string[] {
  const bad = new Set<string>();
  for (const stream of probe.streams) {
    if (stream.codec_type !== 'video' && stream.codec_type !== 'audio')
      bad.add(`stream:${stream.codec_type ?? 'unknown'}`);
    if (stream.disposition?.attached_pic === 1) bad.add('stream:attached picture');
    for (const [tag, value] of Object.entries(stream.tags ?? {})) {
      if (!allowed(STREAM_TAG_ALLOWLIST[tag], value)) bad.add('stream tags');
    }
  }
  for (const [tag, value] of Object.entries(probe.format.tags ?? {})) {
    if (!allowed(FORMAT_TAG_ALLOWLIST[tag], value)) bad.add('container tags');
  }
  if ((probe.chapters ?? []).length > 0) bad.add('chapters');
  for (const stream of probe.streams) {
    for (const group of disallowedInCodecConfig(
      stream.codec_name ?? '',
      parseHexDump(stream.extradata ?? ''),
    ))
      bad.add(group);
  }
  return [...bad];
}

export function assertClean(groups: string[]): void {
  if (groups.length > 0) throw new VerificationFailedError(groups);
}

/** Longest run of printable ASCII: text in a codec configuration is user data (encoder settings, devices). */
function longestPrintableRun(bytes: Uint8Array): number {
  let longest = 0;
  let run = 0;
  for (const b of bytes) {
    run = b >= 0x20 && b < 0x7f ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** Codec configuration (avcC, hvcC, av1C, CodecPrivate…) must carry no SEI and no text. */
export function disallowedInCodecConfig(codec: string, config: Uint8Array): string[] {
  const bad: string[] = [];
  if (longestPrintableRun(config) >= 16) bad.push('codec configuration text');
  if (codec === 'hevc' && config.length > 0 && config[0] === 1) {
    try {
      if (hvccNals(config).some((nal) => HEVC_SEI_TYPES.has(nal.type))) bad.push('codec configuration SEI');
    } catch {
      bad.push('codec configuration unreadable');
    }
  }
  return bad;
}
