import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

/** The backends every Node spec runs on. */
export const NODE_BACKENDS = ['cpu', 'wasm'] as const;

/** Switches tfjs to `name` and waits until it is ready; fails loudly if it cannot start. */
export async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
}
