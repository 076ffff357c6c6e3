/**
 * The tfjs backends the command line can run on, each imported when asked for: cpu comes with
 * `@tensorflow/tfjs`; wasm, tensorflow (tfjs-node) and webgpu are optional packages, and a
 * missing one is a MissingPackageError naming it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './cli_options';
import { loadNodeWebGpuBackend } from './node_webgpu';
import { importOptional, MissingPackageError } from './optional_import';

/** Names in variables: optional packages, which neither TypeScript nor the bundler may resolve. */
const CPU_PACKAGE = '@tensorflow/tfjs-backend-cpu';
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * tfjs-node, which registers 'tensorflow'. Its install downloads libtensorflow from a bucket
 * that may refuse it, leaving the package without its addon: both cases say where to go.
 */
async function loadTfjsNode(): Promise<void> {
  const hint = "where its install fails, the README's tfjs-node section builds it from the tensorflow-cpu wheel";
  try {
    await importOptional(TFJS_NODE, '--backend tensorflow', hint);
  } catch (error) {
    if (error instanceof MissingPackageError) throw error;
    throw new Error(`--backend tensorflow: ${TFJS_NODE} is installed but does not load (${(error as Error).message}); ${hint}`);
  }
}

/** Imports the package that registers `name`. */
async function loadBackend(name: BackendName): Promise<void> {
  switch (name) {
    case 'cpu':
      await importOptional(CPU_PACKAGE, '--backend cpu', 'it comes with @tensorflow/tfjs');
      return;
    case 'wasm':
      await importOptional(WASM_PACKAGE, '--backend wasm');
      return;
    case 'tensorflow':
      await loadTfjsNode();
      return;
    case 'webgpu':
      await loadNodeWebGpuBackend();
  }
}

/** Switches tfjs to `name` and waits until it is ready. */
export async function useBackend(name: BackendName): Promise<void> {
  tf.env().set('IS_TEST', true); // no banner suggesting tfjs-node: the command line offers it itself
  await loadBackend(name);
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
}
