// Test videos for the media benches: H.264/AAC MP4s of a given size, made from one 4 s 1080p clip at a
// high bitrate repeated with -stream_loop (no re-encoding), so a large file costs little to make.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** The two sizes a bench measures, to show that peak memory does not grow with the video's size. */
export function videoSizesMiB(videoMiB: number): [small: number, large: number] {
  return [Math.max(16, Math.round(videoMiB / 4)), videoMiB];
}

/** Writes `video-<mib>.mp4` of at least `mib` MiB in `dir` (the clip is made once, as `dir/clip.mp4`). */
export async function makeTestVideo(dir: string, mib: number): Promise<string> {
  const clip = join(dir, 'clip.mp4');
  if (!(await stat(clip).catch(() => undefined))) {
    await run('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=duration=4:size=1920x1080:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '20M'],
      ...['-c:a', 'aac', '-shortest', '-y', clip],
    ]);
  }
  const loops = Math.max(0, Math.ceil((mib * MiB) / (await stat(clip)).size) - 1);
  const out = join(dir, `video-${mib}.mp4`);
  await run('ffmpeg', ['-v', 'error', '-stream_loop', String(loops), '-i', clip, '-c', 'copy', '-y', out]);
  return out;
}
