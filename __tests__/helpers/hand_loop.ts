/**
 * sample()'s loop written out by hand, as Bumblebee's pipeline runs it, with the dummy model
 * (sample * t / (t + 1)): the start noise from `random.normal(random.key(seed), shape)`, init
 * with the returned key; for an image start, init from `startIndex` and noise the image to the
 * first timestep left (diffusers' img2img).
 */
import * as tf from '@tensorflow/tfjs-core';
import { random, type DdimScheduler } from 'tfjs-diffusion-schedulers';

export function handLoop(scheduler: DdimScheduler, numSteps: number, shape: number[], seed: number, imageStart?: { image: tf.Tensor; startIndex: number }): tf.Tensor {
  const start = random.normal(random.key(seed), shape);
  const { state: first, timesteps } = scheduler.init(numSteps, shape, { key: start.key, startIndex: imageStart?.startIndex });
  const steps = Array.from(timesteps.dataSync());
  let state = first;
  let x = start.sample;
  if (imageStart) {
    x = scheduler.addNoise(imageStart.image, start.sample, Array(shape[0]).fill(steps[0]));
    start.sample.dispose();
  }
  for (const t of steps) {
    const prediction = tf.mul(x, t / (t + 1));
    const out = scheduler.step(state, x, prediction);
    tf.dispose([x, prediction, out.denoised]);
    ({ state, sample: x } = out);
  }
  state.dispose();
  timesteps.dispose();
  return x;
}
