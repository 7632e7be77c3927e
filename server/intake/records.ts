// Submission records in Redis: declared envelope sizes, part size, created/expiry times, closed and
// queued flags, and once processed the per-file outcome codes. Never names, notes, content or anything
// about the request. Open records carry a TTL equal to their expiry; finalizing removes it; the worker,
// once done, stores the outcomes and gives the record a TTL of the status retention period, so the
// witness's submission code stays checkable for a while (its intake parts are deleted at once).
import type { Redis } from 'ioredis';
import { type ProcessedFile, processedFileSchema } from '../../core/contracts/intake.js';

export const DEFAULT_INTAKE_KEY_PREFIX = 'kua:intake:';

export interface SubmissionRecord {
  id: string;
  /** Declared envelope length of each file, by index. */
  files: number[];
  partBytes: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number;
  /** Finalized: no more parts accepted. */
  closed: boolean;
  /** The processing job has been added to the queue. */
  queued: boolean;
  /** Set by the worker once processed: each file's outcome, by index (codes only). */
  outcomes?: ProcessedFile[];
}

export interface RecordOptions {
  keyPrefix?: string;
}

const recordKey = (id: string, options?: RecordOptions) =>
  `${options?.keyPrefix ?? DEFAULT_INTAKE_KEY_PREFIX}submission:${id}`;

const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'files', ARGV[1], 'partBytes', ARGV[2], 'createdAt', ARGV[3], 'expiresAt', ARGV[4], 'closed', '0', 'queued', '0')
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return 1`;

/** Stores a new open record with a TTL up to its expiry. Throws if the id is already taken. */
export async function createSubmissionRecord(
  redis: Redis,
  record: Omit<SubmissionRecord, 'closed' | 'queued'>,
  options?: RecordOptions,
): Promise<void> {
  const created = await redis.eval(
    CREATE_SCRIPT,
    1,
    recordKey(record.id, options),
    record.files.join(','),
    String(record.partBytes),
    String(record.createdAt),
    String(record.expiresAt),
  );
  if (created !== 1) throw new Error('submission id collision');
}

function parse(id: string, hash: Record<string, string>): SubmissionRecord | undefined {
  const numbers = (value: string | undefined) =>
    value === undefined || value === '' ? [] : value.split(',').map(Number);
  const files = numbers(hash.files);
  const partBytes = Number(hash.partBytes);
  const createdAt = Number(hash.createdAt);
  const expiresAt = Number(hash.expiresAt);
  if (
    files.length === 0 ||
    !files.every((n) => Number.isSafeInteger(n) && n >= 0) ||
    !Number.isSafeInteger(partBytes) ||
    partBytes <= 0 ||
    !Number.isSafeInteger(createdAt) ||
    !Number.isSafeInteger(expiresAt)
  ) {
    return undefined;
  }
  const outcomes = parseOutcomes(hash.outcomes, files.length);
  return {
    id,
    files,
    partBytes,
    createdAt,
    expiresAt,
    closed: hash.closed === '1',
    queued: hash.queued === '1',
    ...(outcomes !== undefined ? { outcomes } : {}),
  };
}

/** The stored outcomes if present and well-formed (one per file), else undefined. */
function parseOutcomes(value: string | undefined, fileCount: number): ProcessedFile[] | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const result = processedFileSchema.array().length(fileCount).safeParse(parsed);
  return result.success ? result.data : undefined;
}

/** The record of submission `id`, or undefined if there is none (never created, expired or deleted). */
export async function getSubmissionRecord(
  redis: Redis,
  id: string,
  options?: RecordOptions,
): Promise<SubmissionRecord | undefined> {
  if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
  const hash = await redis.hgetall(recordKey(id, options));
  return parse(id, hash);
}

// Close only an existing record, and make it permanent in the same step (no TTL race with expiry).
const CLOSE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'closed', '1')
redis.call('PERSIST', KEYS[1])
return 1`;

/** Marks the submission finalized; false if the record no longer exists. */
export async function closeSubmissionRecord(
  redis: Redis,
  id: string,
  options?: RecordOptions,
): Promise<boolean> {
  return (await redis.eval(CLOSE_SCRIPT, 1, recordKey(id, options))) === 1;
}

const QUEUED_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'queued', '1')
return 1`;

export async function markSubmissionQueued(
  redis: Redis,
  id: string,
  options?: RecordOptions,
): Promise<boolean> {
  return (await redis.eval(QUEUED_SCRIPT, 1, recordKey(id, options))) === 1;
}

const DELETE_IF_OPEN_SCRIPT = `
if redis.call('HGET', KEYS[1], 'closed') == '0' then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Deletes the record only if it is still open (the sweeper's expiry path); true if deleted. */
export async function deleteOpenSubmissionRecord(
  redis: Redis,
  id: string,
  options?: RecordOptions,
): Promise<boolean> {
  return (await redis.eval(DELETE_IF_OPEN_SCRIPT, 1, recordKey(id, options))) === 1;
}

const DONE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'outcomes', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * Marks a processed submission done: stores each file's outcome (codes only) and keeps the record for
 * `retentionSeconds` more, then Redis deletes it. False if the record no longer exists.
 */
export async function markSubmissionDone(
  redis: Redis,
  id: string,
  outcomes: readonly ProcessedFile[],
  retentionSeconds: number,
  options?: RecordOptions,
): Promise<boolean> {
  const checked = processedFileSchema.array().parse(outcomes);
  if (!Number.isSafeInteger(retentionSeconds) || retentionSeconds < 1)
    throw new RangeError('retention must be a positive whole number of seconds');
  const key = recordKey(id, options);
  return (await redis.eval(DONE_SCRIPT, 1, key, JSON.stringify(checked), String(retentionSeconds))) === 1;
}

/** Deletes the record whatever its state (tests and operators; the worker keeps it, see markSubmissionDone). */
export async function deleteSubmissionRecord(
  redis: Redis,
  id: string,
  options?: RecordOptions,
): Promise<void> {
  await redis.del(recordKey(id, options));
}
