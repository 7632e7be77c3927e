// The floor a media bench compares the worker with, for the same file in the same run: `ffmpeg -c copy`
// (no decoding, no re-encoding) and then `sha256sum` of the copy.
import { rm } from 'node:fs/promises';
import { timedCommand } from './timed-command.js';

/** ffmpeg output options that copy a file of one kind unchanged, and the copy's file extension. */
export interface CopyRecipe {
  args: readonly string[];
  ext: string;
}

export const JPEG_COPY: CopyRecipe = { args: ['-c', 'copy'], ext: '.jpg' };
export const MP4_COPY: CopyRecipe = { args: ['-map', '0', '-c', 'copy'], ext: '.mp4' };

/** Copies `input` to `${outStem}${recipe.ext}`, hashes the copy, deletes it: summed seconds, larger peak. */
export async function copyAndHashBaseline(
  input: string,
  outStem: string,
  recipe: CopyRecipe,
): Promise<{ seconds: number; peakMiB: number }> {
  const out = `${outStem}${recipe.ext}`;
  try {
    const copy = await timedCommand('ffmpeg', ['-v', 'error', '-y', '-i', input, ...recipe.args, out]);
    const sum = await timedCommand('sha256sum', [out]);
    return { seconds: copy.seconds + sum.seconds, peakMiB: Math.max(copy.peakMiB, sum.peakMiB) };
  } finally {
    await rm(out, { force: true });
  }
}
