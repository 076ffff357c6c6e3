/**
 * A small trained model for the ring data: a tfjs-layers MLP that predicts the noise eps from
 * x_t and the timestep. `train_ring_mlp.ts` trains it; `fixtures/ring_mlp.json` holds its
 * weights (float32, base64), which the tests load.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Denoiser } from '../../src';

/** Hidden width of both hidden layers. */
export const HIDDEN_UNITS = 32;
/** Frequencies of the sinusoidal time features, in half-turns over the training steps. */
const TIME_FREQUENCIES = [1, 2, 4];
const NUM_TRAIN_STEPS = 1000;
/** Variance of one coordinate of the ring data: radius^2 / 2 + std^2. */
const DATA_VARIANCE = 2 + 0.05 ** 2;
/**
 * Fourier features of the scaled x_t (Tancik et al., arXiv 2006.10739): sin and cos of x . b
 * for b on 8 directions at 2 scales, so that a small MLP can draw the ring's sharp modes.
 */
const POSITION_FREQUENCIES = [1, 3].flatMap((scale) =>
  Array.from({ length: 8 }, (_, k) => [scale * Math.cos((k * Math.PI) / 8), scale * Math.sin((k * Math.PI) / 8)]),
);
const INPUT_SIZE = 2 + 2 * POSITION_FREQUENCIES.length + 1 + 2 * TIME_FREQUENCIES.length;

/**
 * The network's input rows [n, 9]: x_t scaled to unit variance (EDM's c_in, Karras et al.
 * arXiv 2206.00364, table 1: 1 / sqrt(a sigma_data^2 + 1 - a)), then t / T and
 * sin, cos(pi f t / T). `timesteps` is int32 [n]; `alphaBars` the scheduler's.
 */
export function modelInputs(noisy: tf.Tensor, timesteps: tf.Tensor, alphaBars: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const alphaBar = tf.reshape(tf.gather(alphaBars, timesteps), [-1, 1]);
    const scaled = tf.mul(noisy, tf.rsqrt(tf.add(tf.mul(alphaBar, DATA_VARIANCE), tf.sub(1, alphaBar))));
    const phases = tf.matMul(scaled, tf.tensor2d(POSITION_FREQUENCIES), false, true);
    const fraction = tf.reshape(tf.div(tf.cast(timesteps, 'float32'), NUM_TRAIN_STEPS), [-1, 1]);
    const angles = tf.mul(fraction, tf.tensor2d([TIME_FREQUENCIES.map((f) => Math.PI * f)]));
    return tf.concat([scaled, tf.sin(phases), tf.cos(phases), fraction, tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
  });
}

/** The MLP: 9 inputs -> two swish layers -> eps. */
export function buildRingMlp(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [INPUT_SIZE], units: HIDDEN_UNITS, activation: 'swish' }),
      tfl.layers.dense({ units: HIDDEN_UNITS, activation: 'swish' }),
      tfl.layers.dense({ units: 2 }),
    ],
  });
}

/** The weights as JSON: per tensor, its shape and float32 bytes in base64. */
export interface RingMlpWeights {
  hiddenUnits: number;
  weights: { shape: number[]; float32Base64: string }[];
}

export function weightsToJson(model: tfl.LayersModel): RingMlpWeights {
  return {
    hiddenUnits: HIDDEN_UNITS,
    weights: model.getWeights().map((weight) => ({
      shape: weight.shape,
      float32Base64: Buffer.from(new Float32Array(weight.dataSync()).buffer).toString('base64'),
    })),
  };
}

export function ringMlpFromJson(json: RingMlpWeights): tfl.Sequential {
  if (json.hiddenUnits !== HIDDEN_UNITS) throw new Error(`the weights are for ${json.hiddenUnits} hidden units, the model has ${HIDDEN_UNITS}`);
  const model = buildRingMlp();
  const tensors = json.weights.map(({ shape, float32Base64 }) => {
    const bytes = Buffer.from(float32Base64, 'base64');
    return tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), shape);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

/**
 * The model as a denoiser for sample(): samples [n, 2], its inputs made on the device from the
 * int32 timestep. One predict batch for all n (tfjs-layers' default, 32 rows a batch, makes 125
 * batches of a dozen kernels for 4000 points: 28x slower on tfjs-node, 8x on wasm).
 */
export function ringMlpDenoiser(model: tfl.LayersModel, scheduler: { alphaBars: Float32Array }): Denoiser {
  const alphaBarValues = scheduler.alphaBars;
  return (sample, timestep) =>
    tf.tidy(() => {
      const timesteps = tf.tile(tf.reshape(timestep, [1]), [sample.shape[0]]);
      return model.predict(modelInputs(sample, timesteps, tf.tensor1d(alphaBarValues)), { batchSize: sample.shape[0] }) as tf.Tensor;
    });
}
