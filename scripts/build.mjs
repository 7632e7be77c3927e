#!/usr/bin/env node
// Build everything `npm start` and `npm test` run, in seconds:
//  1. tsc -p tsconfig.build.json → dist/ (incremental: unchanged sources are not re-emitted, so a
//     rebuild while tests run `node dist/...` does not rewrite files under their feet);
//  2. esbuild bundles each web/*.ts entry point for the browser into dist/web/, and copies the page's
//     static files there. Outputs are written only when their bytes change.
// Plain JavaScript because it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const webSrc = join(root, 'web');
const webOut = join(dist, 'web');

function writeIfChanged(path, bytes) {
  if (existsSync(path)) {
    const current = readFileSync(path);
    if (Buffer.compare(current, Buffer.from(bytes)) === 0) return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

const tsc = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(root, 'tsconfig.build.json'),
    '--incremental',
    '--tsBuildInfoFile',
    join(dist, '.tsbuildinfo'),
  ],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) {
  process.stderr.write('build: TypeScript compilation failed\n');
  process.exit(tsc.status ?? 1);
}

const entryPoints = readdirSync(webSrc)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts'))
  .map((name) => join(webSrc, name));
const bundle = await esbuild.build({
  entryPoints,
  outdir: webOut,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  write: false,
  logLevel: 'warning',
});
for (const file of bundle.outputFiles) writeIfChanged(file.path, file.contents);

const STATIC = /\.(html|css|svg|png|ico|webmanifest|json|txt|woff2)$/;
for (const name of readdirSync(webSrc)) {
  if (name === 'tsconfig.json' || !STATIC.test(name)) continue;
  writeIfChanged(join(webOut, name), readFileSync(join(webSrc, name)));
}

const cli = join(dist, 'keys', 'cli.js');
if (existsSync(cli)) chmodSync(cli, 0o755);
process.stdout.write(`build: ok (${relative(process.cwd(), dist) || 'dist'})\n`);
