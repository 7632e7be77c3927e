// Deletes the parts of open submissions past their expiry, and parts whose record is gone (expired by
// its Redis TTL, or deleted). Safe to run on several instances at once: every step is idempotent.
import type { Redis } from 'ioredis';
import type { BlobStore } from '../../runtime/blob-store/types.js';
import { errorCode, type Logger } from '../../runtime/logger.js';
import { submissionPrefix, UPLOADS_PREFIX } from './blob-keys.js';
import { deleteOpenSubmissionRecord, getSubmissionRecord, type RecordOptions } from './records.js';

export interface SweeperDeps {
  store: BlobStore;
  redis: Redis;
  logger: Logger;
  keyPrefix?: string;
  now?: () => number;
}

export interface SweepResult {
  submissions: number;
  parts: number;
}

export interface Sweeper {
  sweepOnce(): Promise<SweepResult>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createSweeper(deps: SweeperDeps): Sweeper {
  const now = deps.now ?? Date.now;
  const options: RecordOptions = { keyPrefix: deps.keyPrefix };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function sweepOnce(): Promise<SweepResult> {
    const result: SweepResult = { submissions: 0, parts: 0 };
    for (const id of await deps.store.children(UPLOADS_PREFIX)) {
      const record = await getSubmissionRecord(deps.redis, id, options);
      let expired = record === undefined;
      if (record !== undefined && !record.closed && record.expiresAt <= now()) {
        expired = await deleteOpenSubmissionRecord(deps.redis, id, options);
      }
      if (!expired) continue;
      result.parts += await deps.store.deletePrefix(submissionPrefix(id));
      result.submissions++;
    }
    if (result.submissions > 0) {
      deps.logger.info('uploads_expired', { count: result.submissions });
    }
    return result;
  }

  return {
    sweepOnce,
    start(intervalMs) {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        if (running !== undefined) return; // the previous sweep is still going
        running = sweepOnce()
          .catch((error: unknown) => deps.logger.warn('sweep_failed', { code: errorCode(error) }))
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
