// Child processes of the launcher: each in its own process group (so a terminal's Ctrl-C reaches only
// the launcher, which then stops them in order), with an IPC channel (so a child notices if the launcher
// dies and shuts itself down).
import { type ChildProcess, spawn } from 'node:child_process';
import { KuaError } from './errors.js';

export class ChildStartError extends KuaError {
  constructor(message: string) {
    super('CHILD_START_FAILED', message);
  }
}

export interface ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves when the child has exited, with its code (null if killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after timeoutMs. Resolves once the child is gone. */
  stop(timeoutMs: number): Promise<void>;
}

export function startNodeChild(options: {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
}): ManagedChild {
  const child = spawn(process.execPath, [options.script], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    name: options.name,
    process: child,
    pid: child.pid ?? -1,
    exited,
    stop: async (timeoutMs) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Waits for the child's first IPC message of the given type; rejects if it exits or times out first. */
export function waitForMessage<T extends { type: string }>(
  child: ManagedChild,
  type: T['type'],
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new ChildStartError(`${child.name} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      if (message !== null && typeof message === 'object' && (message as { type?: unknown }).type === type) {
        cleanup();
        resolve(message as T);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new ChildStartError(`${child.name} exited during start-up (code ${code})`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
    };
    child.process.on('message', onMessage);
    child.process.once('exit', onExit);
  });
}
