// The queue contract between server and worker. Jobs carry opaque IDs only: never plaintext, keys,
// file names or anything about the witness. Redis is not trusted with more than queue state.
import { z } from 'zod';

export const SUBMISSIONS_QUEUE = 'kua-submissions';

/**
 * Options for every `process-submission` job (BullMQ JobsOptions; the server's finalize adds with
 * these and `jobId` = submission id). Transient failures retry with exponential backoff (10 s, 20 s,
 * 40 s, …); unrecoverable ones fail at once. Failed jobs are kept for an operator to see and retry;
 * completed ones are trimmed (they hold counts and status codes only).
 */
export const SUBMISSION_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: false,
} as const;

/** Opaque submission ID: 32 lowercase hex digits (128 random bits), nothing derived from content. */
export const submissionIdSchema = z.string().regex(/^[0-9a-f]{32}$/);

export const jobSchemas = {
  'process-submission': z.strictObject({ submissionId: submissionIdSchema }),
  /**
   * Log a `received` entry for each file of a finalized submission at once (so the witness can get a
   * receipt before processing ends). Same options as process-submission, jobId = logReceivedJobId(id).
   */
  'log-received': z.strictObject({ submissionId: submissionIdSchema }),
} as const;

/** The jobId of a submission's log-received job (BullMQ custom ids may not contain ':'). */
export function logReceivedJobId(submissionId: string): string {
  return `log-received-${submissionId}`;
}

export type JobName = keyof typeof jobSchemas;
export type JobData<N extends JobName> = z.infer<(typeof jobSchemas)[N]>;

/** One typed union of every job: `{ name, data }`. */
export type KuaJob = { [N in JobName]: { name: N; data: JobData<N> } }[JobName];

export const JOB_NAMES = Object.keys(jobSchemas) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobSchemas, name);
}

/** Validates a job read from the queue; returns undefined for an unknown name or a malformed payload. */
export function parseJob(name: string, data: unknown): KuaJob | undefined {
  if (!isJobName(name)) return undefined;
  const parsed = jobSchemas[name].safeParse(data);
  return parsed.success ? ({ name, data: parsed.data } as KuaJob) : undefined;
}
