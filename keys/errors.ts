// Expected failures of the kua CLI and its library functions: one clear line, a stable code.
// KuaError is the project-wide base (runtime/errors.ts); messages never contain key bytes,
// passphrases or file contents.
import { KuaError } from '../runtime/errors.js';

export { KuaError };

/** A mistake in how the command was called (exit status 2). */
export class UsageError extends KuaError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
