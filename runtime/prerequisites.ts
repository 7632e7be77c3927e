// System tools npm cannot install. Checked before anything starts, with a one-line fix each.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KuaError } from './errors.js';

export class MissingPrerequisiteError extends KuaError {
  constructor(message: string) {
    super('PREREQUISITE_MISSING', message);
  }
}

/** Full path of an executable on PATH, or undefined. */
export function findExecutable(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const FIXES: Record<string, string> = {
  'redis-server':
    'redis-server not found: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to an existing Redis',
  ffmpeg:
    'ffmpeg not found: install it (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg)',
  ffprobe:
    'ffprobe not found: it ships with ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg)',
  flock:
    'flock not found: the worker locks its scratch directory with it (Debian/Ubuntu: sudo apt-get install util-linux; macOS: brew install flock)',
};

/** Throws for the first missing tool, with the one line that says how to get it. */
export function checkPrerequisites(options: { needRedisServer: boolean; pathEnv?: string }): void {
  const tools = [...(options.needRedisServer ? ['redis-server'] : []), 'ffmpeg', 'ffprobe', 'flock'];
  for (const tool of tools) {
    if (findExecutable(tool, options.pathEnv) === undefined) {
      throw new MissingPrerequisiteError(FIXES[tool] ?? `${tool} not found`);
    }
  }
}
