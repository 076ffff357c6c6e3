import * as tf from '@tensorflow/tfjs-core';
import { checkNoisingInputs, type ItemTimestepRule } from './noising_inputs';

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
  checkNoisingInputs('original', original, noise, timesteps, trainingTimesteps(tables.signal.length));
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
  checkNoisingInputs('sample', sample, noise, timesteps, trainingTimesteps(alphaBars.length));
  return tf.tidy(() => {
    const { signal, noiseScale } = itemScales(alphaBarTables(alphaBars), timesteps, sample.shape);
    return tf.sub(tf.mul(noise, signal), tf.mul(sample, noiseScale));
  });
}

/** The training timesteps as addNoise and getVelocity take them: integers in [0, T - 1], int32 on the device. */
function trainingTimesteps(numTrainSteps: number): ItemTimestepRule {
  const last = numTrainSteps - 1;
  return { dtypes: ['int32'], each: `an integer in [0, ${last}]`, all: `integers in [0, ${last}]`, accepts: (t) => Number.isInteger(t) && t >= 0 && t <= last };
}

/**
 * The table entries of each item's timestep, shaped to broadcast along every axis but the
 * first. Host timesteps take the host values; a tensor of timesteps picks them on the device
 * (pickByOneHot), and an out-of-range timestep gives NaN for its item.
 */
function itemScales(tables: LevelTables, timesteps: ItemTimesteps, shape: readonly number[]): { signal: tf.Tensor; noiseScale: tf.Tensor } {
  const broadcastShape = itemBroadcastShape(shape);
  const { signal: signalTable, noise: noiseTable } = tables;
  if (!(timesteps instanceof tf.Tensor)) {
    return {
      signal: tf.tensor(Float32Array.from(timesteps, (t) => signalTable[t]), broadcastShape),
      noiseScale: tf.tensor(Float32Array.from(timesteps, (t) => noiseTable[t]), broadcastShape),
    };
  }
  const oneHot = tf.oneHot(timesteps, signalTable.length); // [batch, T]; a row of zeros out of range
  const picked = (table: Float32Array) => tf.reshape(nanOutside(timesteps, signalTable.length - 1, pickByOneHot(oneHot, table)), broadcastShape);
  return { signal: picked(signalTable), noiseScale: picked(noiseTable) };
}

/** [batch, 1, ..., 1]: one value per item of the first axis of `shape`, broadcast along the others. */
export function itemBroadcastShape(shape: readonly number[]): number[] {
  return [shape[0], ...shape.slice(1).map(() => 1)];
}

/**
 * `values` (one per item) where the item's device timestep lies in [0, last], NaN elsewhere:
 * a timestep out of range cannot be reported without reading the tensor back.
 */
export function nanOutside(timesteps: tf.Tensor, last: number, values: tf.Tensor): tf.Tensor {
  const inRange = tf.logicalAnd(tf.greaterEqual(timesteps, 0), tf.lessEqual(timesteps, last));
  return tf.where(inRange, values, tf.fill(values.shape, NaN));
}

/** table[i] for the i each row of `oneHot` marks (0 for a row of zeros): a gather, which reads its indices back on some backends, as a product. */
export function pickByOneHot(oneHot: tf.Tensor, table: Float32Array): tf.Tensor {
  return tf.sum(tf.mul(oneHot, tf.tensor1d(table)), 1);
}
