// Process edges shared by every entry point: fatal start-up errors as one line, and graceful shutdown
// on SIGINT/SIGTERM or when the parent launcher goes away (its IPC channel closes).
import { ConfigError } from './config.js';
import { KuaError } from './errors.js';

/** Prints one safe line for a start-up failure and exits non-zero. Unknown errors print only their code. */
export function exitOnStartupError(program: string, error: unknown): never {
  if (error instanceof ConfigError || error instanceof KuaError) {
    process.stderr.write(`${program}: ${error.message}\n`);
  } else {
    const code =
      error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : 'UNKNOWN';
    process.stderr.write(`${program}: failed to start (${code})\n`);
  }
  process.exit(1);
}

/**
 * Calls `shutdown` once on the first SIGINT/SIGTERM or parent disconnect; later signals are ignored
 * (a terminal's Ctrl-C can arrive twice: once directly, once forwarded by npm).
 */
export function onShutdown(shutdown: (reason: string) => Promise<void>): void {
  let started = false;
  const trigger = (reason: string) => {
    if (started) return;
    started = true;
    shutdown(reason).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => trigger('SIGINT'));
  process.on('SIGTERM', () => trigger('SIGTERM'));
  if (process.send !== undefined) process.on('disconnect', () => trigger('disconnect'));
}

/** Tells the parent launcher (if any) something over IPC; a no-op when run standalone. */
export function notifyParent(message: { type: 'listening'; port: number } | { type: 'ready' }): void {
  process.send?.(message);
}
