import { KuaError } from '../errors.js';

export class LogEntryNotFoundError extends KuaError {
  constructor() {
    super('LOG_ENTRY_NOT_FOUND', 'no such provenance log entry');
  }
}

export class LogRangeError extends KuaError {
  constructor(message = 'index or tree size outside the published provenance log') {
    super('LOG_RANGE', message);
  }
}

/** Another writer took an index this sequencer wanted (only possible after a lock expiry): retry. */
export class LogContentionError extends KuaError {
  constructor() {
    super('LOG_CONTENTION', 'another writer appended to the provenance log concurrently');
  }
}

/** The stored log does not match what was signed (or is not well formed). */
export class LogCorruptError extends KuaError {
  constructor(message = 'the stored provenance log is corrupt') {
    super('LOG_CORRUPT', message);
  }
}
