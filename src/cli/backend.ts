/** The tfjs backends the command line can run on. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from './cli_options';
import { loadNodeWebGpuBackend } from './node_webgpu';
import { UsageError } from './usage_error';

/** A name in a variable: tfjs-node is optional, so neither TypeScript nor the bundler may resolve it. */
const TFJS_NODE = '@tensorflow/tfjs-node';

/** Loads tfjs-node, which registers the 'tensorflow' backend (libtensorflow, native). */
async function loadTfjsNode(): Promise<void> {
  try {
    await import(TFJS_NODE);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((error as Error).message).includes(TFJS_NODE);
    if (!missing) throw error;
    throw new UsageError(
      `--backend tensorflow needs ${TFJS_NODE}, which is not installed: run \`npm i ${TFJS_NODE}\` ` +
        "(its install downloads libtensorflow from a bucket that may refuse it: the README's tfjs-node section builds it from the tensorflow-cpu wheel instead)",
    );
  }
}

/** Switches tfjs to `name` and waits until it is ready. */
export async function useBackend(name: BackendName): Promise<void> {
  tf.env().set('IS_TEST', true); // no banner suggesting tfjs-node: the command line offers it itself
  if (name === 'tensorflow') await loadTfjsNode();
  if (name === 'webgpu') await loadNodeWebGpuBackend();
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
}
