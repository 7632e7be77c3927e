// The kua command line: commander wiring, and the one place errors become one line and an exit status.
// Exit status: 0 ok, 1 expected failure (`kua: <message>` on stderr), 2 usage error.
import { Command, CommanderError } from 'commander';
import { registerDecrypt } from './commands/decrypt.js';
import { registerInit } from './commands/init.js';
import { registerPull } from './commands/pull.js';
import { registerReviewer } from './commands/reviewer.js';
import { registerRoster } from './commands/roster.js';
import { registerVerify } from './commands/verify.js';
import { type CliIo, makeContext } from './context.js';
import { UsageError } from './errors.js';

export function buildProgram(io: CliIo): Command {
  const ctx = makeContext(io);
  const program = new Command('kua')
    .description(
      'Kuä keys: organisation keys, reviewer keys, the signed reviewer roster, and pulling, decrypting and verifying submissions',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) =>
        write(`kua: ${text.replace(/^error: /, '').trimEnd()} (see kua --help)\n`),
    })
    .helpCommand(false)
    .showSuggestionAfterError(true);
  registerInit(program, ctx);
  registerReviewer(program, ctx);
  registerRoster(program, ctx);
  registerPull(program, ctx);
  registerDecrypt(program, ctx);
  registerVerify(program, ctx);
  return program;
}

/** Node's system errors carry paths in their messages; say what happened without them. */
function describeSystemError(error: NodeJS.ErrnoException): string | undefined {
  switch (error.code) {
    case 'ENOENT':
      return 'file or directory not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'EISDIR':
      return 'expected a file but found a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return undefined;
  }
}

export function errorLine(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack) return `kua: ${error.stack}`;
  if (error instanceof Error) {
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno.errno === 'number' || typeof errno.syscall === 'string') {
      return `kua: ${describeSystemError(errno) ?? `system error ${errno.code ?? ''}`.trim()}`;
    }
    if (typeof (error as { code?: unknown }).code === 'string') return `kua: ${error.message}`;
    return `kua: unexpected ${error.name} (set KUA_DEBUG=1 for details)`;
  }
  return 'kua: unexpected failure (set KUA_DEBUG=1 for details)';
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.stderr.write(`${errorLine(error, io.env.KUA_DEBUG === '1')}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
