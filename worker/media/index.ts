// Media sanitisation for the worker: the one entry point and its types and errors.

export {
  isUnrecoverableMediaError,
  REFUSAL_REASONS,
  type RefusalReason,
  RefusedMediaError,
  TransientMediaError,
  VerificationFailedError,
} from './errors.js';
export { DEFAULT_MEDIA_LIMITS } from './limits.js';
export { type SanitizeDeps, sanitizeFile } from './sanitize.js';
export type { MediaKind, MediaLimits, ProcessLimits, SanitizeResult, ToolRun } from './types.js';
