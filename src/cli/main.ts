#!/usr/bin/env node
/** The `tfjs-diffusion` executable, also installed as `tfjs-ddim` (package.json `bin`, built to dist/cli.js). */
import { NAME, runCli } from './program';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${NAME}: error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
