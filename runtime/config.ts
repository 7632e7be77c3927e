// Parse a process's environment once, with a zod schema, into a frozen typed object.
// A bad value fails naming the variable and what was expected, never echoing the value itself.
import { z } from 'zod';
import { KuaError } from './errors.js';

export class ConfigError extends KuaError {
  readonly variables: readonly string[];
  constructor(variables: readonly string[], details: readonly string[]) {
    super('CONFIG_INVALID', `Invalid configuration: ${details.join('; ')}`);
    this.variables = variables;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Variables whose empty value means "not set" (so `PORT= npm start` gets the default). */
function withoutEmpty(env: Env, names: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = env[name];
    out[name] = value === undefined || value.trim() === '' ? undefined : value;
  }
  return out;
}

export function parseEnv<S extends z.ZodObject>(schema: S, env: Env): Readonly<z.infer<S>> {
  const names = Object.keys(schema.shape);
  const result = schema.safeParse(withoutEmpty(env, names));
  if (result.success) return Object.freeze(result.data);
  const variables: string[] = [];
  const details: string[] = [];
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (!variables.includes(name)) variables.push(name);
    details.push(`${name}: ${describeIssue(issue)}`);
  }
  throw new ConfigError(variables, details);
}

// zod's own messages can quote the received value (e.g. invalid enum); build ours from the issue kind.
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? 'is required' : `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      // Our regexes carry their own message; zod's built-in formats (url) name only the format.
      return issue.format === 'regex' ? issue.message : `expected a valid ${issue.format}`;
    default:
      return 'invalid value';
  }
}

// Reusable variable schemas (all read from strings).

export const port = (fallback: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, 'expected a port number')
    .transform(Number)
    .pipe(z.number().int().min(0).max(65535))
    .default(fallback);

export const host = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, 'expected a host name or IP address')
    .default(fallback);

export const redisUrl = z.url({ protocol: /^rediss?$/ });

export const path = (fallback: string) => z.string().min(1).default(fallback);

export const logLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info');

export const flag = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1')
  .default(false);

/** Express `trust proxy`: off, or a number of trusted hops. Never "trust everything". */
export const trustProxy = z
  .string()
  .regex(/^(off|\d{1,2})$/, 'expected "off" or a number of proxy hops')
  .transform((v): false | number => (v === 'off' ? false : Number(v)))
  .default(false);
