/** The step the benchmark times, set up on the active backend: shared by every figure. */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimState } from '../src';
import { RUN_STEPS, STEP_INDEX, STEP_OPTIONS } from './config';

/** A scheduler standing at step STEP_INDEX of a RUN_STEPS-step run. */
export function midRun(shape: number[]): { scheduler: DdimScheduler; state: DdimState; timesteps: tf.Tensor } {
  const scheduler = new DdimScheduler(STEP_OPTIONS);
  const { state: first, timesteps } = scheduler.init(RUN_STEPS, shape, { seed: 0 });
  let state = first;
  const zeros = tf.zeros(shape);
  for (let i = 0; i < STEP_INDEX; i++) {
    const out = scheduler.step(state, zeros, zeros, { noise: zeros });
    tf.dispose([out.sample, out.denoised]);
    state = out.state;
  }
  zeros.dispose();
  return { scheduler, state, timesteps };
}

/**
 * Inputs as a step meets them: x = sqrt(a) x0 + sqrt(1 - a) eps with x0 uniform in [-1, 1],
 * a prediction of eps off by 0.1 N(0, 1), and z ~ N(0, 1); made on the device.
 */
export function stepInputs(shape: number[], alphaBar: number) {
  return tf.tidy(() => {
    const eps = tf.randomNormal(shape, 0, 1, 'float32', 1);
    const sample = tf.add(tf.mul(tf.randomUniform(shape, -1, 1, 'float32', 2), Math.sqrt(alphaBar)), tf.mul(eps, Math.sqrt(1 - alphaBar)));
    const prediction = tf.add(eps, tf.randomNormal(shape, 0, 0.1, 'float32', 3));
    return { sample, prediction, noise: tf.randomNormal(shape, 0, 1, 'float32', 4) };
  });
}

/** Waits until `x` is computed, by reading one value of it. */
export async function sync(x: tf.Tensor): Promise<void> {
  const probe = tf.slice(x, x.shape.map(() => 0), x.shape.map(() => 1));
  await probe.data();
  probe.dispose();
}

