/**
 * Per size, on the active backend: our `step`, the same `step` with the fused kernels off (the
 * update as the plain chain of tfjs ops, `ddimUpdateOps`), GPU programs per step, and tensors
 * and bytes after 1000 steps. Runs in Node and in the Chromium page alike (tfjs only).
 */
import * as tf from '@tensorflow/tfjs-core';
import { countGpuPrograms } from '../__tests__/browser/helpers/kernels_programs';
import { DdimScheduler } from '../src';
import { activeBackendHasFusedKernel, fusedKernels } from '../src/kernels';
import type { DdimStepCoefficients } from '../src/schedulers/ddim/coefficients';
import { MEMORY_STEPS, STEP_OPTIONS } from './config';
import { benchCoefficients, chainedBatch, Stepper, stepInputs, sync } from './step_setup';
import { withSwitchedOff } from './switches';
import { timeInterleaved, type Timed, type TimingBudget } from './timing';

export interface StepFigures {
  readonly backend: string;
  readonly shape: number[];
  readonly fusedKernel: boolean;
  /** Median microseconds per step. */
  readonly stepUs: number;
  readonly chainUs: number;
  /** GPU programs per step (webgl, webgpu), null elsewhere. */
  readonly stepPrograms: number | null;
  readonly chainPrograms: number | null;
  /** Median microseconds of the extra variants timed in the same rounds. */
  readonly extraUs: Record<string, number>;
}

/** The benchmark step's inputs and coefficients, for variants timed beside it. */
export interface StepSetup {
  readonly shape: number[];
  readonly coefficients: DdimStepCoefficients;
  readonly sample: tf.Tensor;
  readonly prediction: tf.Tensor;
  readonly noise: tf.Tensor;
}

export interface MemoryFigures {
  readonly backend: string;
  readonly shape: number[];
  readonly steps: number;
  /** Growth of tf.memory() from step 10 to the last step: 0 is flat. */
  readonly tensorsGrowth: number;
  readonly bytesGrowth: number;
  /** The backend's own GPU bytes (webgl, webgpu) over the same steps; null elsewhere. */
  readonly gpuBytesGrowth: number | null;
  /** tf.memory() after the run, its tensors disposed, minus before it: 0 is no leak. */
  readonly tensorsLeft: number;
  readonly bytesLeft: number;
}

/**
 * Our step and the op chain per shape, timed in interleaved rounds together with `extras` (made
 * from the same inputs), then the GPU programs of one step of each.
 */
export async function benchSteps(shapes: number[][], budget: TimingBudget, extras: (setup: StepSetup) => Record<string, Timed> = () => ({})): Promise<StepFigures[]> {
  const figures: StepFigures[] = [];
  for (const shape of shapes) {
    const stepper = new Stepper(new DdimScheduler(STEP_OPTIONS), shape);
    const coefficients = benchCoefficients();
    const { sample, prediction, noise } = stepInputs(shape, coefficients.alphaBar);
    const step = (x: tf.Tensor) => stepper.step(x, prediction, noise);
    const chain = (x: tf.Tensor) => withSwitchedOff(fusedKernels, () => step(x));
    const { step: stepUs, chain: chainUs, ...extraUs } = await timeInterleaved(
      { step: chainedBatch(sample, step), chain: chainedBatch(sample, chain), ...extras({ shape, coefficients, sample, prediction, noise }) },
      budget,
    );
    const programs = (update: (x: tf.Tensor) => tf.Tensor) => countGpuPrograms(() => tf.dispose(update(sample))).programs;
    figures.push({
      backend: tf.getBackend(),
      shape,
      fusedKernel: activeBackendHasFusedKernel(),
      stepUs,
      chainUs,
      stepPrograms: programs(step),
      chainPrograms: programs(chain),
      extraUs,
    });
    tf.dispose([sample, prediction, noise]);
    stepper.dispose();
  }
  return figures;
}

/** The GPU bytes the backend reports, if it does. */
function gpuBytes(): number | null {
  const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return memory.numBytesInGPU ?? null;
}

/** MEMORY_STEPS steps of one run, each with a fresh prediction from a stand-in denoiser. */
export async function benchMemory(shape: number[]): Promise<MemoryFigures> {
  const scheduler = new DdimScheduler(STEP_OPTIONS);
  const before = tf.memory();
  const noise = tf.randomNormal(shape, 0, 1, 'float32', 5);
  const { state: first, timesteps } = scheduler.init(MEMORY_STEPS, shape, { seed: 0 });
  let state = first;
  let sample = tf.randomNormal(shape, 0, 1, 'float32', 6);
  let early = { ...tf.memory(), gpuBytes: gpuBytes() };
  for (let i = 0; i < MEMORY_STEPS; i++) {
    const prediction = tf.mul(sample, 0.5);
    const out = scheduler.step(state, sample, prediction, { noise });
    tf.dispose([sample, prediction, out.denoised]);
    ({ state, sample } = out);
    if (i === 9) {
      await sync(sample);
      early = { ...tf.memory(), gpuBytes: gpuBytes() };
    }
  }
  await sync(sample);
  const late = { ...tf.memory(), gpuBytes: gpuBytes() };
  tf.dispose([sample, timesteps, noise]);
  state.dispose();
  const after = tf.memory();
  return {
    backend: tf.getBackend(),
    shape,
    steps: MEMORY_STEPS,
    tensorsGrowth: late.numTensors - early.numTensors,
    bytesGrowth: late.numBytes - early.numBytes,
    gpuBytesGrowth: late.gpuBytes === null || early.gpuBytes === null ? null : late.gpuBytes - early.gpuBytes,
    tensorsLeft: after.numTensors - before.numTensors,
    bytesLeft: after.numBytes - before.numBytes,
  };
}

/**
 * The memory limit on a GPU: one element-wise program (tf.neg) that reads and writes as many
 * bytes as the fused update moves, chained and synced as the steps are.
 */
export async function benchDeviceCopy(shape: number[], budget: TimingBudget): Promise<number> {
  const source = tf.tidy(() => tf.neg(tf.randomNormal([tf.util.sizeFromShape(shape) * 2.5], 0, 1, 'float32', 7)));
  const times = await timeInterleaved({ copy: chainedBatch(source, (x) => tf.neg(x)) }, budget);
  source.dispose();
  return times.copy;
}
