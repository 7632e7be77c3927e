// Docker cannot run here: prove instead that everything the Dockerfile and compose.yaml name exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { launcherSchema, serverSchema, workerSchema } from '../../../runtime/config-schemas.js';

const repo = join(import.meta.dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(repo, path), 'utf8');

interface Instruction {
  op: string;
  args: string;
}

function dockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** `node dist/x/y.js` must be built from `x/y.ts` (and, once built, exist in dist/). */
function expectNodeEntryPoint(command: readonly string[]) {
  expect(command[0]).toBe('node');
  const script = command[1] ?? '';
  expect(script).toMatch(/^dist\/.+\.js$/);
  const source = script.replace(/^dist\//, '').replace(/\.js$/, '.ts');
  expect(existsSync(join(repo, source))).toBe(true);
  if (existsSync(join(repo, 'dist'))) expect(existsSync(join(repo, script))).toBe(true);
}

describe('Dockerfile', () => {
  const steps = dockerfile(read('Dockerfile'));

  it('is multi-stage with a non-root runtime stage and no dev dependencies', () => {
    const froms = steps.filter((s) => s.op === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const runtimeStart = steps.lastIndexOf(froms.at(-1) as Instruction);
    const runtime = steps.slice(runtimeStart);
    expect(froms.at(-1)?.args).toMatch(/^node:\d+-bookworm-slim\b/);
    const user = runtime.filter((s) => s.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)$/);
    const runs = runtime
      .filter((s) => s.op === 'RUN')
      .map((s) => s.args)
      .join('\n');
    expect(runs).not.toMatch(/npm (ci|install)(?![^\n]*--omit=dev)/);
    expect(runs).toContain('ffmpeg');
    const build = steps
      .slice(0, runtimeStart)
      .filter((s) => s.op === 'RUN')
      .map((s) => s.args)
      .join('\n');
    expect(build).toContain('npm prune --omit=dev');
  });

  it('copies only paths that exist in the repo', () => {
    const copies = steps.filter((s) => s.op === 'COPY' && !s.args.startsWith('--from'));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        expect([source, existsSync(join(repo, source))]).toEqual([source, true]);
      }
    }
    for (const source of ['scripts/build.mjs', 'tsconfig.build.json', 'package-lock.json']) {
      expect(statSync(join(repo, source)).isFile()).toBe(true);
    }
  });

  it('runs the server by default', () => {
    const cmd = steps.filter((s) => s.op === 'CMD').at(-1)?.args ?? '';
    expectNodeEntryPoint(JSON.parse(cmd) as string[]);
  });

  it('keeps secrets and local data out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const path of ['.git', 'node_modules', 'dist', 'data', 'secrets']) expect(ignored).toContain(path);
  });
});

describe('compose.yaml', () => {
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked field by field below
  const compose = parse(read('compose.yaml'), { merge: true }) as any;
  const services = compose.services as Record<string, Record<string, unknown>>;
  const field = (service: string, key: string): unknown => services[service]?.[key];

  it('has redis, server and worker', () => {
    expect(Object.keys(services).sort()).toEqual(['redis', 'server', 'worker']);
  });

  it('runs Redis with AOF, noeviction and a password', () => {
    const command = (field('redis', 'command') as string[]).join(' ');
    expect(command).toMatch(/^redis-server /);
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync everysec');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toMatch(/--requirepass \$\{REDIS_PASSWORD/);
    expect(services.redis?.ports).toBeUndefined();
  });

  it('builds from the Dockerfile and runs existing entry points', () => {
    const build = services.server?.build as { context: string; dockerfile: string };
    expect(existsSync(join(repo, build.context, build.dockerfile))).toBe(true);
    expect(services.worker?.image).toBe(services.server?.image);
    expectNodeEntryPoint(services.server?.command as string[]);
    expectNodeEntryPoint(services.worker?.command as string[]);
  });

  it('publishes only the server; the worker sits on an internal network only', () => {
    expect(services.server?.ports).toBeDefined();
    expect(services.worker?.ports).toBeUndefined();
    const workerNets = services.worker?.networks as string[];
    expect(workerNets.length).toBeGreaterThan(0);
    for (const net of workerNets) expect(compose.networks[net]?.internal).toBe(true);
    for (const net of field('redis', 'networks') as string[])
      expect(compose.networks[net]?.internal).toBe(true);
  });

  it('uses declared named volumes for data and secrets', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes as string[] | undefined) ?? []) {
        const source = volume.split(':')[0] as string;
        expect([name, source, source in compose.volumes]).toEqual([name, source, true]);
      }
    }
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['kua-data', 'kua-secrets', 'redis-data']),
    );
  });

  it('sets only variables the processes know (same names as the README table)', () => {
    const known = { server: Object.keys(serverSchema.shape), worker: Object.keys(workerSchema.shape) };
    for (const name of ['server', 'worker'] as const) {
      for (const variable of Object.keys(services[name]?.environment as object)) {
        expect([name, variable, known[name].includes(variable)]).toEqual([name, variable, true]);
      }
    }
  });
});

describe('README configuration table', () => {
  it('documents every variable every process reads', () => {
    const readme = read('README.md');
    const all = new Set([
      ...Object.keys(launcherSchema.shape),
      ...Object.keys(serverSchema.shape),
      ...Object.keys(workerSchema.shape),
    ]);
    for (const variable of all) {
      expect([variable, new RegExp(`^\\|\\s*\`${variable}\`\\s*\\|`, 'm').test(readme)]).toEqual([
        variable,
        true,
      ]);
    }
  });
});

describe('.ci/run', () => {
  const script = read('.ci/run');

  it('is an executable, syntactically valid, strict bash script', () => {
    expect(statSync(join(repo, '.ci/run')).mode & 0o111).not.toBe(0);
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('set -euo pipefail');
    expect(spawnSync('bash', ['-n', join(repo, '.ci/run')]).status).toBe(0);
  });

  it('installs what the tests need, then runs the README commands', () => {
    for (const pkg of ['redis-server', 'ffmpeg', 'libimage-exiftool-perl', 'chromium'])
      expect(script).toContain(pkg);
    expect(script).toContain('--no-install-recommends');
    const commands = script.split('\n').filter((l) => /^npm /.test(l));
    expect(commands).toEqual(['npm ci', 'npm run typecheck', 'npm run lint', 'npm test']);
    const readme = read('README.md');
    for (const command of commands) expect(readme).toContain(command);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['typecheck', 'lint', 'test', 'start']) expect(scripts[name]).toBeDefined();
    expect(scripts.typecheck).toContain('web/tsconfig.json');
  });
});
