import { describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { JOB_NAMES, parseJob, SUBMISSIONS_QUEUE } from '../../../core/contracts/jobs.js';
import { createLogger } from '../../../runtime/logger.js';
import { createProcessor, NOT_IMPLEMENTED_MESSAGE } from '../../../worker/processor.js';

const ID = '0123456789abcdef0123456789abcdef';

describe('job contract', () => {
  it('names the queue and the jobs', () => {
    expect(SUBMISSIONS_QUEUE).toBe('kua-submissions');
    expect(JOB_NAMES).toEqual(['process-submission']);
  });

  it('accepts IDs only', () => {
    expect(parseJob('process-submission', { submissionId: ID })).toEqual({
      name: 'process-submission',
      data: { submissionId: ID },
    });
    expect(parseJob('process-submission', { submissionId: ID, fileName: 'x.jpg' })).toBeUndefined();
    expect(parseJob('process-submission', { submissionId: 'not-an-id' })).toBeUndefined();
    expect(parseJob('toString', {})).toBeUndefined();
    expect(parseJob('other', { submissionId: ID })).toBeUndefined();
  });
});

describe('worker processor (until the pipeline lands)', () => {
  const lines: string[] = [];
  const process = createProcessor({
    logger: createLogger({ level: 'debug', component: 'w', sink: (l) => lines.push(l) }),
  });

  it('fails valid jobs unrecoverably instead of dropping them', async () => {
    await expect(process({ name: 'process-submission', data: { submissionId: ID } })).rejects.toThrow(
      new UnrecoverableError(NOT_IMPLEMENTED_MESSAGE),
    );
  });

  it('fails malformed jobs unrecoverably without logging their payload', async () => {
    const error = await process({
      name: 'process-submission',
      data: { submissionId: 'secret-name.mp4' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(lines.join('\n')).not.toContain('secret-name');
  });
});
