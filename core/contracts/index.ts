export * from './errors.js';
export * from './health.js';
export * from './intake.js';
export * from './jobs.js';
export * from './log-entry.js';
export * from './record.js';
export * from './reviewer.js';
