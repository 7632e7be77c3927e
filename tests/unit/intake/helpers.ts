import { parseEnv } from '../../../runtime/config.js';
import { serverSchema } from '../../../runtime/config-schemas.js';

export function parseConfigHelper(env: Record<string, string>) {
  return parseEnv(serverSchema, { REDIS_URL: 'redis://127.0.0.1:1', ...env });
}
