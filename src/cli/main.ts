#!/usr/bin/env node
/** The `tfjs-ddim` executable (package.json `bin`, built to dist/cli.js). */
import { runCli } from './program';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tfjs-ddim: error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
