// A tiny structured logger: one JSON object per line, only allowlisted fields, only primitive values.
// There is deliberately no way to pass a request, an error object or free-form metadata: whatever is not
// a listed field with a string/number/boolean value is dropped, so IPs, user agents, headers, file names
// and plaintext cannot reach a log by accident.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The only fields a log line may carry besides time, level, component and event. */
export const LOG_FIELDS = [
  'code',
  'status',
  'port',
  'pid',
  'signal',
  'exitCode',
  'queue',
  'jobName',
  'count',
  'durationMs',
  'attempt',
] as const;
export type LogField = (typeof LOG_FIELDS)[number];
export type LogFields = Partial<Record<LogField, string | number | boolean>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(component: string): Logger;
}

export type LogSink = (line: string) => void;

const ALLOWED = new Set<string>(LOG_FIELDS);
const EVENT = /^[a-z][a-z0-9_.-]{0,63}$/;

export function createLogger(options: { level: LogLevel; component: string; sink?: LogSink }): Logger {
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const threshold = LOG_LEVELS.indexOf(options.level);
  const make = (component: string): Logger => {
    const write = (level: LogLevel, event: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const line: Record<string, string | number | boolean> = {
        time: new Date().toISOString(),
        level,
        component,
        event: EVENT.test(event) ? event : 'invalid_event_name',
      };
      if (fields !== null && typeof fields === 'object') {
        for (const [key, value] of Object.entries(fields)) {
          if (!ALLOWED.has(key)) continue;
          if (typeof value === 'string') line[key] = value.slice(0, 200);
          else if (typeof value === 'number' || typeof value === 'boolean') line[key] = value;
        }
      }
      sink(JSON.stringify(line));
    };
    return {
      debug: (e, f) => write('debug', e, f),
      info: (e, f) => write('info', e, f),
      warn: (e, f) => write('warn', e, f),
      error: (e, f) => write('error', e, f),
      child: (name) => make(`${component}.${name}`),
    };
  };
  return make(options.component);
}

/** The stable code of an error, if it has one; never its message (which may come from a library). */
export function errorCode(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
  }
  return 'UNKNOWN';
}
