export * from './errors.js';
export { checkLogIntegrity, type IntegrityProblem, type IntegrityReport } from './integrity.js';
export * from './layout.js';
export * from './lock.js';
export { createLogReader, type LogReader, leafData } from './reader.js';
export * from './sequencer.js';
export * from './signer.js';
