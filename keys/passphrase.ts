// Where passphrases come from: --passphrase-file FILE, else env KUA_PASSPHRASE, else a hidden prompt
// on the terminal. Never from argv (shell history, ps).
import { readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { KuaError } from './errors.js';

export interface PassphraseInput {
  /** Value of --passphrase-file, if given. */
  readonly file?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WritableStream;
  /** Ask twice and require a match (creating a key file). */
  readonly confirm: boolean;
}

export class PassphraseError extends KuaError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

function nonEmpty(passphrase: string, source: string): string {
  if (passphrase.length === 0)
    throw new PassphraseError('PASSPHRASE_EMPTY', `the passphrase from ${source} is empty`);
  return passphrase;
}

export async function readPassphraseFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PassphraseError('PASSPHRASE_FILE', 'passphrase file not found');
    if (code === 'EACCES') throw new PassphraseError('PASSPHRASE_FILE', 'passphrase file is not readable');
    throw error;
  }
  // One trailing line break (as left by editors and `echo`) is not part of the passphrase.
  return nonEmpty(text.replace(/\r?\n$/, ''), '--passphrase-file');
}

export async function getPassphrase(input: PassphraseInput): Promise<string> {
  if (input.file !== undefined) return readPassphraseFile(input.file);
  const fromEnv = input.env.KUA_PASSPHRASE;
  if (fromEnv !== undefined) return nonEmpty(fromEnv, 'KUA_PASSPHRASE');
  if (!input.stdin.isTTY) {
    throw new PassphraseError(
      'PASSPHRASE_MISSING',
      'no passphrase: use --passphrase-file FILE or set KUA_PASSPHRASE (no terminal to prompt on)',
    );
  }
  const first = nonEmpty(await promptHidden(input.stdin, input.stderr, 'Passphrase: '), 'the prompt');
  if (!input.confirm) return first;
  const second = await promptHidden(input.stdin, input.stderr, 'Repeat passphrase: ');
  if (first !== second) throw new PassphraseError('PASSPHRASE_MISMATCH', 'the passphrases do not match');
  return first;
}

/** Reads one line from a TTY without echoing it. Ctrl-C or Ctrl-D cancel. */
export function promptHidden(
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WritableStream,
  prompt: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    const decoder = new StringDecoder('utf8'); // a character may arrive split across chunks
    const wasRaw = stdin.isRaw;
    const finish = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of typeof chunk === 'string' ? chunk : decoder.write(chunk)) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') {
          return finish(new PassphraseError('PASSPHRASE_CANCELLED', 'cancelled'));
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.setRawMode(true); // before the prompt, so nothing typed after it is ever echoed
    stderr.write(prompt);
    stdin.resume();
    stdin.on('data', onData);
  });
}
