// Default limits. Generous enough for a 1 GiB phone video and a 100-megapixel photo on a small host;
// the pipeline may pass tighter ones (tests do, to prove a bomb or a hang fails that file alone).
import type { MediaLimits } from './types.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_MEDIA_LIMITS: MediaLimits = {
  maxInputBytes: 4 * GiB,
  maxImageBytes: 256 * MiB,
  maxPixels: 100_000_000,
  image: { cpuSeconds: 120, memoryBytes: 3 * GiB, outputBytes: 512 * MiB, wallMs: 180_000 },
  video: { cpuSeconds: 900, memoryBytes: 2 * GiB, outputBytes: 5 * GiB, wallMs: 1_800_000 },
  reader: { cpuSeconds: 60, memoryBytes: 1 * GiB, outputBytes: 64 * MiB, wallMs: 120_000 },
};

export function withLimits(overrides: Partial<MediaLimits> | undefined): MediaLimits {
  return { ...DEFAULT_MEDIA_LIMITS, ...overrides };
}
