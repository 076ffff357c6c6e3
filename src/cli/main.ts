#!/usr/bin/env node
/**
 * The `tfjs-diffusion` executable, also installed as `tfjs-ddim` (package.json `bin`, built to
 * dist/cli.js). The same file runs the worker threads of `sample --workers N` (worker_pool.ts).
 */
import { runBatchWorker } from './batch_worker';
import { NAME, runCli } from './program';
import { isBatchWorker } from './worker_protocol';

if (isBatchWorker()) {
  void runBatchWorker();
} else {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${NAME}: error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
