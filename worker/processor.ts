// The job handler. The pipeline (decrypt → sniff → sanitize → verify → hash → seal → store → log)
// lands with the processing issue; until then every job is failed visibly, never dropped silently.
import { UnrecoverableError } from 'bullmq';
import { parseJob } from '../core/contracts/jobs.js';
import type { Logger } from '../runtime/logger.js';

export interface JobLike {
  name: string;
  data: unknown;
}

export const NOT_IMPLEMENTED_MESSAGE =
  'Submission processing is not implemented yet; the job is kept in the failed set for an operator to retry later';

export function createProcessor(deps: { logger: Logger }) {
  return async (job: JobLike): Promise<void> => {
    const parsed = parseJob(job.name, job.data);
    if (parsed === undefined) {
      deps.logger.warn('job_rejected', { jobName: job.name.slice(0, 64), code: 'JOB_MALFORMED' });
      throw new UnrecoverableError('Malformed job: unknown name or invalid payload');
    }
    deps.logger.warn('job_not_processed', { jobName: parsed.name, code: 'NOT_IMPLEMENTED' });
    throw new UnrecoverableError(NOT_IMPLEMENTED_MESSAGE);
  };
}
