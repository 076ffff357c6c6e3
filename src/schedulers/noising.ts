import * as tf from '@tensorflow/tfjs-core';
import { checkNoisingInputs, type ItemTimestepRule } from './noising_inputs';

/** One timestep per item of the first axis: host numbers, or an int32 tensor on the device. */
export type ItemTimesteps = readonly number[] | tf.Tensor1D;

/**
 * The forward process of DDPM (arXiv 2006.11239, eq. 4) at one timestep per item of the first
 * axis: sqrt(a_t) * original + sqrt(1 - a_t) * noise. One `tf.tidy`, no read-back.
 */
export function addNoise(alphaBars: Float32Array, original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkNoisingInputs('original', original, noise, timesteps, trainingTimesteps(alphaBars));
  return tf.tidy(() => {
    const { signal, noiseScale } = itemScales(alphaBars, timesteps, original.shape);
    return tf.add(tf.mul(original, signal), tf.mul(noise, noiseScale));
  });
}

/**
 * The velocity v = sqrt(a_t) * noise - sqrt(1 - a_t) * sample (progressive distillation,
 * arXiv 2202.00512, appendix D), the training target of 'angular_velocity' models, at one
 * timestep per item of the first axis. One `tf.tidy`, no read-back.
 */
export function getVelocity(alphaBars: Float32Array, sample: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkNoisingInputs('sample', sample, noise, timesteps, trainingTimesteps(alphaBars));
  return tf.tidy(() => {
    const { signal, noiseScale } = itemScales(alphaBars, timesteps, sample.shape);
    return tf.sub(tf.mul(noise, signal), tf.mul(sample, noiseScale));
  });
}

/** The training timesteps as addNoise and getVelocity take them: integers in [0, T - 1], int32 on the device. */
function trainingTimesteps(alphaBars: Float32Array): ItemTimestepRule {
  const last = alphaBars.length - 1;
  return { dtypes: ['int32'], each: `an integer in [0, ${last}]`, all: `integers in [0, ${last}]`, accepts: (t) => Number.isInteger(t) && t >= 0 && t <= last };
}

/**
 * sqrt(a_t) and sqrt(1 - a_t) per item, shaped to broadcast along every axis but the first.
 * Host timesteps take the host values (float64 square roots, rounded once); a tensor of
 * timesteps picks them on the device from tables made here, through a one-hot product (a
 * gather reads its indices back on some backends), and an out-of-range timestep (which cannot
 * be seen without reading the tensor back) gives NaN for its item.
 */
function itemScales(alphaBars: Float32Array, timesteps: ItemTimesteps, shape: readonly number[]): { signal: tf.Tensor; noiseScale: tf.Tensor } {
  const broadcastShape = [shape[0], ...shape.slice(1).map(() => 1)];
  const signalTable = Float32Array.from(alphaBars, Math.sqrt);
  const noiseTable = Float32Array.from(alphaBars, (alphaBar) => Math.sqrt(1 - alphaBar));
  if (!(timesteps instanceof tf.Tensor)) {
    return {
      signal: tf.tensor(Float32Array.from(timesteps, (t) => signalTable[t]), broadcastShape),
      noiseScale: tf.tensor(Float32Array.from(timesteps, (t) => noiseTable[t]), broadcastShape),
    };
  }
  const inRange = tf.logicalAnd(tf.greaterEqual(timesteps, 0), tf.less(timesteps, alphaBars.length));
  const oneHot = tf.oneHot(timesteps, alphaBars.length); // [batch, T]; a row of zeros out of range
  const picked = (table: Float32Array) => tf.reshape(tf.where(inRange, tf.sum(tf.mul(oneHot, tf.tensor1d(table)), 1), tf.fill([shape[0]], NaN)), broadcastShape);
  return { signal: picked(signalTable), noiseScale: picked(noiseTable) };
}
