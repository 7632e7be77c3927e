// The production wiring of the pipeline's dependencies, shared by main.ts and the integration tests
// (which pass their own Redis key prefixes, store and scratch root).
import type { Redis } from 'ioredis';
import type { Sodium } from '../core/sodium.js';
import { nodeCipherFactory } from '../runtime/aead-node.js';
import type { BlobStore } from '../runtime/blob-store/types.js';
import type { Logger } from '../runtime/logger.js';
import { createProvenanceLog, createRedisLock, logSigner } from '../runtime/provenance-log/index.js';
import { deleteIntake, openIntakeEnvelope } from '../server/intake/intake-blobs.js';
import { getSubmissionRecord, markSubmissionDone } from '../server/intake/records.js';
import { readRosterFile, type WorkerKeys } from './keys.js';
import { type SanitizeDeps, sanitizeFile } from './media/index.js';
import { sniff } from './media/sniff.js';
import { statusOutcomes } from './outcomes.js';
import type { PipelineDeps } from './pipeline.js';
import { loadSealingRoster, ROSTER_SEEN_KEY, redisRosterHighWater } from './roster.js';

export interface WiringOptions {
  sodium: Sodium;
  keys: WorkerKeys;
  keysDir: string;
  store: BlobStore;
  redis: Redis;
  scratchRoot: string;
  logger: Logger;
  /** Prefix of the intake records in Redis (server/intake/records.ts); tests isolate with their own. */
  intakeKeyPrefix?: string;
  rosterSeenKey?: string;
  /** Redis key of the provenance log's sequencer lock (runtime/provenance-log/lock.ts). */
  logLockKey?: string;
  /** How long a processed submission's record (outcome codes) is kept; default 7 days. */
  statusRetentionSeconds?: number;
  sanitizeDeps?: SanitizeDeps;
  now?: () => Date;
}

export const DEFAULT_STATUS_RETENTION_SECONDS = 7 * 24 * 3600;

export function createPipelineDeps(options: WiringOptions): PipelineDeps {
  const { sodium, keys, keysDir, store, redis } = options;
  const records = options.intakeKeyPrefix !== undefined ? { keyPrefix: options.intakeKeyPrefix } : {};
  const highWater = redisRosterHighWater(redis, options.rosterSeenKey ?? ROSTER_SEEN_KEY);
  return {
    sodium,
    cipherFactory: nodeCipherFactory,
    store,
    intakeIdentity: keys.intakeIdentity,
    log: keys.log,
    loadRoster: () =>
      loadSealingRoster({
        sodium,
        orgPublicKey: keys.orgPublicKey,
        readRoster: () => readRosterFile(keysDir),
        highWater,
      }),
    getSubmission: async (id) => {
      const record = await getSubmissionRecord(redis, id, records);
      // Only a finalized submission is processed; an open one is still being uploaded.
      if (record === undefined || !record.closed) return undefined;
      return { fileCount: record.files.length, receivedAt: record.createdAt };
    },
    markDone: async (summary) => {
      await markSubmissionDone(
        redis,
        summary.submission,
        statusOutcomes(summary),
        options.statusRetentionSeconds ?? DEFAULT_STATUS_RETENTION_SECONDS,
        records,
      );
    },
    openIntake: (id, index) => openIntakeEnvelope(store, id, index),
    deleteIntake: (id) => deleteIntake(store, id),
    sanitize: (input) => sanitizeFile(input, options.sanitizeDeps),
    sniffType: async (path) => {
      try {
        return (await sniff(path)).mime;
      } catch {
        return undefined;
      }
    },
    scratchRoot: options.scratchRoot,
    provenanceLog: createProvenanceLog({
      store,
      lock: createRedisLock(redis, options.logLockKey !== undefined ? { key: options.logLockKey } : {}),
      sodium,
      signer: logSigner(sodium, keys.orgPublicKey, keys.log),
    }),
    now: options.now ?? (() => new Date()),
    logger: options.logger,
  };
}
