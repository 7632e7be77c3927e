// What the worker adds to the provenance log (docs/LOG.md) for a processed submission, derived from
// the signed records alone so a rerun after a crash appends exactly the same entries: for every file
// a `received` entry (the intake ciphertext's digest), and for every sealed file a `sanitised` entry
// (sanitised file, sealed envelope, tools, the salted commitment to the original — never its plain
// hash or size). Refused files, the page's control data and the witness's note are logged as received
// only: a note is released as typed, so its sanitised hash would be the plain hash of what the witness
// wrote (which a seized phone may still hold).
import type { LogEntry } from '../core/contracts/log-entry.js';
import type { ProvenanceRecord } from '../core/contracts/record.js';
import type { AppendResult, RosterSnapshot } from '../runtime/provenance-log/sequencer.js';

/** The part of runtime/provenance-log the pipeline needs. */
export interface LogAppender {
  append(entries: readonly LogEntry[], options?: { roster?: RosterSnapshot }): Promise<AppendResult>;
}

export function logEntriesOf(record: ProvenanceRecord): LogEntry[] {
  const entries: LogEntry[] = [
    {
      v: 1,
      kind: 'received',
      submission: record.submission,
      index: record.index,
      intake: { sha256: record.intake.sha256 },
      receivedAt: record.receivedAt,
    },
  ];
  if (
    record.status === 'sealed' &&
    record.kind !== 'note' &&
    record.sanitised !== undefined &&
    record.sealed !== undefined
  ) {
    entries.push({
      v: 1,
      kind: 'sanitised',
      submission: record.submission,
      index: record.index,
      sanitised: { sha256: record.sanitised.sha256, bytes: record.sanitised.bytes },
      sealed: { sha256: record.sealed.sha256, bytes: record.sealed.bytes },
      original: { commitment: record.original.commitment },
      tools: record.tools.map((t) => ({ name: t.name, version: t.version, args: [...t.args] })),
      processedAt: record.processedAt,
    });
  }
  return entries;
}
