/**
 * The fused DDIM update on tfjs-backend-cpu: one pass over the typed arrays that writes x0 and
 * x_{t-1} together (`ddimUpdatePass`), instead of a chain of kernels each allocating a tensor.
 *
 * The backend is reached through its `data` store and `makeTensorInfo`, typed structurally, so
 * that this package never imports @tensorflow/tfjs-backend-cpu.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DdimUpdateAttrs, DdimUpdateKernelInputs, DdimUpdateKernelOutputs } from './ddim_update_kernel';
import { ddimUpdatePass } from './ddim_update_pass';

/** What the kernel uses of tfjs-backend-cpu's MathBackendCPU. */
export interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

export function isCpuBackend(backend: unknown): backend is CpuBackendLike {
  const candidate = backend as Partial<CpuBackendLike>;
  return typeof candidate.data?.get === 'function' && typeof candidate.makeTensorInfo === 'function';
}

/** The kernel function registered for 'cpu': returns [denoised, nextSample]. */
export function ddimUpdateCpu(args: { inputs: DdimUpdateKernelInputs; backend: CpuBackendLike; attrs: DdimUpdateAttrs }): DdimUpdateKernelOutputs {
  const { inputs, backend, attrs } = args;
  const values = (info: tf.TensorInfo) => backend.data.get(info.dataId).values as Float32Array;
  const size = values(inputs.noisySample).length;
  const denoised = new Float32Array(size);
  const nextSample = new Float32Array(size);
  ddimUpdatePass(
    {
      noisySample: values(inputs.noisySample),
      prediction: values(inputs.prediction),
      freshNoise: inputs.freshNoise ? values(inputs.freshNoise) : null,
      thresholds: inputs.thresholds ? values(inputs.thresholds) : null,
      denoised,
      nextSample,
    },
    attrs,
  );
  const { shape } = inputs.noisySample;
  return [backend.makeTensorInfo(shape, 'float32', denoised), backend.makeTensorInfo(shape, 'float32', nextSample)];
}
