import * as tf from '@tensorflow/tfjs-core';
import { show } from '../errors';
import { checkFloatTensor, checkSampleTensor } from './check_step';

/** One timestep per item of the first axis: host numbers, or an int32 tensor on the device. */
export type ItemTimesteps = readonly number[] | tf.Tensor1D;

/**
 * A forward process x_t = signal[t] * x0 + noise[t] * eps as one float32 table entry per
 * training timestep t.
 */
export interface LevelTables {
  readonly signal: Float32Array;
  readonly noise: Float32Array;
}

/** The tables of the DDPM forward process: sqrt(a_t) and sqrt(1 - a_t) of the float32 alpha-bars. */
function alphaBarTables(alphaBars: Float32Array): LevelTables {
  return { signal: Float32Array.from(alphaBars, Math.sqrt), noise: Float32Array.from(alphaBars, (alphaBar) => Math.sqrt(1 - alphaBar)) };
}

/**
 * The forward process of DDPM (arXiv 2006.11239, eq. 4) at one timestep per item of the first
 * axis: sqrt(a_t) * original + sqrt(1 - a_t) * noise. One `tf.tidy`, no read-back.
 */
export function addNoise(alphaBars: Float32Array, original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  return addNoiseAtLevels(alphaBarTables(alphaBars), original, noise, timesteps);
}

/**
 * signal[t] * original + noise[t] * noise, with one timestep per item of the first axis (an
 * integer index of the tables). One `tf.tidy`, no read-back.
 */
export function addNoiseAtLevels(tables: LevelTables, original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkNoisingInputs(tables.signal.length, 'original', original, noise, timesteps);
  return tf.tidy(() => {
    const { signal, noiseScale } = itemScales(tables, timesteps, original.shape);
    return tf.add(tf.mul(original, signal), tf.mul(noise, noiseScale));
  });
}

/**
 * The velocity v = sqrt(a_t) * noise - sqrt(1 - a_t) * sample (progressive distillation,
 * arXiv 2202.00512, appendix D), the training target of 'angular_velocity' models, at one
 * timestep per item of the first axis. One `tf.tidy`, no read-back.
 */
export function getVelocity(alphaBars: Float32Array, sample: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkNoisingInputs(alphaBars.length, 'sample', sample, noise, timesteps);
  return tf.tidy(() => {
    const { signal, noiseScale } = itemScales(alphaBarTables(alphaBars), timesteps, sample.shape);
    return tf.sub(tf.mul(noise, signal), tf.mul(sample, noiseScale));
  });
}

function checkNoisingInputs(numTrainSteps: number, name: string, data: unknown, noise: unknown, timesteps: unknown): asserts data is tf.Tensor {
  checkFloatTensor(name, data);
  if (data.rank === 0) throw new RangeError(`${name} must have a first (batch) axis, got a scalar`);
  checkSampleTensor('noise', noise, data.shape, `the shape of ${name}`);
  const batch = data.shape[0];
  const last = numTrainSteps - 1;
  if (timesteps instanceof tf.Tensor) {
    if (timesteps.isDisposed) throw new Error('timesteps was disposed before the call');
    if (timesteps.dtype !== 'int32' || timesteps.rank !== 1 || timesteps.shape[0] !== batch) {
      throw new TypeError(`timesteps must be an int32 tf.Tensor1D of ${batch} values (one per item of ${name}'s first axis), got a ${timesteps.dtype} tensor of shape ${show(timesteps.shape)}`);
    }
    return;
  }
  if (!Array.isArray(timesteps)) {
    throw new TypeError(`timesteps must be an array of ${batch} integers in [0, ${last}] or an int32 tf.Tensor1D, got ${show(timesteps)}`);
  }
  if (timesteps.length !== batch) {
    throw new RangeError(`timesteps must hold one timestep per item of ${name}'s first axis (${batch}), got ${timesteps.length}`);
  }
  timesteps.forEach((t, i) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > last) {
      throw new (typeof t === 'number' ? RangeError : TypeError)(`timesteps[${i}] must be an integer in [0, ${last}], got ${show(t)}`);
    }
  });
}

/**
 * The table entries of each item's timestep, shaped to broadcast along every axis but the
 * first. Host timesteps take the host values; a tensor of timesteps picks them on the device,
 * through a one-hot product (a gather reads its indices back on some backends), and an
 * out-of-range timestep (which cannot be seen without reading the tensor back) gives NaN for its item.
 */
function itemScales(tables: LevelTables, timesteps: ItemTimesteps, shape: readonly number[]): { signal: tf.Tensor; noiseScale: tf.Tensor } {
  const broadcastShape = [shape[0], ...shape.slice(1).map(() => 1)];
  const { signal: signalTable, noise: noiseTable } = tables;
  if (!(timesteps instanceof tf.Tensor)) {
    return {
      signal: tf.tensor(Float32Array.from(timesteps, (t) => signalTable[t]), broadcastShape),
      noiseScale: tf.tensor(Float32Array.from(timesteps, (t) => noiseTable[t]), broadcastShape),
    };
  }
  const inRange = tf.logicalAnd(tf.greaterEqual(timesteps, 0), tf.less(timesteps, signalTable.length));
  const oneHot = tf.oneHot(timesteps, signalTable.length); // [batch, T]; a row of zeros out of range
  const picked = (table: Float32Array) => tf.reshape(tf.where(inRange, tf.sum(tf.mul(oneHot, tf.tensor1d(table)), 1), tf.fill([shape[0]], NaN)), broadcastShape);
  return { signal: picked(signalTable), noiseScale: picked(noiseTable) };
}
