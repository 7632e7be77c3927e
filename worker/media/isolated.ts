// Runs one decoder/encoder/reader in its own process group under prlimit (CPU time, memory, output
// file size, no core dumps), with a minimal environment (no secrets, no Kuä variables) and a wall-clock
// timeout after which the whole group is killed. Spawned with an argument array: never a shell.
import { spawn } from 'node:child_process';
import { TransientMediaError } from './errors.js';
import type { ProcessLimits } from './types.js';

export type MemoryLimitKind = 'as' | 'data';

export interface RunOptions {
  limits: ProcessLimits;
  /** 'as' (address space) for native tools; 'data' for Node children, whose V8 and WebAssembly reserve large inaccessible address ranges. */
  memoryKind: MemoryLimitKind;
  cwd?: string;
  /** TMPDIR for the child: the scratch directory, so no decoder spills plaintext pixels to /tmp. */
  tmpDir?: string;
  /** Cap on captured stdout; the process is killed past it. */
  maxStdoutBytes?: number;
  /**
   * Give the child a stdin pipe that is never written to: it reaches end-of-file when the worker dies
   * (even by SIGKILL), so a child that watches its stdin (the image child does) exits with it.
   */
  stdinLifeline?: boolean;
  /** Called with the pid right after spawn (the bench samples /proc/<pid>/status VmHWM). */
  onSpawn?: (pid: number) => void;
}

export interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** Last few KiB of stderr, for classification only: never logged, may mention content. */
  stderr: string;
  timedOut: boolean;
  stdoutOverflow: boolean;
}

const CHILD_ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
const TRANSIENT_SPAWN_CODES = new Set(['EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM']);

export function prlimitArgs(limits: ProcessLimits, memoryKind: MemoryLimitKind): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  return [
    `--cpu=${cpu}:${cpu + 1}`,
    `--${memoryKind}=${Math.floor(limits.memoryBytes)}`,
    `--fsize=${Math.floor(limits.outputBytes)}`,
    '--core=0',
    '--',
  ];
}

export function runLimited(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunOutcome> {
  const maxStdout = options.maxStdoutBytes ?? 32 * 1024 * 1024;
  return new Promise<RunOutcome>((resolve, reject) => {
    const child = spawn('prlimit', [...prlimitArgs(options.limits, options.memoryKind), command, ...args], {
      cwd: options.cwd,
      env: options.tmpDir ? { ...CHILD_ENV, TMPDIR: options.tmpDir } : CHILD_ENV,
      stdio: [options.stdinLifeline ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutOverflow = false;
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.limits.wallMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        stdoutOverflow = true;
        killGroup();
        return;
      }
      chunks.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8192);
    });
    child.once('spawn', () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error.code !== undefined && TRANSIENT_SPAWN_CODES.has(error.code)) {
        reject(new TransientMediaError(`Could not start a media tool (${error.code})`, { cause: error }));
      } else {
        reject(
          new TransientMediaError(`Could not start a media tool (${error.code ?? 'unknown'})`, {
            cause: error,
          }),
        );
      }
    });
    child.stdin?.on('error', () => {
      // The child closed its end; nothing to do.
    });
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The tool may have left children of its own in the group: make sure none outlive it.
      killGroup();
      resolve({ code, signal, stdout: Buffer.concat(chunks), stderr, timedOut, stdoutOverflow });
    });
  });
}
