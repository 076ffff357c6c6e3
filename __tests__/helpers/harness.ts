/**
 * The reference test harnesses, written once and shared by every scheduler spec:
 * Bumblebee's (`ddim_scheduler_test.exs`) and diffusers' (`tests/schedulers/test_schedulers.py`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser, Scheduler } from 'tfjs-diffusion-schedulers';

/** Bumblebee: Nx.iota({8, 8, 4}) / 256, channels-last, no batch axis. */
export function bumblebeeSample(): tf.Tensor {
  return tf.tidy(() => tf.reshape(tf.div(tf.range(0, 256, 1, 'float32'), 256), [8, 8, 4]));
}

/** diffusers' dummy_sample_deter: [4, 3, 8, 8], element [b][c][h][w] = (256c + 32h + 4w + b) / 768. */
export function dummySampleDeter(): tf.Tensor {
  return deterministicSample([4, 3, 8, 8]);
}

/**
 * diffusers' dummy_sample_deter of `shape` ([batch, ...rest]): element [b][...rest] = index / n
 * with index = b + batch * (row-major index in rest) and n the size ([4, 3, 8]: (32c + 4w + b) / 96).
 */
export function deterministicSample(shape: readonly number[]): tf.Tensor {
  return batchLast(shape, (size) => tf.range(0, size, 1, 'float32'));
}

/** diffusers' dummy_noise_deter: the same layout, element = (767 - index) / 768. */
export function dummyNoiseDeter(): tf.Tensor {
  return deterministicNoise([4, 3, 8, 8]);
}

/**
 * diffusers' dummy_noise_deter of `shape` ([batch, ...rest]): element [b][...rest] =
 * (n - 1 - index) / n with index = b + batch * (row-major index in rest) and n the size:
 * [4, 3, 8, 8] gives (767 - (256c + 32h + 4w + b)) / 768, [4, 3, 8] (95 - (32c + 4w + b)) / 96.
 */
export function deterministicNoise(shape: readonly number[]): tf.Tensor {
  return batchLast(shape, (size) => tf.range(size - 1, -1, -1, 'float32'));
}

/** The indices `indices(n)` divided by n, laid out with the batch axis fastest, then made batch-first (diffusers' harness). */
function batchLast(shape: readonly number[], indices: (size: number) => tf.Tensor): tf.Tensor {
  const [batch, ...rest] = shape;
  const size = tf.util.sizeFromShape(shape as number[]);
  return tf.tidy(() => tf.transpose(tf.reshape(tf.div(indices(size), size), [...rest, batch]), [rest.length, ...rest.map((_, i) => i)]));
}

/** Both suites' dummy model: prediction = sample * t / (t + 1), one float32 multiplication by t / (t + 1). */
export function dummyModel(sample: tf.Tensor, timestep: number): tf.Tensor {
  return tf.mul(sample, timestep / (timestep + 1));
}

/**
 * The dummy model as both suites' tests evaluate it, in float32: (sample * t) / (t + 1) (Nx's
 * `sample |> multiply(t) |> divide(t + 1)`, torch's `sample * t / (t + 1)`). It differs from
 * dummyModel in the last bit, which matters where a step cancels the sample against the model
 * output (LCM's one step from t = 999 on the squared-cosine schedule divides by
 * sqrt(alpha-bar) = 5e-5); with 16-bit float textures its x t (up to ~1000) loses more.
 */
export function referenceModel(sample: tf.Tensor, timestep: number): tf.Tensor {
  return tf.tidy(() => tf.div(tf.mul(sample, timestep), Math.fround(timestep + 1)));
}

/** referenceModel as a sample() denoiser. */
export const referenceDenoiser: Denoiser = (sample, _timestep, { timestep }) => referenceModel(sample, timestep);

/** Bumblebee's tolerance: |actual - expected| <= 1e-4 + 1e-4 * |expected|, element by element. */
export function expectCloseBumblebee(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  const misses: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 1e-4 + 1e-4 * Math.abs(expected[i]))) misses.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
  }
  expect(misses).toEqual([]);
}


/** diffusers' test_full_loop_with_noise: start at `startIndex` from `initial` noised with `noise` at the first timestep run. */
export interface NoisyStart {
  startIndex: number;
  noise: tf.Tensor;
}

/**
 * Both suites' full loop: init(numSteps) with key 0, then for each timestep t,
 * sample = step(state, sample, dummyModel(sample, t)). With `noisyStart`, the loop runs the
 * timesteps from its startIndex on and starts from addNoise(initial, noise, t_start) (every
 * item at t_start; diffusers broadcasts one timestep over the batch). Leaves only the
 * returned tensor.
 */
export function runDummyLoop(
  scheduler: Scheduler,
  numSteps: number,
  initial: tf.Tensor,
  noisyStart?: NoisyStart,
): tf.Tensor {
  return runLoop(scheduler, numSteps, initial, dummyModel, noisyStart);
}

/** The same loop with another model, e.g. an exact denoiser. */
export function runLoop(
  scheduler: Scheduler,
  numSteps: number,
  initial: tf.Tensor,
  model: (sample: tf.Tensor, timestep: number) => tf.Tensor,
  noisyStart?: NoisyStart,
): tf.Tensor {
  const { state: first, timesteps } = scheduler.init(numSteps, initial.shape, noisyStart ? { seed: 0, startIndex: noisyStart.startIndex } : { seed: 0 });
  const timestepValues = timesteps.dataSync();
  let state = first;
  let sample = noisyStart
    ? scheduler.addNoise(initial, noisyStart.noise, Array.from({ length: initial.shape[0] }, () => timestepValues[0]))
    : tf.clone(initial);
  for (const t of timestepValues) {
    const prediction = model(sample, t);
    const out = scheduler.step(state, sample, prediction);
    tf.dispose([sample, prediction, out.denoised]);
    ({ state, sample } = out);
  }
  state.dispose();
  timesteps.dispose();
  return sample;
}
