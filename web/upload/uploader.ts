// Sends every missing part of every envelope, then finalizes. Survives drops: a failed part is retried
// with backoff; when the browser is offline it waits for the `online` event; after any failure it asks
// the server which parts it holds, so only missing parts are sent again. Nothing here touches the DOM.

import type { PartResult } from '../shared/protocol.js';
import { ApiError, NetworkError, type SubmissionStatus, type UploadApi } from './api-types.js';
import { partCount, partLength } from './plan.js';

export interface UploadEnvelope {
  /** Worker key of the envelope. */
  key: number;
  /** Envelope length in bytes. */
  bytes: number;
}

export type UploadPhase = 'uploading' | 'retrying' | 'offline' | 'finishing';

export interface UploadDeps {
  api: UploadApi;
  produce: (key: number, part: number) => Promise<PartResult>;
  isOnline: () => boolean;
  waitOnline: () => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  /** Bytes of envelope `index` the server holds or is receiving now. */
  onProgress: (index: number, doneBytes: number) => void;
  onPhase: (phase: UploadPhase) => void;
}

const MAX_BACKOFF_MS = 30_000;
const MAX_PART_REJECTIONS = 3;

function backoff(attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function retryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof ApiError) {
    return error.status === 503 || error.status === 429 || error.status === 502 || error.status === 504;
  }
  return false;
}

/** Runs `fn` until it succeeds or fails for a reason a retry cannot fix (waiting out offline spells). */
export async function persist<T>(
  deps: Pick<UploadDeps, 'isOnline' | 'waitOnline' | 'sleep' | 'onPhase'>,
  fn: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!retryable(error)) throw error;
      if (!deps.isOnline()) {
        deps.onPhase('offline');
        await deps.waitOnline();
      } else {
        deps.onPhase('retrying');
        const hinted = error instanceof ApiError ? error.retryAfterSeconds : undefined;
        await deps.sleep(hinted !== undefined ? Math.min(hinted * 1000, MAX_BACKOFF_MS) : backoff(attempt));
      }
      deps.onPhase('uploading');
    }
  }
}

export async function upload(
  deps: UploadDeps,
  id: string,
  partBytes: number,
  envelopes: readonly UploadEnvelope[],
): Promise<void> {
  const done = envelopes.map(() => 0);
  const report = (i: number) => deps.onProgress(i, done[i] as number);
  for (let round = 0; ; round++) {
    deps.onPhase('uploading');
    const status: SubmissionStatus = await persist(deps, () => deps.api.status(id));
    if (status.state !== 'uploading') return; // already finalized (e.g. before a reload)
    const missing: Array<{ index: number; part: number }> = [];
    envelopes.forEach((env, index) => {
      const received = new Set(status.files.find((f) => f.index === index)?.received ?? []);
      done[index] = 0;
      for (let part = 0; part < partCount(env.bytes, partBytes); part++) {
        if (received.has(part))
          done[index] = (done[index] as number) + partLength(env.bytes, partBytes, part);
        else missing.push({ index, part });
      }
      report(index);
    });
    let next = missing[0] === undefined ? undefined : produce(deps, envelopes, missing[0]);
    for (let m = 0; m < missing.length; m++) {
      const item = missing[m] as { index: number; part: number };
      const current = next as Promise<PartResult>;
      const following = missing[m + 1];
      // Encrypt the next part while this one is on the wire.
      next = following === undefined ? undefined : produce(deps, envelopes, following);
      next?.catch(() => undefined);
      const bytes = await current;
      await sendPart(deps, id, item, bytes, (sent) => {
        deps.onProgress(item.index, (done[item.index] as number) + sent);
      });
      done[item.index] = (done[item.index] as number) + bytes.bytes.length;
      report(item.index);
    }
    deps.onPhase('finishing');
    try {
      await persist(deps, () => deps.api.finalize(id));
      return;
    } catch (error) {
      // INCOMPLETE: a part we thought stored is not there (e.g. expired); look again and re-send.
      if (error instanceof ApiError && error.status === 409 && error.code === 'INCOMPLETE' && round < 2)
        continue;
      throw error;
    }
  }
}

function produce(
  deps: UploadDeps,
  envelopes: readonly UploadEnvelope[],
  item: { index: number; part: number },
): Promise<PartResult> {
  return deps.produce((envelopes[item.index] as UploadEnvelope).key, item.part);
}

async function sendPart(
  deps: UploadDeps,
  id: string,
  item: { index: number; part: number },
  part: PartResult,
  onSent: (bytes: number) => void,
): Promise<void> {
  let rejections = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.api.putPart(id, item.index, item.part, part.bytes, part.digest, onSent);
      return;
    } catch (error) {
      onSent(0);
      if (
        error instanceof ApiError &&
        (error.code === 'DIGEST_MISMATCH' || error.code === 'INCOMPLETE_PART') &&
        ++rejections < MAX_PART_REJECTIONS
      ) {
        continue; // damaged in transit: send it again
      }
      if (!retryable(error)) throw error;
      if (!deps.isOnline()) {
        deps.onPhase('offline');
        await deps.waitOnline();
      } else {
        deps.onPhase('retrying');
        const hinted = error instanceof ApiError ? error.retryAfterSeconds : undefined;
        await deps.sleep(hinted !== undefined ? Math.min(hinted * 1000, MAX_BACKOFF_MS) : backoff(attempt));
      }
      deps.onPhase('uploading');
      // The part may have arrived even though the answer was lost: ask before sending it again.
      const status = await persist(deps, () => deps.api.status(id));
      if (status.files.find((f) => f.index === item.index)?.received.includes(item.part)) return;
      if (status.state !== 'uploading') return;
    }
  }
}
