/**
 * The forward process of the sigma-space schedulers, x_t = x0 + sigma(t) * noise (the
 * variance-exploding view of DDPM, Karras et al. 2022, arXiv 2206.00364, section 2), at one
 * timestep per item of the first axis, with sigma(t) the inverse of the way a run derives its
 * timesteps from its levels, so that addNoise at a run's timestep gives that step's sigma.
 */
import * as tf from '@tensorflow/tfjs-core';
import { show } from '../../errors';
import { interp } from '../../schedule/sigmas';
import { checkFloatTensor, checkSampleTensor } from '../check_step';
import type { ItemTimesteps } from '../noising';
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
  checkFloatTensor('original', original);
  if (original.rank === 0) throw new RangeError('original must have a first (batch) axis, got a scalar');
  checkSampleTensor('noise', noise, original.shape, 'the shape of original');
  const batch = original.shape[0];
  const last = training.sigmas.length - 1;
  const allowed = mapping === 'continuous' ? 'finite numbers (0.25 log sigma)' : `numbers in [0, ${last}]`;
  if (timesteps instanceof tf.Tensor) {
    if (timesteps.isDisposed) throw new Error('timesteps was disposed before the call');
    if ((timesteps.dtype !== 'float32' && timesteps.dtype !== 'int32') || timesteps.rank !== 1 || timesteps.shape[0] !== batch) {
      throw new TypeError(`timesteps must be a float32 or int32 tf.Tensor1D of ${batch} values (one per item of original's first axis), got a ${timesteps.dtype} tensor of shape ${show(timesteps.shape)}`);
    }
    return;
  }
  if (!Array.isArray(timesteps)) throw new TypeError(`timesteps must be an array of ${batch} ${allowed} or a tf.Tensor1D, got ${show(timesteps)}`);
  if (timesteps.length !== batch) throw new RangeError(`timesteps must hold one timestep per item of original's first axis (${batch}), got ${timesteps.length}`);
  timesteps.forEach((t, i) => {
    if (typeof t !== 'number') throw new TypeError(`timesteps[${i}] must be one of ${allowed}, got ${show(t)}`);
    const inRange = mapping === 'continuous' ? Number.isFinite(t) : t >= 0 && t <= last;
    if (!inRange) throw new RangeError(`timesteps[${i}] must be one of ${allowed}, got ${show(t)}`);
  });
}

/**
 * sigma(t) per item on the device, without a read-back: the two neighbouring table entries are
 * picked by one-hot products (a gather reads its indices back on some backends) and blended;
 * a timestep out of range gives NaN for its item.
 */
function deviceSigmas(mapping: TimestepToSigma, training: TrainingSigmas, timesteps: tf.Tensor1D): tf.Tensor {
  const t = tf.cast(timesteps, 'float32');
  if (mapping === 'continuous') return tf.exp(tf.mul(t, 4));
  const table = mapping === 'log' ? training.logSigmas : training.sigmas;
  const last = table.length - 1;
  const clamped = tf.clipByValue(t, 0, last);
  const low = tf.floor(clamped);
  const oneHot = tf.oneHot(tf.cast(low, 'int32'), table.length);
  const pick = (values: Float32Array) => tf.sum(tf.mul(oneHot, tf.tensor1d(values)), 1);
  const lower = pick(table);
  const upper = pick(Float32Array.from(table, (_, i) => table[Math.min(i + 1, last)]));
  const level = tf.add(lower, tf.mul(tf.sub(clamped, low), tf.sub(upper, lower)));
  const sigma = mapping === 'log' ? tf.exp(level) : level;
  const inRange = tf.logicalAnd(tf.greaterEqual(t, 0), tf.lessEqual(t, last));
  return tf.where(inRange, sigma, tf.fill(t.shape, NaN));
}

/**
 * original + sigma(t) * noise per item of the first axis, the timesteps host numbers or a float32
 * or int32 tensor on the device; one `tf.tidy`, no read-back. The result is the caller's.
 */
export function sigmaAddNoise(mapping: TimestepToSigma, training: TrainingSigmas, original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkInputs(mapping, training, original, noise, timesteps);
  return tf.tidy(() => {
    const broadcastShape = [original.shape[0], ...original.shape.slice(1).map(() => 1)];
    const sigmas =
      timesteps instanceof tf.Tensor
        ? deviceSigmas(mapping, training, timesteps)
        : tf.tensor1d(Float32Array.from(timesteps, (t) => sigmaAt(mapping, training, t)));
    return tf.add(original, tf.mul(noise, tf.reshape(sigmas, broadcastShape)));
  });
}
