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

export const serverSchema = z.object({
  PORT: port(DEFAULT_PORT),
  HOST: host('127.0.0.1'),
  REDIS_URL: redisUrl,
  DATA_DIR: path(DEFAULT_DATA_DIR),
  KUA_KEYS_DIR: path(DEFAULT_KEYS_DIR),
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: logLevel,
  KUA_WEB_DIR: path('./dist/web'),
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
});

export type LauncherConfig = Readonly<z.infer<typeof launcherSchema>>;
export type ServerConfig = Readonly<z.infer<typeof serverSchema>>;
export type WorkerConfig = Readonly<z.infer<typeof workerSchema>>;
