import * as tf from '@tensorflow/tfjs-core';
import { fusedDdimUpdate } from '../kernels';
import type { DdimStepCoefficients } from './ddim_coefficients';

/** The tensors of one DDIM update. */
export interface DdimUpdateInputs {
  /** x_t. */
  readonly sample: tf.Tensor;
  /** The model output, of the sample's shape. */
  readonly prediction: tf.Tensor;
  /** A standard normal z of the sample's shape (scaled by sigma here), or null when no noise is added. */
  readonly noise: tf.Tensor | null;
  /**
   * Dynamic thresholding (Imagen, arXiv 2205.11487): one s >= 1 per item of the first axis,
   * shape [batch]; x0 becomes clamp(x0, -s, s) / s. Null: no thresholding.
   */
  readonly threshold: tf.Tensor | null;
}

export interface DdimUpdateFlags {
  /** Clip x0 to [-clipRange, clipRange]; null: no clipping. Ignored when a threshold is given. */
  readonly clipRange: number | null;
  /** Re-derive eps from the clipped x0 (GLIDE). */
  readonly rederiveNoise: boolean;
}

/** The coefficients an update reads, by name (a step's `DdimStepCoefficients` has them all). */
export const DDIM_UPDATE_COEFFICIENTS = [
  'denoisedFromSample',
  'denoisedFromPrediction',
  'noiseFromSample',
  'noiseFromPrediction',
  'rederivedNoiseFromSample',
  'rederivedNoiseFromDenoised',
  'prevFromDenoised',
  'prevFromNoise',
  'sigma',
] as const;

export type DdimUpdateCoefficients = Pick<DdimStepCoefficients, (typeof DDIM_UPDATE_COEFFICIENTS)[number]>;

export interface DdimUpdateResult {
  /** x_{t-1}. */
  readonly sample: tf.Tensor;
  /** The predicted x0, after clipping or thresholding. */
  readonly denoised: tf.Tensor;
}

/**
 * One DDIM update (arXiv 2010.02502, eq. 12): the fused kernel of the active backend where it
 * has one (cpu, webgl, webgpu; see src/kernels), the chain of tfjs ops otherwise. Both
 * give the same float32 numbers (on a GPU, up to a compiler fusing a multiply-add). Call
 * inside a `tf.tidy`.
 */
export function ddimUpdate(inputs: DdimUpdateInputs, coefficients: DdimUpdateCoefficients, flags: DdimUpdateFlags): DdimUpdateResult {
  return fusedDdimUpdate(inputs, coefficients, flags) ?? ddimUpdateOps(inputs, coefficients, flags);
}

/** The DDIM update as a chain of tfjs ops; the reference the fused kernels are tested against. */
export function ddimUpdateOps(inputs: DdimUpdateInputs, coefficients: DdimUpdateCoefficients, flags: DdimUpdateFlags): DdimUpdateResult {
  const { sample, prediction, noise, threshold } = inputs;
  const c = coefficients;
  // "predicted x0" of eq. (12)
  const unclipped = weightedSum(sample, c.denoisedFromSample, prediction, c.denoisedFromPrediction);
  const denoised = threshold !== null ? applyThreshold(unclipped, threshold) : flags.clipRange !== null ? tf.clipByValue(unclipped, -flags.clipRange, flags.clipRange) : unclipped;
  const predictedNoise = flags.rederiveNoise
    ? weightedSum(sample, c.rederivedNoiseFromSample, denoised, c.rederivedNoiseFromDenoised)
    : weightedSum(sample, c.noiseFromSample, prediction, c.noiseFromPrediction);
  // "direction pointing to x_t" and the random term of eq. (12)
  let prevSample = weightedSum(denoised, c.prevFromDenoised, predictedNoise, c.prevFromNoise);
  if (noise !== null && c.sigma > 0) prevSample = tf.add(prevSample, tf.mul(noise, c.sigma));
  return { sample: prevSample, denoised };
}

/** clamp(x0, -s, s) / s with s broadcast along every axis but the first. */
function applyThreshold(x0: tf.Tensor, threshold: tf.Tensor): tf.Tensor {
  const s = tf.reshape(threshold, [x0.shape[0], ...x0.shape.slice(1).map(() => 1)]);
  return tf.div(tf.minimum(tf.maximum(x0, tf.neg(s)), s), s);
}

/** wa * a + wb * b, skipping the ops that a weight of 0 or 1 makes unnecessary. */
function weightedSum(a: tf.Tensor, wa: number, b: tf.Tensor, wb: number): tf.Tensor {
  const scaled = (x: tf.Tensor, w: number) => (w === 1 ? x : tf.mul(x, w));
  if (wa === 0) return scaled(b, wb);
  if (wb === 0) return scaled(a, wa);
  return tf.add(scaled(a, wa), scaled(b, wb));
}
