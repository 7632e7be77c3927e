// Pipeline errors. `unrecoverable` ones make the job fail at once (a retry cannot fix them); the
// processor turns them into BullMQ's UnrecoverableError. Messages carry codes only, never content.
import { KuaError } from '../runtime/errors.js';

export class PipelineError extends KuaError {
  readonly unrecoverable: boolean;
  constructor(code: string, message: string, unrecoverable: boolean, options?: { cause?: unknown }) {
    super(code, message, options);
    this.unrecoverable = unrecoverable;
  }
}

export class SubmissionNotFoundError extends PipelineError {
  constructor() {
    super('SUBMISSION_NOT_FOUND', 'No finalized submission record and no results for this job', true);
  }
}

export class RosterUnusableError extends PipelineError {
  constructor(reason: 'missing' | 'invalid' | 'rollback' | 'empty', options?: { cause?: unknown }) {
    super('ROSTER_UNUSABLE', `Refusing to seal: the reviewer roster is ${reason}`, true, options);
  }
}

export class IntakeUnreadableError extends PipelineError {
  constructor(code: string, options?: { cause?: unknown }) {
    super('INTAKE_UNREADABLE', `The intake envelope could not be decrypted or read (${code})`, true, options);
  }
}
