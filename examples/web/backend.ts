/** Starts the first tfjs backend this browser can run: WebGL, then WebGPU, wasm, cpu. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm';

// The bundler emits the binaries beside the app; tfjs would otherwise fetch them from a CDN.
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl });

export const BACKEND_PREFERENCE = ['webgl', 'webgpu', 'wasm', 'cpu'];

/** Starts `preferred` (e.g. from ?backend=) or the first backend of BACKEND_PREFERENCE that works; returns its name. */
export async function startBackend(preferred?: string | null): Promise<string> {
  for (const name of preferred ? [preferred] : BACKEND_PREFERENCE) {
    // setBackend resolves false (with a console warning) when a backend cannot start here.
    if (await tf.setBackend(name).catch(() => false)) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  throw new Error(`no tfjs backend could start in this browser (tried ${preferred ?? BACKEND_PREFERENCE.join(', ')})`);
}
