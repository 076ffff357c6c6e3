import * as tf from '@tensorflow/tfjs-core';
import { key as keyFromSeed, normalValues, split } from '../random';
import type { Scheduler } from '../schedulers/protocol';
import type { InitOptions } from '../schedulers/scheduler_base';
import type { SchedulerState } from '../schedulers/state';
import { raceAbort, throwIfAborted } from './abort';
import type { Denoiser } from './denoiser';
import { checkPrediction, checkSampleArguments, type SampleOptions } from './sample_options';

/**
 * Runs a whole sampling loop with any scheduler: from noise x_T, for each model call the
 * denoiser on `scheduler.scaleModelInput(state, x)`, then `scheduler.step`; returns x_0 (the
 * caller's to dispose).
 *
 * - With `seed`, the start is Bumblebee's pipeline: `{ sample, key } =
 *   random.normal(random.key(seed), shape)`, then `init(numSteps, shape, { key })`, so a seed
 *   gives the numbers Bumblebee gives. With `generator` (`random.torchGenerator(seed)`), it is
 *   diffusers' pipeline: `generator.randn(shape)`, then `init(numSteps, shape, { generator })`.
 *   Either way the draw is multiplied by the run's `state.initNoiseSigma`.
 * - With `image` and `strength` (image to image, as diffusers' img2img pipelines), the run
 *   starts at step numSteps - floor(numSteps * strength) of the schedule, from
 *   `addNoise(image, noise, t)` at its first timestep t, the noise drawn as above.
 * - The denoiser gets the scaled model input, the timestep as a scalar tensor of the run's
 *   timestep dtype cut from the run's device-resident timesteps (no upload per step), and
 *   `{ index, timestep }` on the host.
 * - Everything the loop makes is disposed when the promise settles, whether it resolves or
 *   rejects (denoiser or `onStep` throwing, `signal` aborting): `tf.memory().numTensors` is
 *   then what it was before, plus one for the result. `initialSample` is never disposed.
 * - An abort rejects at once with an AbortError, even while the denoiser or `onStep` is
 *   pending: a call that never settles cannot hold the loop. A call still pending then runs
 *   on (its tensors from the loop are already disposed; what the denoiser returns later is
 *   disposed when it settles), so an `onStep` with side effects checks `signal.aborted`
 *   after its own awaits.
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
export async function sample(scheduler: Scheduler, denoiser: Denoiser, options: SampleOptions): Promise<tf.Tensor> {
  const { numSteps, shape, initialSample, imageStart, seed, generator, init, signal, onStep } = checkSampleArguments(scheduler, denoiser, options);
  throwIfAborted(signal);

  // The run first, so that a bad numSteps or init option fails before any tensor is made; the
  // start noise comes after (init draws nothing: the order of the draws is the pipelines').
  let initOptions: InitOptions = { ...init };
  let drawStart: () => tf.Tensor = () => initialSample!;
  if (generator !== undefined) {
    initOptions.generator = generator;
    if (initialSample === undefined) drawStart = () => generator.randn(shape);
  } else if (initialSample !== undefined) {
    if (seed !== undefined) initOptions.seed = seed;
  } else {
    // Nx.Random.normal(key, shape): [next, sub] = split(key); the values from sub, next for the run.
    const [next, sub] = split(seed === undefined ? crypto.getRandomValues(new Uint32Array(2)) : keyFromSeed(seed));
    initOptions = { ...initOptions, key: next };
    drawStart = () => tf.tensor(normalValues(sub, tf.util.sizeFromShape(shape)), shape, 'float32');
  }
  if (imageStart !== undefined) initOptions.startIndex = imageStart.startIndex;
  const run = scheduler.init(numSteps, shape, initOptions);
  run.timesteps.dispose(); // the loop slices the state's own copy
  let state = run.state;

  // The current sample: the caller's initialSample (never ours to dispose), or one we own.
  let current: tf.Tensor | null = null;
  const disposeCurrent = () => {
    if (current !== null && current !== initialSample) current.dispose();
  };
  /** A tensor a call returned after the loop gave up on it (an abort): disposed unless it is the caller's. */
  const abandon = (late: unknown) => {
    if (late instanceof tf.Tensor && !late.isDisposed && late !== initialSample) late.dispose();
  };
  let timestepTensors: tf.Scalar[] = [];
  try {
    current = drawStart();
    if (imageStart !== undefined) {
      // x_t of the first timestep left, with the drawn noise (DDPM eq. 4, or the flow's interpolation).
      const noise = current;
      current = null;
      try {
        current = scheduler.addNoise(imageStart.image, noise, Array(shape[0]).fill(state.timestep));
      } finally {
        noise.dispose();
      }
    } else if (initialSample === undefined && state.initNoiseSigma !== 1) {
      // The run's start noise: the draw scaled as diffusers' prepare_latents does after set_timesteps.
      const drawn = current;
      current = tf.mul(drawn, state.initNoiseSigma);
      drawn.dispose();
    }

    // The model's timestep of every call, as scalars cut from the device copy in one op.
    timestepTensors = tf.unstack(state.timesteps) as tf.Scalar[];
    for (let index = 0; index < state.numSteps; index++) {
      throwIfAborted(signal);
      const sampleNow: tf.Tensor = current;
      const timestep = state.timestep!;
      const modelInput = scheduler.scaleModelInput(state, sampleNow);
      let result: { state: SchedulerState; sample: tf.Tensor; denoised: tf.Tensor };
      try {
        const timestepTensor = timestepTensors[index];
        let returned: unknown;
        try {
          returned = await raceAbort(denoiser(modelInput, timestepTensor, { index, timestep, ...state.noiseLevel! }), signal, abandon);
        } finally {
          timestepTensor.dispose();
        }
        const given = new Set<unknown>([sampleNow, initialSample, state.timesteps, modelInput, timestepTensor]);
        try {
          throwIfAborted(signal);
          const prediction = checkPrediction(returned, sampleNow, index, timestep, timestepTensor);
          result = scheduler.step(state, sampleNow, prediction);
        } finally {
          // The prediction is the loop's, unless the denoiser handed back a tensor it was given.
          if (returned instanceof tf.Tensor && !given.has(returned)) returned.dispose();
        }
      } finally {
        modelInput.dispose();
      }
      disposeCurrent();
      current = result.sample;
      state = result.state;
      try {
        if (onStep) await raceAbort(onStep({ index, timestep, sample: current, denoised: result.denoised }), signal, () => {});
      } finally {
        result.denoised.dispose();
      }
    }
    throwIfAborted(signal);
  } catch (error) {
    disposeCurrent();
    throw error;
  } finally {
    for (const timestepTensor of timestepTensors) timestepTensor.dispose();
    state.dispose();
  }
  return current!;
}
