// This instance's budget of part bytes being received at once (not per-upload state: a count only).
export interface InFlightBudget {
  /** Reserves `bytes`; false (and nothing reserved) if that would exceed the budget. */
  tryAcquire(bytes: number): boolean;
  release(bytes: number): void;
  inUse(): number;
}

export function createInFlightBudget(maxBytes: number): InFlightBudget {
  let used = 0;
  return {
    tryAcquire(bytes) {
      if (used + bytes > maxBytes) return false;
      used += bytes;
      return true;
    },
    release(bytes) {
      used = Math.max(0, used - bytes);
    },
    inUse: () => used,
  };
}
