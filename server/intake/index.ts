export { statfsFreeBytes } from './disk.js';
export { deleteIntake, openIntakeEnvelope, receivedParts } from './intake-blobs.js';
export {
  DEFAULT_INTAKE_KEY_PREFIX,
  deleteSubmissionRecord,
  getSubmissionRecord,
  type SubmissionRecord,
} from './records.js';
export { createIntakeRouter, type IntakeDeps, type IntakeLimits } from './router.js';
export { createSweeper, type Sweeper } from './sweeper.js';
