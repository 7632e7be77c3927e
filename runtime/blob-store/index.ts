export { createFsBlobStore } from './fs.js';
export { createMemoryBlobStore } from './memory.js';
export * from './types.js';
