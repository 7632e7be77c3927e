// What every command needs from the outside world, passed in so commands stay testable.
import path from 'node:path';
import { defaultKeysDir } from './paths.js';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

export interface CliContext extends CliIo {
  /** One line to stdout. */
  out(line: string): void;
  /** One line to stderr (notes, never data). */
  note(line: string): void;
  keysDir(option: string | undefined): string;
}

export function makeContext(io: CliIo): CliContext {
  return {
    ...io,
    out: (line) => io.stdout.write(`${line}\n`),
    note: (line) => io.stderr.write(`${line}\n`),
    keysDir: (option) => (option !== undefined ? path.resolve(option) : defaultKeysDir(io.env)),
  };
}
