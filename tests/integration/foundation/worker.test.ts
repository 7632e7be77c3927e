import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type Job, Queue, Worker } from 'bullmq';
import { SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import { createLogger } from '../../../runtime/logger.js';
import { SubmissionNotFoundError } from '../../../worker/errors.js';
import { createProcessor } from '../../../worker/processor.js';

const url = process.env.REDIS_URL;
if (url === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');

describe('worker processor with real BullMQ', () => {
  const prefix = `kua-test-${randomBytes(6).toString('hex')}`;
  const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url }, prefix });
  let transientFailures = 1;
  const worker = new Worker(
    SUBMISSIONS_QUEUE,
    createProcessor({
      logger: createLogger({ level: 'silent', component: 'w' }),
      run: async (submissionId) => {
        if (submissionId.startsWith('a')) throw new SubmissionNotFoundError();
        if (transientFailures-- > 0) throw Object.assign(new Error('hiccup'), { code: 'ECONNRESET' });
        return { v: 1, submission: submissionId, sealed: 0, refused: 0, files: [] };
      },
    }),
    { connection: { url, maxRetriesPerRequest: null }, prefix },
  );

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('fails unrecoverable jobs at once and keeps them visible', async () => {
    const failed = new Promise<{ job: Job | undefined; error: Error }>((resolve) =>
      worker.once('failed', (job, error) => resolve({ job, error })),
    );
    const added = await queue.add('process-submission', { submissionId: 'a'.repeat(32) }, { attempts: 5 });
    const { job, error } = await failed;
    expect(job?.id).toBe(added.id);
    expect(error.message).toContain('SUBMISSION_NOT_FOUND');
    expect(job?.attemptsMade).toBe(1);
    expect(await queue.getJobCounts('failed', 'waiting', 'delayed')).toEqual({
      failed: 1,
      waiting: 0,
      delayed: 0,
    });
  }, 15_000);

  it('retries transient failures with backoff, then completes', async () => {
    const completed = new Promise<Job>((resolve) => worker.once('completed', (job) => resolve(job)));
    await queue.add(
      'process-submission',
      { submissionId: 'b'.repeat(32) },
      { attempts: 3, backoff: { type: 'fixed', delay: 50 } },
    );
    const job = await completed;
    expect(job.attemptsMade).toBe(2);
    expect(job.returnvalue).toEqual({ v: 1, submission: 'b'.repeat(32), sealed: 0, refused: 0, files: [] });
  }, 15_000);
});
