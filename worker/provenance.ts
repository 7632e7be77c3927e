// The provenance log as the pipeline sees it: something that appends entries (which entries a record
// yields is core/contracts/log-entry.ts's logEntriesForRecord, shared with `kua pull`'s check).
import type { LogEntry } from '../core/contracts/log-entry.js';
import type { AppendResult, RosterSnapshot } from '../runtime/provenance-log/sequencer.js';

/** The part of runtime/provenance-log the pipeline needs. */
export interface LogAppender {
  append(entries: readonly LogEntry[], options?: { roster?: RosterSnapshot }): Promise<AppendResult>;
}
