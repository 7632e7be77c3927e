import { describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import {
  JOB_NAMES,
  parseJob,
  SUBMISSION_JOB_OPTIONS,
  SUBMISSIONS_QUEUE,
} from '../../../core/contracts/jobs.js';
import { createLogger } from '../../../runtime/logger.js';
import { IntakeUnreadableError, SubmissionNotFoundError } from '../../../worker/errors.js';
import { RefusedMediaError, VerificationFailedError } from '../../../worker/media/index.js';
import { createProcessor, RetryableJobError } from '../../../worker/processor.js';

const ID = '0123456789abcdef0123456789abcdef';
const SUMMARY = { v: 1 as const, submission: ID, sealed: 0, refused: 0, files: [] };

describe('job contract', () => {
  it('names the queue and the jobs', () => {
    expect(SUBMISSIONS_QUEUE).toBe('kua-submissions');
    expect(JOB_NAMES).toEqual(['process-submission', 'log-received']);
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

  it('retries with backoff and keeps failed jobs visible', () => {
    expect(SUBMISSION_JOB_OPTIONS.attempts).toBeGreaterThan(1);
    expect(SUBMISSION_JOB_OPTIONS.backoff.type).toBe('exponential');
    expect(SUBMISSION_JOB_OPTIONS.removeOnFail).toBe(false);
  });
});

describe('worker processor', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', component: 'w', sink: (l) => lines.push(l) });
  const failWith = (error: unknown) =>
    createProcessor({
      logger,
      run: async () => {
        throw error;
      },
    });

  it('runs the pipeline with the submission id and the job id, returning its summary', async () => {
    const calls: string[][] = [];
    const process = createProcessor({
      logger,
      run: async (id, jobId) => {
        calls.push([id, jobId]);
        return SUMMARY;
      },
    });
    await expect(
      process({ id: ID, name: 'process-submission', data: { submissionId: ID } }),
    ).resolves.toEqual(SUMMARY);
    expect(calls).toEqual([[ID, ID]]);
  });

  it.each([
    ['missing submission', new SubmissionNotFoundError()],
    ['undecryptable envelope', new IntakeUnreadableError('DECRYPTION_FAILED')],
    ['failed verification', new VerificationFailedError(['GPS'])],
    ['refused media escaping the pipeline', new RefusedMediaError('polyglot')],
  ])('fails unrecoverably on %s, with a code-only message', async (_what, error) => {
    const thrown = await failWith(error)({ name: 'process-submission', data: { submissionId: ID } }).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect((thrown as Error).message).toContain((error as { code: string }).code);
  });

  it('turns other failures into a retryable error that carries only their code', async () => {
    const fsError = Object.assign(new Error("ENOSPC: no space left, open '/data/scratch/secret-name.jpg'"), {
      code: 'ENOSPC',
    });
    const thrown = await failWith(fsError)({ name: 'process-submission', data: { submissionId: ID } }).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(RetryableJobError);
    expect(thrown).not.toBeInstanceOf(UnrecoverableError);
    expect((thrown as Error).message).toContain('ENOSPC');
    expect((thrown as Error).message).not.toContain('secret-name');
    expect(lines.join('\n')).not.toContain('secret-name');
  });

  it('fails malformed jobs unrecoverably without logging their payload', async () => {
    const error = await failWith(new Error('unused'))({
      name: 'process-submission',
      data: { submissionId: 'secret-name.mp4' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(lines.join('\n')).not.toContain('secret-name');
  });
});
