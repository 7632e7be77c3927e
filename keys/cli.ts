#!/usr/bin/env node
// Entry point of the `kua` command (package bin: dist/keys/cli.js).
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  now: () => new Date(),
});
