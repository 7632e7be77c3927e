// What GET /api/submissions/:id answers: the state of a submission and, once processed, each file's
// outcome as codes only (sealed / refused + reason code / control). The outcomes come from the record
// the worker marked done, else from the completed job's return value (its summary: codes and counts).
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type ProcessedFile,
  partCount,
  processedFileSchema,
  type SubmissionState,
  type SubmissionStatus,
} from '../../core/contracts/intake.js';
import type { BlobStore } from '../../runtime/blob-store/types.js';
import { receivedParts } from './intake-blobs.js';
import { getSubmissionRecord, type RecordOptions, type SubmissionRecord } from './records.js';

export interface StatusDeps {
  redis: Redis;
  queue: Pick<Queue, 'getJob'>;
  store: BlobStore;
  keyPrefix?: string | undefined;
}

interface Progress {
  state: SubmissionState;
  failed: boolean;
  outcomes?: ProcessedFile[] | undefined;
}

/** Outcomes from a job's return value (the worker's SubmissionSummary), if it holds one per file. */
export function outcomesFromSummary(value: unknown, fileCount: number): ProcessedFile[] | undefined {
  if (value === null || typeof value !== 'object' || !('files' in value) || !Array.isArray(value.files))
    return undefined;
  const files: unknown[] = value.files;
  if (files.length !== fileCount) return undefined;
  const outcomes: ProcessedFile[] = [];
  for (const [i, file] of files.entries()) {
    if (file === null || typeof file !== 'object') return undefined;
    const f = file as { index?: unknown; status?: unknown; reason?: unknown };
    if (f.index !== i) return undefined;
    const parsed = processedFileSchema.safeParse(
      f.status === 'refused' ? { outcome: f.status, reason: f.reason } : { outcome: f.status },
    );
    if (!parsed.success) return undefined;
    outcomes.push(parsed.data);
  }
  return outcomes;
}

async function progressOf(deps: StatusDeps, record: SubmissionRecord): Promise<Progress> {
  if (!record.closed) return { state: 'uploading', failed: false };
  // The worker stores the outcomes before its job is marked completed: done, whatever the queue says.
  if (record.outcomes !== undefined) return { state: 'done', failed: false, outcomes: record.outcomes };
  const job = await deps.queue.getJob(record.id);
  if (job === undefined || job === null) return { state: record.queued ? 'done' : 'queued', failed: false };
  const jobState = await job.getState();
  if (jobState === 'completed')
    return {
      state: 'done',
      failed: false,
      outcomes: outcomesFromSummary(job.returnvalue, record.files.length),
    };
  if (jobState === 'failed') return { state: 'failed', failed: true };
  if (jobState === 'active') return { state: 'processing', failed: false };
  return { state: 'queued', failed: false };
}

/** The status of submission `id`, or undefined if there is no record of it (never, expired or gone). */
export async function submissionStatus(deps: StatusDeps, id: string): Promise<SubmissionStatus | undefined> {
  const options: RecordOptions = { keyPrefix: deps.keyPrefix };
  const record = await getSubmissionRecord(deps.redis, id, options);
  if (record === undefined) return undefined;
  const received = await receivedParts(deps.store, record.id);
  const { state, failed, outcomes } = await progressOf(deps, record);
  return {
    id: record.id,
    state,
    ...(record.closed ? {} : { expiresAt: new Date(record.expiresAt).toISOString() }),
    ...(failed ? { reason: 'PROCESSING_FAILED' as const } : {}),
    files: record.files.map((bytes, index) => ({
      index,
      bytes,
      parts: partCount(bytes, record.partBytes),
      received: received.get(index) ?? [],
      ...(outcomes?.[index] ?? {}),
    })),
  };
}
