/** Page side: the backends a browser page can run, started by name. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

// The test server puts tfjs-backend-wasm's binaries beside the page.
setWasmPaths(new URL('./', location.href).href);

export const BROWSER_BACKENDS = ['webgl', 'webgpu', 'wasm', 'cpu'] as const;

/** Starts `name` with the given tfjs flags (e.g. WEBGL_FORCE_F16_TEXTURES) and says what runs. */
export async function useBackend(name: string, flags: Record<string, boolean | number> = {}): Promise<{ backend: string }> {
  for (const [flag, value] of Object.entries(flags)) tf.env().set(flag, value);
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`the ${name} backend did not start in this browser`);
  await tf.ready();
  return { backend: tf.getBackend() };
}
