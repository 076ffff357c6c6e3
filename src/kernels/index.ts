/**
 * The fused combination kernels and their dispatch.
 *
 * Registration is lazy and per backend: the first combination that runs on a backend named
 * 'cpu', 'webgl' or 'webgpu' registers that backend's kernel with `tf.registerKernel`, once the
 * active backend object has shown the methods the kernel calls (checked structurally, once per
 * backend object). Nothing is registered for a backend that never runs, no backend package is
 * imported, and any other backend runs the op chain: tfjs-node ('tensorflow'), whose ops are
 * native, and 'wasm', whose C++ SIMD kernels run the chain faster than a JavaScript pass over
 * the wasm heap (bench/README.md has the figures).
 */
import * as tf from '@tensorflow/tfjs-core';
import { inputsOf, structureKey, THRESHOLDS, type Combination } from './combination';
import { COMBINATION_KERNEL } from './combination_kernel';
import { combineOps } from './combination_ops';
import { combineCpu, isCpuBackend } from './cpu';
import { compilePass } from './cpu_pass';
import { combineWebgl, isWebglBackend } from './webgl';
import { combineWebgpu, isWebgpuBackend } from './webgpu';

interface FusedKernel {
  /** Whether a backend object has what the kernel calls. */
  accepts(backend: unknown): boolean;
  /** Whether the kernel runs this combination (the cpu one needs its pass compiled). */
  runs(combination: Combination): boolean;
  kernelFunc: tf.KernelFunc;
}

const always = () => true;

/** The fused kernel of each backend name that has one. */
const FUSED_KERNELS: Record<string, FusedKernel> = {
  cpu: { accepts: isCpuBackend, runs: (combination) => compilePass(combination) !== null, kernelFunc: combineCpu as unknown as tf.KernelFunc },
  webgl: { accepts: isWebglBackend, runs: always, kernelFunc: combineWebgl as unknown as tf.KernelFunc },
  webgpu: { accepts: isWebgpuBackend, runs: always, kernelFunc: combineWebgpu as unknown as tf.KernelFunc },
};

/** Backend objects already checked by their kernel's `accepts`, with the answer. */
const acceptedBackends = new WeakMap<object, boolean>();

/**
 * Set `enabled` to false to run the op chain on every backend: for the benchmark and the
 * tests, which compare both paths through the same public `step`.
 */
export const fusedKernels = { enabled: true };

/** The active backend's fused kernel, registered on first use; null where it has none. */
function activeFusedKernel(): FusedKernel | null {
  if (!fusedKernels.enabled) return null;
  const name = tf.getBackend();
  const kernel = FUSED_KERNELS[name];
  if (kernel === undefined) return null;
  const backend = tf.backend();
  let accepted = acceptedBackends.get(backend);
  if (accepted === undefined) {
    accepted = kernel.accepts(backend);
    acceptedBackends.set(backend, accepted);
  }
  if (!accepted) return null;
  if (tf.getKernel(COMBINATION_KERNEL, name) === undefined) tf.registerKernel({ kernelName: COMBINATION_KERNEL, backendName: name, kernelFunc: kernel.kernelFunc });
  return kernel;
}

/** Whether the active backend runs combinations as one fused kernel. Exported for the tests and the benchmark. */
export function activeBackendHasFusedKernel(): boolean {
  return activeFusedKernel() !== null;
}

/** hasSampleShapedInputs by structure key: a fact of the structure, asked at every step. */
const sampleShaped = new Map<string, boolean>();

/** Every output reads a tensor of the sample's shape (which gives the kernels their shape). */
function hasSampleShapedInputs(combination: Combination): boolean {
  const key = structureKey(combination);
  let answer = sampleShaped.get(key);
  if (answer === undefined) {
    answer = combination.outputs.every((output) => inputsOf(combination, [output]).some((name) => name !== THRESHOLDS));
    sampleShaped.set(key, answer);
  }
  return answer;
}

/**
 * Evaluates `combination` (combination.ts) on `inputs`: float32 tensors of one shape, and
 * THRESHOLDS of shape [batch] where a value is thresholded. One fused kernel on cpu, webgl and
 * webgpu (one GPU program per output), the op chain elsewhere; the same float32 numbers either
 * way (on a GPU, up to a compiler fusing a multiply-add). Returns one new tensor per output,
 * never an input and never one tensor twice, and leaves no other tensor behind.
 */
export function combine(combination: Combination, inputs: Readonly<Record<string, tf.Tensor>>): tf.Tensor[] {
  return tf.tidy(() => {
    const kernel = activeFusedKernel();
    const outputs = kernel !== null && kernel.runs(combination) && hasSampleShapedInputs(combination) ? runFused(combination, inputs) : combineOps(combination, inputs);
    // The chain hands back an input for a value that is one input with weight 1, and the same
    // tensor for two outputs of one value: the caller owns each output, so copy those.
    const given = new Set(Object.values(inputs));
    const seen = new Set<tf.Tensor>();
    return outputs.map((output) => {
      const owned = given.has(output) || seen.has(output) ? tf.clone(output) : output;
      seen.add(owned);
      return owned;
    });
  });
}

/** The registered kernel on the inputs the combination reads, THRESHOLDS reshaped to broadcast. */
function runFused(combination: Combination, inputs: Readonly<Record<string, tf.Tensor>>): tf.Tensor[] {
  const kernelInputs: tf.NamedTensorMap = {};
  for (const name of inputsOf(combination)) kernelInputs[name] = inputs[name];
  const thresholds = kernelInputs[THRESHOLDS];
  if (thresholds !== undefined) {
    // [batch, 1, ..., 1]: broadcastable against the sample (the GPU kernels rely on it).
    const rank = Object.values(kernelInputs).find((tensor) => tensor !== thresholds)!.rank;
    kernelInputs[THRESHOLDS] = tf.reshape(thresholds, [thresholds.size, ...Array(rank - 1).fill(1)]);
  }
  return tf.engine().runKernel(COMBINATION_KERNEL, kernelInputs, { combination } as unknown as tf.NamedAttrMap) as tf.Tensor[];
}
