/**
 * Node side: the backends the parity suite runs. cpu and wasm always, in this process;
 * tensorflow (tfjs-node) in this process when `@tensorflow/tfjs-node` loads and registers with
 * this copy of tfjs-core; webgpu (Dawn) in a child process when Dawn gives an adapter
 * (node_webgpu_driver.ts). Where tfjs-node or an adapter is missing, the backend is skipped with
 * the reason, unless REQUIRE_TFJS_NODE=1 or REQUIRE_NODE_WEBGPU=1 (`.ci/run` sets both): then
 * its absence is a failure.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { nodeWebGpuUnavailable } from './node_webgpu_driver';

export interface NodeBackends {
  /** Backends run in this process. */
  inProcess: string[];
  /** Whether webgpu runs, in its own process. */
  webgpu: boolean;
  /** Backend name -> why it does not run here. */
  skipped: Record<string, string>;
}

/** Why tfjs-node cannot run here, or null when it can. */
export function tensorflowUnavailable(): string | null {
  let reason: string | null = null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
    if (!tf.findBackendFactory('tensorflow')) {
      reason = `@tensorflow/tfjs-node loaded but registered its backend with another copy of @tensorflow/tfjs-core than this package's (${tf.version_core}): install matching versions`;
    }
  } catch (error) {
    reason = `@tensorflow/tfjs-node did not load (${String(error instanceof Error ? error.message : error).split('\n')[0]}); scripts/install-tfjs-node.sh installs it`;
  }
  if (reason !== null && process.env.REQUIRE_TFJS_NODE === '1') throw new Error(`REQUIRE_TFJS_NODE=1 but ${reason}`);
  return reason;
}

export function nodeBackends(): NodeBackends {
  const skipped: Record<string, string> = {};
  const tensorflow = tensorflowUnavailable();
  if (tensorflow) skipped.tensorflow = tensorflow;
  const webgpu = nodeWebGpuUnavailable();
  if (webgpu) skipped.webgpu = webgpu;
  return { inProcess: tensorflow ? ['cpu', 'wasm'] : ['cpu', 'wasm', 'tensorflow'], webgpu: !webgpu, skipped };
}
