/**
 * The fused combination on tfjs-backend-cpu: one compiled pass over the typed arrays that
 * writes every output together (cpu_pass.ts), instead of a chain of kernels each allocating
 * a tensor.
 *
 * The backend is reached through its `data` store and `makeTensorInfo`, typed structurally, so
 * that this package never imports @tensorflow/tfjs-backend-cpu.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { inputsOf, THRESHOLDS, uniformsOf, neededValues } from './combination';
import type { CombinationKernelArgs } from './combination_kernel';
import { compilePass } from './cpu_pass';

/** What the kernel uses of tfjs-backend-cpu's MathBackendCPU. */
export interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

export function isCpuBackend(backend: unknown): backend is CpuBackendLike {
  const candidate = backend as Partial<CpuBackendLike>;
  return typeof candidate.data?.get === 'function' && typeof candidate.makeTensorInfo === 'function';
}

/** The kernel function registered for 'cpu': one tensor per output of the combination. */
export function combineCpu({ inputs, backend, attrs }: CombinationKernelArgs<CpuBackendLike>): tf.TensorInfo[] {
  const { combination } = attrs;
  const pass = compilePass(combination)!; // dispatch checked that it compiles
  const values = (info: tf.TensorInfo) => backend.data.get(info.dataId).values as Float32Array;
  const names = inputsOf(combination);
  const arrays = names.filter((name) => name !== THRESHOLDS).map((name) => values(inputs[name]));
  const shape = inputs[names.find((name) => name !== THRESHOLDS)!].shape;
  const length = arrays[0].length;
  const outputs = combination.outputs.map(() => new Float32Array(length));
  const thresholds = names.includes(THRESHOLDS) ? values(inputs[THRESHOLDS]) : null;
  pass(arrays, outputs, uniformsOf(neededValues(combination, combination.outputs)), thresholds, length);
  return outputs.map((output) => backend.makeTensorInfo(shape, 'float32', output));
}
