// The environment variables each Kuä process reads. Every one is listed in README.md's table.
import { z } from 'zod';
import { host, logLevel, path, port, redisUrl, trustProxy } from './config.js';

export const DEFAULT_PORT = 8080;
export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_KEYS_DIR = './data/keys';

/** `npm start`: the launcher. REDIS_URL is optional here: without it a private redis-server is started. */
export const launcherSchema = z.object({
  PORT: port(DEFAULT_PORT),
  HOST: host('127.0.0.1'),
  REDIS_URL: redisUrl.optional(),
  DATA_DIR: path(DEFAULT_DATA_DIR),
  KUA_KEYS_DIR: path(DEFAULT_KEYS_DIR),
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: logLevel,
});

/** A whole number read from a string, within [min, max]. */
const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Intake limits (docs/API.md). Sizes in bytes, times in seconds. */
export const intakeLimitsShape = {
  UPLOAD_PART_BYTES: integer(4 * MiB, 64 * 1024, 64 * MiB),
  MAX_FILE_BYTES: integer(4 * GiB, 1, 2 ** 50),
  MAX_FILES: integer(20, 1, 1000),
  MAX_BYTES_IN_FLIGHT: integer(256 * MiB, 64 * 1024, 2 ** 40),
  DISK_RESERVE_BYTES: integer(GiB, 0, 2 ** 50),
  UPLOAD_EXPIRY_SECONDS: integer(86_400, 60, 90 * 86_400),
  SWEEP_INTERVAL_SECONDS: integer(300, 1, 86_400),
};

export const serverSchema = z.object({
  PORT: port(DEFAULT_PORT),
  HOST: host('127.0.0.1'),
  REDIS_URL: redisUrl,
  DATA_DIR: path(DEFAULT_DATA_DIR),
  KUA_KEYS_DIR: path(DEFAULT_KEYS_DIR),
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: logLevel,
  KUA_WEB_DIR: path('./dist/web'),
  ...intakeLimitsShape,
});

export const workerSchema = z.object({
  REDIS_URL: redisUrl,
  DATA_DIR: path(DEFAULT_DATA_DIR),
  KUA_KEYS_DIR: path(DEFAULT_KEYS_DIR),
  LOG_LEVEL: logLevel,
  WORKER_CONCURRENCY: z
    .string()
    .regex(/^\d{1,3}$/, 'expected a small positive integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(64))
    .default(1),
  /** How long a job's lock lasts without renewal; a worker that died loses its jobs after this. */
  WORKER_LOCK_DURATION_MS: integer(60_000, 1_000, 3_600_000),
  /** How often workers look for jobs whose lock expired (their worker died) and take them up again. */
  WORKER_STALLED_INTERVAL_MS: integer(30_000, 1_000, 3_600_000),
  /** How long a processed submission's status (per-file outcome codes) stays checkable. */
  STATUS_RETENTION_SECONDS: integer(7 * 86_400, 60, 365 * 86_400),
});

export type LauncherConfig = Readonly<z.infer<typeof launcherSchema>>;
export type ServerConfig = Readonly<z.infer<typeof serverSchema>>;
export type WorkerConfig = Readonly<z.infer<typeof workerSchema>>;
