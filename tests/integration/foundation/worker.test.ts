import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type Job, Queue, Worker } from 'bullmq';
import { SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import { createLogger } from '../../../runtime/logger.js';
import { createProcessor, NOT_IMPLEMENTED_MESSAGE } from '../../../worker/processor.js';

const url = process.env.REDIS_URL;
if (url === undefined) throw new Error('REDIS_URL must be set (run through `npm test`)');

describe('worker with real BullMQ', () => {
  const prefix = `kua-test-${randomBytes(6).toString('hex')}`;
  const queue = new Queue(SUBMISSIONS_QUEUE, { connection: { url }, prefix });
  const worker = new Worker(
    SUBMISSIONS_QUEUE,
    createProcessor({ logger: createLogger({ level: 'silent', component: 'w' }) }),
    {
      connection: { url, maxRetriesPerRequest: null },
      prefix,
    },
  );

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('fails jobs visibly and without retries until the pipeline exists', async () => {
    const failed = new Promise<{ job: Job | undefined; error: Error }>((resolve) =>
      worker.once('failed', (job, error) => resolve({ job, error })),
    );
    const added = await queue.add('process-submission', { submissionId: 'a'.repeat(32) }, { attempts: 5 });
    const { job, error } = await failed;
    expect(job?.id).toBe(added.id);
    expect(error.message).toBe(NOT_IMPLEMENTED_MESSAGE);
    expect(job?.attemptsMade).toBe(1);
    expect(await queue.getJobCounts('failed', 'waiting', 'delayed')).toEqual({
      failed: 1,
      waiting: 0,
      delayed: 0,
    });
  }, 15_000);
});
