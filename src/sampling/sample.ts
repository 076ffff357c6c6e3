import * as tf from '@tensorflow/tfjs-core';
import { normal, key as keyFromSeed } from '../random';
import { throwIfAborted } from './abort';
import type { Denoiser } from './denoiser';
import { checkPrediction, checkSampleArguments, type SampleOptions } from './sample_options';

/** The state of a run, as the loop uses it (a DdimState is one). */
export interface SamplingState {
  /** The run's timesteps in call order (int32), owned by the state. */
  readonly timesteps: tf.Tensor1D;
  /** The timestep of the next step, on the host. */
  readonly timestep: number | undefined;
  /** Steps in the run. */
  readonly numSteps: number;
  dispose(): void;
}

/** What the loop needs of a scheduler (a DdimScheduler is one). */
export interface SamplingScheduler<State extends SamplingState> {
  init(numSteps: number, shape: number[], opts?: { seed?: number | bigint; key?: Uint32Array; startIndex?: number }): { state: State; timesteps: tf.Tensor1D };
  step(state: State, sample: tf.Tensor, prediction: tf.Tensor): { state: State; sample: tf.Tensor; denoised: tf.Tensor };
  /** The forward process, for an `image` start (DdimScheduler.addNoise). */
  addNoise?(original: tf.Tensor, noise: tf.Tensor, timesteps: number[]): tf.Tensor;
}

/**
 * Runs a whole sampling loop: from noise x_T, `numSteps` times the denoiser then
 * `scheduler.step`, and returns x_0 (the caller's to dispose).
 *
 * - With `seed` and no `initialSample` the start is Bumblebee's pipeline:
 *   `{ sample, key } = random.normal(random.key(seed), shape)`, then
 *   `init(numSteps, shape, { key })`, so a seed gives the numbers Bumblebee gives.
 * - With `image` and `strength` (image to image, as diffusers' img2img pipelines), the run
 *   starts at index numSteps - floor(numSteps * strength) of the schedule, from
 *   `addNoise(image, noise, t)` at its first timestep t, the noise drawn as above.
 * - The denoiser gets the sample, the timestep as an int32 scalar sliced from the run's
 *   device-resident timesteps (no upload per step), and `{ index, timestep }` on the host.
 * - Everything the loop makes is disposed when the promise settles, whether it resolves or
 *   rejects (denoiser or `onStep` throwing, `signal` aborting): `tf.memory().numTensors` is
 *   then what it was before, plus one for the result. `initialSample` is never disposed.
 *
 * @example
 * ```ts
 * const scheduler = new DdimScheduler();
 * const x0 = await sample(scheduler, (x, t) => unet.executeAsync({ x, t }) as Promise<tf.Tensor>, {
 *   numSteps: 50, shape: [4, 32, 32, 3], seed: 0,
 *   onStep: ({ index }) => console.log(`step ${index}`),
 * });
 * ```
 */
export async function sample<State extends SamplingState>(
  scheduler: SamplingScheduler<State>,
  denoiser: Denoiser,
  options: SampleOptions,
): Promise<tf.Tensor> {
  const { numSteps, shape, initialSample, imageStart, seed, signal, onStep } = checkSampleArguments(scheduler, denoiser, options);
  throwIfAborted(signal);

  // The start: the caller's initialSample (never ours to dispose), or noise we draw and own.
  let current: tf.Tensor;
  let initOptions: { seed?: number | bigint; key?: Uint32Array; startIndex?: number };
  if (initialSample !== undefined) {
    current = initialSample;
    initOptions = seed === undefined ? {} : { seed };
  } else {
    const start = normal(seed === undefined ? crypto.getRandomValues(new Uint32Array(2)) : keyFromSeed(seed), shape);
    current = start.sample;
    initOptions = { key: start.key, startIndex: imageStart?.startIndex };
  }
  const disposeCurrent = () => {
    if (current !== initialSample) current.dispose();
  };

  let state: State;
  try {
    const run = scheduler.init(numSteps, shape, initOptions);
    run.timesteps.dispose(); // the loop slices the state's own copy
    state = run.state;
  } catch (error) {
    disposeCurrent();
    throw error;
  }
  if (imageStart !== undefined) {
    // x_t of the first timestep left, with the drawn noise (DDPM eq. 4).
    const noise = current;
    try {
      current = scheduler.addNoise!(imageStart.image, noise, Array(shape[0]).fill(state.timestep));
    } catch (error) {
      state.dispose();
      throw error;
    } finally {
      noise.dispose();
    }
  }

  try {
    for (let index = 0; index < state.numSteps; index++) {
      throwIfAborted(signal);
      const timestep = state.timestep!;
      const timestepTensor = tf.tidy(() => tf.reshape(tf.slice(state.timesteps, [index], [1]), []) as tf.Scalar);
      let returned: unknown;
      try {
        returned = await denoiser(current, timestepTensor, { index, timestep });
      } finally {
        timestepTensor.dispose();
      }
      let result: { state: State; sample: tf.Tensor; denoised: tf.Tensor };
      try {
        throwIfAborted(signal);
        const prediction = checkPrediction(returned, current, index, timestep);
        result = scheduler.step(state, current, prediction);
      } finally {
        // The prediction is the loop's, unless the denoiser handed back a tensor it was given.
        const handedIn = returned === current || returned === initialSample || returned === state.timesteps;
        if (returned instanceof tf.Tensor && !handedIn) returned.dispose();
      }
      disposeCurrent();
      current = result.sample;
      state = result.state;
      try {
        if (onStep) await onStep({ index, timestep, sample: current, denoised: result.denoised });
      } finally {
        result.denoised.dispose();
      }
    }
    throwIfAborted(signal);
  } catch (error) {
    disposeCurrent();
    throw error;
  } finally {
    state.dispose();
  }
  return current;
}
