// The job handler: validates the job (IDs only), runs the pipeline, and maps failures onto BullMQ's
// model. Failures a retry cannot fix (unreadable envelope, failed verification, unusable roster, missing
// submission) become UnrecoverableError at once; anything else is retried with backoff. Errors stored
// in Redis and logged carry a code only, never a library's message (which could name a path or value).
import { UnrecoverableError } from 'bullmq';
import { parseJob } from '../core/contracts/jobs.js';
import type { SubmissionSummary } from '../core/contracts/record.js';
import { KuaError } from '../runtime/errors.js';
import { errorCode, type Logger } from '../runtime/logger.js';

export interface JobLike {
  id?: string | undefined;
  name: string;
  data: unknown;
  attemptsMade?: number;
}

export type RunSubmission = (submissionId: string, jobId: string) => Promise<SubmissionSummary>;

/** The `log-received` job (worker/log-received.ts): log indexes of the submission's received entries. */
export type RunLogReceived = (submissionId: string) => Promise<{ indexes: number[] }>;

/** A failure worth retrying, carrying only the original's code. */
export class RetryableJobError extends KuaError {
  constructor(code: string) {
    super('JOB_RETRY', `Submission processing failed transiently (${code}); it will be retried`);
  }
}

export function isUnrecoverable(error: unknown): boolean {
  return (
    error instanceof UnrecoverableError ||
    (error !== null && typeof error === 'object' && 'unrecoverable' in error && error.unrecoverable === true)
  );
}

const SAFE_JOB_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function createProcessor(deps: {
  logger: Logger;
  run: RunSubmission;
  /** Handles `log-received`; a processor without it completes such jobs without doing anything. */
  logReceived?: RunLogReceived;
}) {
  return async (job: JobLike): Promise<SubmissionSummary | { indexes: number[] }> => {
    const parsed = parseJob(job.name, job.data);
    if (parsed === undefined) {
      deps.logger.warn('job_rejected', { code: 'JOB_MALFORMED' });
      throw new UnrecoverableError('Malformed job: unknown name or invalid payload');
    }
    const { submissionId } = parsed.data;
    const jobId = job.id !== undefined && SAFE_JOB_ID.test(job.id) ? job.id : submissionId;
    const started = Date.now();
    try {
      if (parsed.name === 'log-received') {
        if (deps.logReceived === undefined) {
          deps.logger.warn('job_skipped', { jobName: parsed.name });
          return { indexes: [] };
        }
        const logged = await deps.logReceived(submissionId);
        deps.logger.info('job_completed', {
          jobName: parsed.name,
          count: logged.indexes.length,
          durationMs: Date.now() - started,
        });
        return logged;
      }
      const summary = await deps.run(submissionId, jobId);
      deps.logger.info('job_completed', {
        jobName: parsed.name,
        count: summary.files.length,
        durationMs: Date.now() - started,
      });
      return summary;
    } catch (error) {
      const code = errorCode(error);
      if (isUnrecoverable(error)) {
        deps.logger.warn('job_failed_unrecoverable', { jobName: parsed.name, code });
        throw new UnrecoverableError(
          `Submission processing failed (${code}); nothing was released and the input is kept for an operator`,
        );
      }
      deps.logger.warn('job_failed_retrying', {
        jobName: parsed.name,
        code,
        attempt: (job.attemptsMade ?? 0) + 1,
      });
      throw new RetryableJobError(code);
    }
  };
}
