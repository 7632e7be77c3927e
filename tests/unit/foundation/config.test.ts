import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseEnv } from '../../../runtime/config.js';
import { launcherSchema, serverSchema, workerSchema } from '../../../runtime/config-schemas.js';

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('applies defaults and freezes the result', () => {
    const config = parseEnv(launcherSchema, {});
    expect(config).toEqual({
      PORT: 8080,
      HOST: '127.0.0.1',
      REDIS_URL: undefined,
      DATA_DIR: './data',
      KUA_KEYS_DIR: './data/keys',
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses valid values into typed ones', () => {
    const config = parseEnv(serverSchema, {
      PORT: '0',
      REDIS_URL: 'redis://:pw@127.0.0.1:6379',
      TRUST_PROXY: '1',
      LOG_LEVEL: 'debug',
    });
    expect(config.PORT).toBe(0);
    expect(config.TRUST_PROXY).toBe(1);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(
      parseEnv(workerSchema, { REDIS_URL: 'rediss://h:1', WORKER_CONCURRENCY: '4' }).WORKER_CONCURRENCY,
    ).toBe(4);
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv(launcherSchema, { PORT: '', HOST: ' ' }).PORT).toBe(8080);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['HOST', 'evil host;rm'],
    ['LOG_LEVEL', 'verbose-secret-value'],
    ['TRUST_PROXY', 'true'],
    ['REDIS_URL', 'http://user:s3cret-value@host'],
  ])('rejects %s=%s naming the variable, never the value', (name, value) => {
    const error = failure(() => parseEnv(launcherSchema, { [name]: value }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.variables).toEqual([name]);
    expect(error.message).toContain(name);
    expect(error.message).not.toContain(value);
  });

  it('requires REDIS_URL for server and worker', () => {
    expect(failure(() => parseEnv(serverSchema, {})).variables).toEqual(['REDIS_URL']);
    expect(failure(() => parseEnv(serverSchema, {})).message).toBe(
      'Invalid configuration: REDIS_URL: is required',
    );
    expect(failure(() => parseEnv(workerSchema, {})).variables).toEqual(['REDIS_URL']);
  });

  it('reports every bad variable at once', () => {
    const error = failure(() => parseEnv(launcherSchema, { PORT: 'x', LOG_LEVEL: 'y' }));
    expect([...error.variables].sort()).toEqual(['LOG_LEVEL', 'PORT']);
  });
});
