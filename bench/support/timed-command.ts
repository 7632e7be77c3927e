// Runs a command to completion: its wall time, and its peak RSS sampled from /proc exactly as the
// worker's children are (childPeaks), so both sides of a comparison are measured alike.
import { spawn } from 'node:child_process';
import { childPeaks } from './child-peaks.js';

export async function timedCommand(
  command: string,
  args: string[],
): Promise<{ seconds: number; peakMiB: number }> {
  const peaks = childPeaks();
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('spawn', () => child.pid !== undefined && peaks.onSpawn(child.pid));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    );
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, peakMiB: await peaks.peakMiB() };
}
