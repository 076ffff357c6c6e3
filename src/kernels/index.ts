/**
 * The fused DDIM update kernels and their dispatch.
 *
 * Registration is lazy and per backend: the first update that runs on a backend named 'cpu',
 * 'webgl' or 'webgpu' registers that backend's kernel with `tf.registerKernel`, once the active
 * backend object has shown the methods the kernel calls (checked structurally, once per backend
 * object). Nothing is registered for a backend that never runs, no backend package is imported,
 * and any other backend gets null, so the caller runs the op chain: tfjs-node ('tensorflow'),
 * whose ops are native, and 'wasm', whose C++ SIMD kernels run the chain faster than a
 * JavaScript pass over the wasm heap (bench/README.md has the figures).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DDIM_UPDATE_COEFFICIENTS, type DdimUpdateCoefficients, type DdimUpdateFlags, type DdimUpdateInputs, type DdimUpdateResult } from '../schedulers/ddim_update';
import { ddimUpdateCpu, isCpuBackend } from './cpu';
import { DDIM_UPDATE_KERNEL, type DdimUpdateAttrs } from './ddim_update_kernel';
import { ddimUpdateWebgl, isWebglBackend } from './webgl';
import { ddimUpdateWebgpu, isWebgpuBackend } from './webgpu';

interface FusedKernel {
  /** Whether a backend object has what the kernel calls. */
  accepts(backend: unknown): boolean;
  kernelFunc: tf.KernelFunc;
}

/** The fused kernel of each backend name that has one. */
const FUSED_KERNELS: Record<string, FusedKernel> = {
  cpu: { accepts: isCpuBackend, kernelFunc: ddimUpdateCpu as unknown as tf.KernelFunc },
  webgl: { accepts: isWebglBackend, kernelFunc: ddimUpdateWebgl as unknown as tf.KernelFunc },
  webgpu: { accepts: isWebgpuBackend, kernelFunc: ddimUpdateWebgpu as unknown as tf.KernelFunc },
};

/** Backend objects already checked by their kernel's `accepts`, with the answer. */
const acceptedBackends = new WeakMap<object, boolean>();

/**
 * Set `enabled` to false to run the op chain on every backend: for the benchmark and the
 * tests, which compare both paths through the same public `step`.
 */
export const fusedKernels = { enabled: true };

/**
 * Whether the active backend runs the fused kernel; registers it on first use. Exported for
 * the tests and the benchmark.
 */
export function activeBackendHasFusedKernel(): boolean {
  if (!fusedKernels.enabled) return false;
  const name = tf.getBackend();
  const kernel = FUSED_KERNELS[name];
  if (kernel === undefined) return false;
  const backend = tf.backend();
  let accepted = acceptedBackends.get(backend);
  if (accepted === undefined) {
    accepted = kernel.accepts(backend);
    acceptedBackends.set(backend, accepted);
  }
  if (!accepted) return false;
  if (tf.getKernel(DDIM_UPDATE_KERNEL, name) === undefined) tf.registerKernel({ kernelName: DDIM_UPDATE_KERNEL, backendName: name, kernelFunc: kernel.kernelFunc });
  return true;
}

/**
 * The DDIM update as one fused kernel of the active backend (two GPU programs on webgl and
 * webgpu), or null when the backend has none and the caller runs the op chain. Inputs are
 * float32 tensors of one shape (the threshold: [batch]); makes exactly the two tensors it returns.
 */
export function fusedDdimUpdate(inputs: DdimUpdateInputs, coefficients: DdimUpdateCoefficients, flags: DdimUpdateFlags): DdimUpdateResult | null {
  if (!activeBackendHasFusedKernel()) return null;
  return tf.tidy(() => {
    const { sample, prediction, noise, threshold } = inputs;
    const kernelInputs: tf.NamedTensorMap = { noisySample: sample, prediction };
    // As the chain: the random term only when sigma > 0.
    if (noise !== null && coefficients.sigma > 0) kernelInputs.freshNoise = noise;
    // [batch, 1, ..., 1]: broadcastable against the sample (the GPU kernels rely on it).
    if (threshold !== null) kernelInputs.thresholds = tf.reshape(threshold, [threshold.size, ...sample.shape.slice(1).map(() => 1)]);
    // Only the update's coefficients: a step's record carries more (timesteps, alpha-bars).
    const picked = Object.fromEntries(DDIM_UPDATE_COEFFICIENTS.map((name) => [name, coefficients[name]])) as DdimUpdateCoefficients;
    const attrs: DdimUpdateAttrs = { ...picked, clipRange: flags.clipRange ?? Infinity, rederiveNoise: flags.rederiveNoise };
    const [denoised, nextSample] = tf.engine().runKernel(DDIM_UPDATE_KERNEL, kernelInputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return { sample: nextSample, denoised };
  });
}
