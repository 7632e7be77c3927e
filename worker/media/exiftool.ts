// The independent reader: Debian's exiftool (Perl, not the libraries that wrote the output), run
// isolated like every other tool. `-j -a -u -G1 -n`: JSON, duplicates kept, unknown tags shown, family-1
// group names (e.g. 'GPS', 'XMP-dc', 'Track1'), raw numeric values. Binary values are reported as
// placeholders, never extracted.
import { KuaError } from '../../runtime/errors.js';
import { RefusedMediaError, TransientMediaError } from './errors.js';
import { runLimited } from './isolated.js';
import type { ProcessLimits } from './types.js';

export const EXIFTOOL = '/usr/bin/exiftool';
export const EXIFTOOL_ARGS = ['-j', '-a', '-u', '-G1', '-n', '-api', 'LargeFileSupport=1', '--'];

export type ExifTags = Record<string, unknown>;

export class ExiftoolReadError extends KuaError {
  constructor(readonly detail: string) {
    super('EXIFTOOL_READ_FAILED', `exiftool could not read the file (${detail})`);
  }
}

export async function readTags(path: string, limits: ProcessLimits): Promise<ExifTags> {
  const outcome = await runLimited(EXIFTOOL, [...EXIFTOOL_ARGS, path], { limits, memoryKind: 'as' });
  if (outcome.timedOut) throw new RefusedMediaError('timeout');
  if (outcome.code !== 0 && outcome.stdout.length === 0)
    throw new ExiftoolReadError(`exit ${outcome.code ?? outcome.signal}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(outcome.stdout.toString('utf8'));
  } catch {
    throw new ExiftoolReadError('unparseable output');
  }
  if (!Array.isArray(parsed) || parsed.length !== 1 || typeof parsed[0] !== 'object' || parsed[0] === null) {
    throw new ExiftoolReadError('unexpected output');
  }
  return parsed[0] as ExifTags;
}

export async function exiftoolVersion(limits: ProcessLimits): Promise<string> {
  const outcome = await runLimited(EXIFTOOL, ['-ver'], { limits, memoryKind: 'as' });
  const version = outcome.stdout.toString('utf8').trim();
  if (outcome.code !== 0 || version === '') throw new TransientMediaError('exiftool is not available');
  return version;
}
