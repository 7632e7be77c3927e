import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  checkPrerequisites,
  findExecutable,
  MissingPrerequisiteError,
} from '../../../runtime/prerequisites.js';

const dir = mkdtempSync(join(tmpdir(), 'kua-path-'));
function fakeTool(name: string) {
  writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, name), 0o755);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prerequisites', () => {
  it('finds executables on PATH only', () => {
    expect(findExecutable('definitely-not-a-tool-kua', dir)).toBeUndefined();
    fakeTool('kua-fake');
    expect(findExecutable('kua-fake', dir)).toBe(join(dir, 'kua-fake'));
  });

  it('names the missing tool with a one-line install hint', () => {
    const run = () => checkPrerequisites({ needRedisServer: true, pathEnv: dir });
    expect(run).toThrow(MissingPrerequisiteError);
    expect(run).toThrow(
      /^redis-server not found: .*apt-get install redis-server.*brew install redis.*REDIS_URL/,
    );
    fakeTool('redis-server');
    expect(run).toThrow(/^ffmpeg not found: .*apt-get install ffmpeg/);
    fakeTool('ffmpeg');
    expect(run).toThrow(/^ffprobe not found/);
    fakeTool('ffprobe');
    expect(run).toThrow(/^flock not found: .*apt-get install util-linux/);
    fakeTool('flock');
    expect(run).not.toThrow();
  });

  it('does not need redis-server when REDIS_URL is given', () => {
    const only = mkdtempSync(join(tmpdir(), 'kua-path-'));
    try {
      for (const t of ['ffmpeg', 'ffprobe', 'flock']) {
        writeFileSync(join(only, t), '#!/bin/sh\n');
        chmodSync(join(only, t), 0o755);
      }
      expect(() => checkPrerequisites({ needRedisServer: false, pathEnv: only })).not.toThrow();
      expect(() => checkPrerequisites({ needRedisServer: true, pathEnv: only })).toThrow(/redis-server/);
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });
});
