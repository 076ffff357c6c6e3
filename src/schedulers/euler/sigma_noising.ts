/**
 * The forward process of the sigma-space schedulers, x_t = x0 + sigma(t) * noise (the
 * variance-exploding view of DDPM, Karras et al. 2022, arXiv 2206.00364, section 2), at one
 * timestep per item of the first axis, with sigma(t) the inverse of the way a run derives its
 * timesteps from its levels, so that addNoise at a run's timestep gives that step's sigma.
 */
import * as tf from '@tensorflow/tfjs-core';
import { interp } from '../../schedule/sigmas';
import { itemBroadcastShape, nanOutside, pickByOneHot, type ItemTimesteps } from '../noising';
import { checkNoisingInputs } from '../noising_inputs';
import type { TrainingSigmas } from './training_sigmas';

/**
 * How a timestep maps to a level: 'linear' in sigma between the training sigmas (the default
 * schedule, np.interp), 'log' in log sigma (the inverse of diffusers' _sigma_to_t, for Karras,
 * exponential and beta levels), or 'continuous': t = 0.25 log sigma, so sigma = exp(4 t).
 */
export type TimestepToSigma = 'linear' | 'log' | 'continuous';

/** sigma(t) on the host, float64 (the caller rounds it). */
function sigmaAt(mapping: TimestepToSigma, training: TrainingSigmas, timestep: number): number {
  switch (mapping) {
    case 'continuous':
      return Math.exp(4 * timestep);
    case 'log':
      return Math.exp(interp(timestep, training.indices, training.logSigmas));
    case 'linear':
      return interp(timestep, training.indices, training.sigmas);
  }
}

function checkInputs(mapping: TimestepToSigma, training: TrainingSigmas, original: unknown, noise: unknown, timesteps: unknown): asserts original is tf.Tensor {
  const last = training.sigmas.length - 1;
  checkNoisingInputs('original', original, noise, timesteps, {
    dtypes: ['float32', 'int32'],
    each: mapping === 'continuous' ? 'a finite number (0.25 log sigma)' : `a number in [0, ${last}]`,
    all: mapping === 'continuous' ? 'finite numbers (0.25 log sigma)' : `numbers in [0, ${last}]`,
    accepts: (t) => (mapping === 'continuous' ? Number.isFinite(t) : t >= 0 && t <= last),
  });
}

/**
 * sigma(t) per item on the device, without a read-back: the two neighbouring table entries are
 * picked by one-hot products and blended; a timestep out of range gives NaN for its item.
 */
function deviceSigmas(mapping: TimestepToSigma, training: TrainingSigmas, timesteps: tf.Tensor1D): tf.Tensor {
  const t = tf.cast(timesteps, 'float32');
  if (mapping === 'continuous') return tf.exp(tf.mul(t, 4));
  const table = mapping === 'log' ? training.logSigmas : training.sigmas;
  const last = table.length - 1;
  const clamped = tf.clipByValue(t, 0, last);
  const low = tf.floor(clamped);
  const oneHot = tf.oneHot(tf.cast(low, 'int32'), table.length);
  const lower = pickByOneHot(oneHot, table);
  const upper = pickByOneHot(oneHot, Float32Array.from(table, (_, i) => table[Math.min(i + 1, last)]));
  const level = tf.add(lower, tf.mul(tf.sub(clamped, low), tf.sub(upper, lower)));
  return nanOutside(t, last, mapping === 'log' ? tf.exp(level) : level);
}

/**
 * original + sigma(t) * noise per item of the first axis, the timesteps host numbers or a float32
 * or int32 tensor on the device; one `tf.tidy`, no read-back. The result is the caller's.
 */
export function sigmaAddNoise(mapping: TimestepToSigma, training: TrainingSigmas, original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkInputs(mapping, training, original, noise, timesteps);
  return tf.tidy(() => {
    const sigmas =
      timesteps instanceof tf.Tensor
        ? deviceSigmas(mapping, training, timesteps)
        : tf.tensor1d(Float32Array.from(timesteps, (t) => sigmaAt(mapping, training, t)));
    return tf.add(original, tf.mul(noise, tf.reshape(sigmas, itemBroadcastShape(original.shape))));
  });
}
