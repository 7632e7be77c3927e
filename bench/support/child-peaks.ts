// The largest peak RSS among child processes: each pid handed to onSpawn is sampled every 20 ms until it
// is gone.
import { readVmHwmKiB } from './vm-hwm.js';

export interface ChildPeaks {
  /** Starts sampling this child; pass it straight as the sanitiser's onSpawn. */
  onSpawn(pid: number): void;
  /** Waits until every child seen so far is gone, then gives the largest VmHWM among them in MiB. */
  peakMiB(): Promise<number>;
}

export function childPeaks(): ChildPeaks {
  let peakKiB = 0;
  const watchers: Promise<void>[] = [];
  return {
    onSpawn(pid) {
      watchers.push(
        (async () => {
          for (;;) {
            const kib = await readVmHwmKiB(pid);
            if (kib === undefined) return;
            peakKiB = Math.max(peakKiB, kib);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })(),
      );
    },
    async peakMiB() {
      await Promise.all(watchers);
      return peakKiB / 1024;
    },
  };
}
