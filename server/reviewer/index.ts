export { ReviewerError, reviewerErrors } from './errors.js';
export { DEFAULT_REVIEWER_KEY_PREFIX } from './redis-keys.js';
export { findReviewer, type RosterReviewer, rosterFileReader } from './roster.js';
export { createReviewerRouter, type ReviewerDeps } from './router.js';
export { DEFAULT_LOGIN_DELAY, failureDelayMs, type LoginDelay } from './throttle.js';
