export { createLogRouter, LogEmptyError, type LogRouterDeps } from './router.js';
