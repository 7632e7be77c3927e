// Exact versions of the external tools, for the provenance record; looked up once per process.
import { EXIFTOOL, exiftoolVersion } from './exiftool.js';
import { runLimited } from './isolated.js';
import { FFPROBE } from './probe.js';
import type { ProcessLimits } from './types.js';

export const FFMPEG = '/usr/bin/ffmpeg';
const cache = new Map<string, Promise<string>>();

async function ffVersion(binary: string, limits: ProcessLimits): Promise<string> {
  const outcome = await runLimited(binary, ['-hide_banner', '-version'], { limits, memoryKind: 'as' });
  const first = outcome.stdout.toString('utf8').split('\n')[0] ?? '';
  const match = /version (\S+)/.exec(first);
  return match?.[1] ?? 'unknown';
}

function cached(name: string, lookup: () => Promise<string>): Promise<string> {
  let value = cache.get(name);
  if (value === undefined) {
    value = lookup();
    value.catch(() => cache.delete(name));
    cache.set(name, value);
  }
  return value;
}

export function toolVersion(name: 'ffmpeg' | 'ffprobe' | 'exiftool', limits: ProcessLimits): Promise<string> {
  if (name === 'exiftool') return cached(EXIFTOOL, () => exiftoolVersion(limits));
  return cached(name, () => ffVersion(name === 'ffmpeg' ? FFMPEG : FFPROBE, limits));
}
