/**
 * Node side: the backends the parity suite runs in this process. cpu and wasm always;
 * tensorflow (tfjs-node) when `@tensorflow/tfjs-node` loads and registers with this copy of
 * tfjs-core. It is an optional peer that often cannot install (its install script downloads
 * libtensorflow), so its absence is a skip with a reason, never a failure.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export interface NodeBackends {
  backends: string[];
  /** Why tensorflow is not among them, or null when it is. */
  tensorflowSkipped: string | null;
}

function tensorflowUnavailable(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  } catch (error) {
    return `@tensorflow/tfjs-node did not load (${String(error instanceof Error ? error.message : error).split('\n')[0]})`;
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return `@tensorflow/tfjs-node loaded but registered its backend with another copy of @tensorflow/tfjs-core than this package's (${tf.version_core}): install matching versions`;
  }
  return null;
}

export function nodeBackends(): NodeBackends {
  const tensorflowSkipped = tensorflowUnavailable();
  return { backends: tensorflowSkipped ? ['cpu', 'wasm'] : ['cpu', 'wasm', 'tensorflow'], tensorflowSkipped };
}
