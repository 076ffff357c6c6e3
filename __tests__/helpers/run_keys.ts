/** The Nx PRNG key through a run, for the specs of which steps draw noise. */
import * as tf from '@tensorflow/tfjs-core';
import type { Scheduler } from 'tfjs-diffusion-schedulers';

/**
 * The key of every state of a run from seed 0 (init's, then each step's; a draw splits it):
 * `numSteps` steps on shape [3], with every sample and model output filled with `value`.
 */
export function keysOfRun(scheduler: Scheduler, numSteps: number, value: number): number[][] {
  const { state: first, timesteps } = scheduler.init(numSteps, [3], { seed: 0 });
  const keys = [Array.from(first.key!)];
  let state = first;
  const x = tf.fill([3], value);
  for (let i = 0; i < numSteps; i++) {
    const out = scheduler.step(state, x, x);
    tf.dispose([out.sample, out.denoised]);
    state = out.state;
    keys.push(Array.from(state.key!));
  }
  tf.dispose([x, timesteps]);
  state.dispose();
  return keys;
}
