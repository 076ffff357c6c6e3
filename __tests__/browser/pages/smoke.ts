/** A page that starts each backend and runs Bumblebee's default 10-step DDIM loop on it. */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler } from 'tfjs-diffusion-schedulers';
import { useBackend } from './backends';

async function defaultLoop(backend: string) {
  const info = await useBackend(backend);
  const before = tf.memory().numTensors;
  const scheduler = new DdimScheduler();
  const { state: first, timesteps } = scheduler.init(10, [8, 8, 4], { seed: 0 });
  let state = first;
  let sample = tf.tidy(() => tf.reshape(tf.div(tf.range(0, 256, 1, 'float32'), 256), [8, 8, 4]));
  for (const t of await timesteps.data()) {
    const prediction = tf.mul(sample, t / (t + 1));
    const out = scheduler.step(state, sample, prediction);
    tf.dispose([sample, prediction, out.denoised]);
    ({ state, sample } = out);
  }
  const total = tf.sum(sample);
  const sum = (await total.data())[0];
  tf.dispose([total, sample, timesteps]);
  state.dispose();
  return { ...info, sum, leaked: tf.memory().numTensors - before };
}

(window as unknown as { suite: object }).suite = { defaultLoop };
