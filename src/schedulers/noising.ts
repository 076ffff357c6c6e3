import * as tf from '@tensorflow/tfjs-core';
import { checkDenseArray, show } from '../errors';
import { checkFloatTensor, checkSampleTensor } from './check_step';

/** One timestep per item of the first axis: host numbers, or an int32 tensor on the device. */
export type ItemTimesteps = readonly number[] | tf.Tensor1D;

/**
 * The forward process of DDPM (arXiv 2006.11239, eq. 4) at one timestep per item of the first
 * axis: sqrt(a_t) * original + sqrt(1 - a_t) * noise. One `tf.tidy`, no read-back.
 */
export function addNoise(alphaBars: Float32Array, original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkNoisingInputs(alphaBars, 'original', original, noise, timesteps);
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
  checkNoisingInputs(alphaBars, 'sample', sample, noise, timesteps);
  return tf.tidy(() => {
    const { signal, noiseScale } = itemScales(alphaBars, timesteps, sample.shape);
    return tf.sub(tf.mul(noise, signal), tf.mul(sample, noiseScale));
  });
}

function checkNoisingInputs(alphaBars: Float32Array, name: string, data: unknown, noise: unknown, timesteps: unknown): asserts data is tf.Tensor {
  checkFloatTensor(name, data);
  if (data.rank === 0) throw new RangeError(`${name} must have a first (batch) axis, got a scalar`);
  checkSampleTensor('noise', noise, data.shape, `the shape of ${name}`);
  const batch = data.shape[0];
  const last = alphaBars.length - 1;
  if (timesteps instanceof tf.Tensor) {
    if (timesteps.isDisposed) throw new TypeError('timesteps was disposed before the call');
    if (timesteps.dtype !== 'int32' || timesteps.rank !== 1 || timesteps.shape[0] !== batch) {
      throw new TypeError(`timesteps must be an int32 tf.Tensor1D of ${batch} values (one per item of ${name}'s first axis), got a ${timesteps.dtype} tensor of shape ${show(timesteps.shape)}`);
    }
    return;
  }
  const values = checkDenseArray('timesteps', timesteps, `an array of ${batch} integers in [0, ${last}] or an int32 tf.Tensor1D`);
  if (values.length !== batch) {
    throw new RangeError(`timesteps must hold one timestep per item of ${name}'s first axis (${batch}), got ${values.length}`);
  }
  values.forEach((t, i) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > last) {
      throw new (typeof t === 'number' ? RangeError : TypeError)(`timesteps[${i}] must be an integer in [0, ${last}], got ${show(t)}`);
    }
  });
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
