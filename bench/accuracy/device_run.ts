/**
 * A run through the real `step` on the current tfjs backend (the benchmark uses cpu): float32
 * samples and kernels as a user's loop has them, the model answered on the host from the
 * float32 model input it is given (read back each call), its prediction rounded to float32 as a
 * network's output would be.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scheduler } from '../../src/schedulers/protocol';
import type { HostModel } from './host_plans';

/** The samples before each call and after the last (float32 values, widened), from `start` (rounded to float32). */
export function runDevice(scheduler: Scheduler, numSteps: number, start: Float64Array, shape: number[], model: HostModel): Float64Array[] {
  const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 0 });
  timesteps.dispose();
  let state = first;
  let sample = tf.tensor(Float32Array.from(start), shape, 'float32');
  const samples = [Float64Array.from(sample.dataSync())];
  try {
    while (state.timestep !== undefined) {
      const level = state.noiseLevel!;
      const input = scheduler.scaleModelInput(state, sample);
      const prediction = tf.tensor(Float32Array.from(model(Float64Array.from(input.dataSync()), level)), shape, 'float32');
      input.dispose();
      const result = scheduler.step(state, sample, prediction);
      prediction.dispose();
      result.denoised.dispose();
      sample.dispose();
      ({ state, sample } = result);
      samples.push(Float64Array.from(sample.dataSync()));
    }
  } finally {
    state.dispose();
    sample.dispose();
  }
  return samples;
}
