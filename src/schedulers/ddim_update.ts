import * as tf from '@tensorflow/tfjs-core';
import type { DdimStepCoefficients } from './ddim_coefficients';

export interface DdimUpdateFlags {
  /** Clip x0 to [-1, 1]. */
  readonly clipDenoisedSample: boolean;
  /** Re-derive eps from the clipped x0 (GLIDE). */
  readonly rederiveNoise: boolean;
}

/**
 * One DDIM update (arXiv 2010.02502, eq. 12) as a chain of tfjs ops, given the host-side
 * coefficients of the step. Call inside a `tf.tidy`: intermediates are left to it.
 * `noise` is the standard normal z scaled by sigma (eq. 16), or null when sigma is 0.
 */
export function ddimUpdate(
  sample: tf.Tensor,
  prediction: tf.Tensor,
  noise: tf.Tensor | null,
  coefficients: DdimStepCoefficients,
  flags: DdimUpdateFlags,
): { sample: tf.Tensor; denoised: tf.Tensor } {
  const c = coefficients;
  // "predicted x0" of eq. (12)
  const unclipped = weightedSum(sample, c.denoisedFromSample, prediction, c.denoisedFromPrediction);
  const denoised = flags.clipDenoisedSample ? tf.clipByValue(unclipped, -1, 1) : unclipped;
  const predictedNoise = flags.rederiveNoise
    ? weightedSum(sample, c.rederivedNoiseFromSample, denoised, c.rederivedNoiseFromDenoised)
    : weightedSum(sample, c.noiseFromSample, prediction, c.noiseFromPrediction);
  // "direction pointing to x_t" and the random term of eq. (12)
  let prevSample = weightedSum(denoised, c.prevFromDenoised, predictedNoise, c.prevFromNoise);
  if (noise !== null && c.sigma > 0) prevSample = tf.add(prevSample, tf.mul(noise, c.sigma));
  return { sample: prevSample, denoised };
}

/** wa * a + wb * b, skipping the ops that a weight of 0 or 1 makes unnecessary. */
function weightedSum(a: tf.Tensor, wa: number, b: tf.Tensor, wb: number): tf.Tensor {
  const scaled = (x: tf.Tensor, w: number) => (w === 1 ? x : tf.mul(x, w));
  if (wa === 0) return scaled(b, wb);
  if (wb === 0) return scaled(a, wa);
  return tf.add(scaled(a, wa), scaled(b, wb));
}
