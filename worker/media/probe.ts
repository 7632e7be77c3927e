// ffprobe, isolated: streams, container and chapters as JSON.
import { KuaError } from '../../runtime/errors.js';
import { RefusedMediaError } from './errors.js';
import { runLimited } from './isolated.js';
import type { ProcessLimits } from './types.js';

export const FFPROBE = '/usr/bin/ffprobe';

export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  duration?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  /** Hex dump of the codec configuration, as printed by ffprobe -show_data. */
  extradata?: string;
}

/** Parses ffprobe's hex dump ("00000000: 0104 0800 ...  ascii") back into bytes. */
export function parseHexDump(dump: string): Uint8Array {
  const bytes: number[] = [];
  for (const line of dump.split('\n')) {
    const match = /^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} )+)/.exec(line);
    if (match?.[1] === undefined) continue;
    for (const hex of match[1].trim().split(' ')) {
      for (let i = 0; i < hex.length; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
    }
  }
  return Uint8Array.from(bytes);
}

export interface ProbeResult {
  streams: ProbeStream[];
  format: { format_name?: string; duration?: string; size?: string; tags?: Record<string, string> };
  chapters?: unknown[];
}

// -show_data adds each stream's codec configuration (extradata) as a hex dump, for verification.
export const FFPROBE_ARGS = [
  '-v',
  'error',
  '-show_streams',
  '-show_format',
  '-show_chapters',
  '-show_data',
  '-of',
  'json',
];

export class ProbeError extends KuaError {
  constructor(readonly truncated: boolean) {
    super('FFPROBE_READ_FAILED', 'ffprobe could not read the file');
  }
}

export async function probe(path: string, limits: ProcessLimits): Promise<ProbeResult> {
  const outcome = await runLimited(FFPROBE, [...FFPROBE_ARGS, '-i', `file:${path}`], {
    limits,
    memoryKind: 'as',
  });
  if (outcome.timedOut) throw new RefusedMediaError('timeout');
  if (outcome.code !== 0)
    throw new ProbeError(/partial file|End of file|ended prematurely|truncat/i.test(outcome.stderr));
  try {
    const parsed = JSON.parse(outcome.stdout.toString('utf8')) as ProbeResult;
    if (!Array.isArray(parsed.streams) || typeof parsed.format !== 'object') throw new Error('shape');
    return parsed;
  } catch {
    throw new ProbeError(false);
  }
}

export function durationSeconds(result: ProbeResult): number {
  const value = Number(result.format.duration);
  return Number.isFinite(value) ? value : Number.NaN;
}
