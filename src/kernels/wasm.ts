/**
 * The fused DDIM update on tfjs-backend-wasm: the same JavaScript pass as the cpu kernel
 * (`ddimUpdatePass`), run over views of the wasm heap where the backend keeps its tensors.
 *
 * The backend is reached through `makeOutput` and `typedArrayFromHeap`, typed structurally, so
 * that this package never imports @tensorflow/tfjs-backend-wasm.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DdimUpdateAttrs, DdimUpdateKernelInputs, DdimUpdateKernelOutputs } from './ddim_update_kernel';
import { ddimUpdatePass } from './ddim_update_pass';

/** What the kernel uses of tfjs-backend-wasm's BackendWasm. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

export function isWasmBackend(backend: unknown): backend is WasmBackendLike {
  const candidate = backend as Partial<WasmBackendLike>;
  return typeof candidate.makeOutput === 'function' && typeof candidate.typedArrayFromHeap === 'function';
}

/** The kernel function registered for 'wasm': returns [denoised, nextSample]. */
export function ddimUpdateWasm(args: { inputs: DdimUpdateKernelInputs; backend: WasmBackendLike; attrs: DdimUpdateAttrs }): DdimUpdateKernelOutputs {
  const { inputs, backend, attrs } = args;
  const { shape } = inputs.noisySample;
  const denoised = backend.makeOutput(shape, 'float32');
  const nextSample = backend.makeOutput(shape, 'float32');
  // Views are taken after both allocations: an allocation may grow the heap and detach older views.
  const heap = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info);
  ddimUpdatePass(
    {
      noisySample: heap(inputs.noisySample),
      prediction: heap(inputs.prediction),
      freshNoise: inputs.freshNoise ? heap(inputs.freshNoise) : null,
      thresholds: inputs.thresholds ? heap(inputs.thresholds) : null,
      denoised: heap(denoised),
      nextSample: heap(nextSample),
    },
    attrs,
  );
  return [denoised, nextSample];
}
