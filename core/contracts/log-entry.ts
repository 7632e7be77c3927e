// The entries of the provenance log (docs/LOG.md): what the portal received, what it produced, and
// every roster change. Platform-neutral: the worker appends, the server serves, `kua` and the verify
// page check. Leaf data = UTF-8("kua/v1 log entry\n" || canonical JSON of the entry) (record.ts's JCS).
//
// Nothing here may identify a witness: no original plain hash (only the salted commitment the record
// already carries), no original or intake size, no names, no request origins. The witness's note is
// never logged as sanitised (its "sanitised" form is the note itself, i.e. its plain hash).
import { z } from 'zod';
import { utf8 } from '../bytes.js';
import { submissionIdSchema } from './jobs.js';
import { canonicalJson, type ProvenanceRecord } from './record.js';

export const LOG_ENTRY_DOMAIN = 'kua/v1 log entry\n';
export const LOG_ENTRY_VERSION = 1;

const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const text = z.string().regex(WELL_FORMED);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const hex32 = z.string().regex(/^[0-9a-f]{32}$/);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const digest = z.strictObject({ sha256: hex64, bytes: count });

/**
 * The portal received file `index` of a submission: a commitment to the intake ciphertext (its hash
 * only: the envelope's length follows from the original's length and name, which a seized phone holds).
 */
export const receivedEntrySchema = z.strictObject({
  v: z.literal(LOG_ENTRY_VERSION),
  kind: z.literal('received'),
  submission: submissionIdSchema,
  index: count,
  intake: z.strictObject({ sha256: hex64 }),
  receivedAt: isoTime,
});

/** The worker produced a sanitised file from it and sealed it to reviewers. */
export const sanitisedEntrySchema = z.strictObject({
  v: z.literal(LOG_ENTRY_VERSION),
  kind: z.literal('sanitised'),
  submission: submissionIdSchema,
  index: count,
  /** The sanitised plaintext reviewers decrypt (what they may publish). */
  sanitised: digest,
  /** The envelope sealed to reviewers. */
  sealed: digest,
  /** SHA-256(salt || original): the salt is sealed to reviewers; never the original's plain hash. */
  original: z.strictObject({ commitment: hex64 }),
  tools: z
    .array(
      z.strictObject({ name: text.max(100), version: text.max(200), args: z.array(text.max(4096)).max(200) }),
    )
    .max(100),
  processedAt: isoTime,
});

/** The roster the worker seals to changed: reviewer key fingerprints added and removed. */
export const rosterEntrySchema = z.strictObject({
  v: z.literal(LOG_ENTRY_VERSION),
  kind: z.literal('roster'),
  version: count,
  added: z.array(hex32).max(10_000),
  removed: z.array(hex32).max(10_000),
});

export const logEntrySchema = z.discriminatedUnion('kind', [
  receivedEntrySchema,
  sanitisedEntrySchema,
  rosterEntrySchema,
]);
export type ReceivedEntry = z.infer<typeof receivedEntrySchema>;
export type SanitisedEntry = z.infer<typeof sanitisedEntrySchema>;
export type RosterEntry = z.infer<typeof rosterEntrySchema>;
export type LogEntry = z.infer<typeof logEntrySchema>;

export class LogEntryFormatError extends Error {
  readonly code = 'LOG_ENTRY_MALFORMED';
  constructor() {
    super('malformed provenance log entry');
    this.name = 'LogEntryFormatError';
  }
}

/** The entry's deterministic id: appending the same id twice yields the same index. */
export function logEntryId(entry: LogEntry): string {
  if (entry.kind === 'roster') return `roster:${entry.version}`;
  return `${entry.kind}:${entry.submission}:${entry.index}`;
}

/** Validates an entry (throws LogEntryFormatError) and returns it without unknown fields. */
export function checkLogEntry(value: unknown): LogEntry {
  const parsed = logEntrySchema.safeParse(value);
  if (!parsed.success) throw new LogEntryFormatError();
  return parsed.data;
}

/** The stored form of an entry: its canonical JSON. */
export function serializeLogEntry(entry: LogEntry): string {
  return canonicalJson(checkLogEntry(entry));
}

/** Parses a stored entry (canonical JSON text); throws LogEntryFormatError if it is not one. */
export function parseLogEntry(input: string): LogEntry {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    throw new LogEntryFormatError();
  }
  const entry = checkLogEntry(value);
  if (canonicalJson(entry) !== input) throw new LogEntryFormatError();
  return entry;
}

/** The Merkle leaf data of an entry: UTF-8 of the domain line and the canonical JSON. */
export function encodeLogEntry(entry: LogEntry): Uint8Array {
  return utf8(LOG_ENTRY_DOMAIN + serializeLogEntry(entry));
}

/** The hex digests an entry can be looked up by (GET /api/log/entries?sanitised=|sealed=|intake=). */
export function logEntryDigests(
  entry: LogEntry,
): { field: 'intake' | 'sanitised' | 'sealed'; sha256: string }[] {
  if (entry.kind === 'received') return [{ field: 'intake', sha256: entry.intake.sha256 }];
  if (entry.kind === 'sanitised')
    return [
      { field: 'sanitised', sha256: entry.sanitised.sha256 },
      { field: 'sealed', sha256: entry.sealed.sha256 },
    ];
  return [];
}

/** A log entry as the API returns it: its index in the log and the entry. */
export interface IndexedLogEntry {
  index: number;
  entry: LogEntry;
}

// The public log API's responses (docs/API.md, "Provenance log API"). Hashes are base64, as in
// checkpoints; `size` is always a tree size some signed checkpoint covers.

/** GET /api/log/entries?sanitised=|sealed=|intake=<hex> and GET /api/log/entries/<index>. */
export const logEntriesResponseSchema = z.strictObject({
  /** The published tree size the lookup was answered against. */
  size: count,
  entries: z.array(z.strictObject({ index: count, entry: logEntrySchema })).max(10_000),
});
export type LogEntriesResponse = z.infer<typeof logEntriesResponseSchema>;

const base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

/** GET /api/log/proof/inclusion?index=&size= */
export const inclusionProofResponseSchema = z.strictObject({
  index: count,
  size: count,
  proof: z.array(base64Hash).max(64),
});
export type InclusionProofResponse = z.infer<typeof inclusionProofResponseSchema>;

/** GET /api/log/proof/consistency?from=&to= */
export const consistencyProofResponseSchema = z.strictObject({
  from: count,
  to: count,
  proof: z.array(base64Hash).max(128),
});
export type ConsistencyProofResponse = z.infer<typeof consistencyProofResponseSchema>;

/**
 * The entries the worker logs for one signed record, and so the ones a verifier expects to find:
 * derived from the record alone, so a rerun after a crash appends exactly the same entries. Every
 * file gets `received` (the intake ciphertext's digest); every sealed file except a note gets
 * `sanitised` (sanitised file, sealed envelope, tools, the salted commitment to the original — never
 * its plain hash or size). A note is released as typed, so its sanitised hash would be the plain hash
 * of what the witness wrote, which a seized phone may still hold.
 */
export function logEntriesForRecord(record: ProvenanceRecord): LogEntry[] {
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
