// A process's peak resident set size so far, as the kernel reports it: the VmHWM line of
// /proc/<pid>/status, in KiB.
import { readFile } from 'node:fs/promises';

/** VmHWM in KiB from the text of /proc/<pid>/status; undefined if the line is missing (a zombie). */
export function parseVmHwmKiB(status: string): number | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** VmHWM of `pid` in KiB; undefined once the process is gone (or has exited and not been reaped). */
export async function readVmHwmKiB(pid: number): Promise<number | undefined> {
  try {
    return parseVmHwmKiB(await readFile(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}
