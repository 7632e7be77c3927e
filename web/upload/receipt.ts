// After finalize: wait (bounded, with backoff) until the portal's log holds what it received, then
// return the witness receipt (GET /api/submissions/:id/receipt, core/contracts/receipt.ts) as JSON
// text for a download. The page checks only its shape here; the verify page checks it cryptographically.

/** Waits between attempts (ms): about two minutes in all. */
export const RECEIPT_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000, 15000, 15000];

export interface ReceiptDeps {
  fetch: (url: string) => Promise<Response>;
  sleep: (ms: number) => Promise<void>;
}

const defaults: ReceiptDeps = {
  fetch: (url) => fetch(url, { credentials: 'omit' }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function looksLikeReceipt(value: unknown, id: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { v?: unknown; submission?: unknown; checkpoint?: unknown; entries?: unknown };
  return (
    r.v === 1 &&
    r.submission === id &&
    typeof r.checkpoint === 'string' &&
    Array.isArray(r.entries) &&
    r.entries.length > 0
  );
}

/** The receipt's JSON text, or undefined if it did not become available in time. */
export async function waitForReceipt(
  id: string,
  deps: ReceiptDeps = defaults,
  delays: readonly number[] = RECEIPT_DELAYS_MS,
): Promise<string | undefined> {
  for (const delay of [0, ...delays]) {
    if (delay > 0) await deps.sleep(delay);
    try {
      const res = await deps.fetch(`/api/submissions/${encodeURIComponent(id)}/receipt`);
      if (res.status === 200) {
        const text = await res.text();
        if (looksLikeReceipt(JSON.parse(text), id)) return text;
        return undefined;
      }
      if (res.status !== 202 && res.status < 500) return undefined;
    } catch {
      // Offline for a moment: try again after the next delay.
    }
  }
  return undefined;
}
