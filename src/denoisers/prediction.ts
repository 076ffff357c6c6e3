/**
 * The exact denoisers know E[eps | x_t] or E[x0 | x_t]; a scheduler wants the one its
 * predictionType names. With x_t = sqrt(a) x0 + sqrt(1 - a) eps (DDPM, arXiv 2006.11239,
 * eq. 4), each follows from the other, and v = sqrt(a) eps - sqrt(1 - a) x0 (progressive
 * distillation, arXiv 2202.00512, sec. 4). The maps are linear in x0 and eps, so they carry
 * the conditional means over. Each function runs inside the caller's tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ExactPredictionType } from './schedule_source';

function velocity(noise: tf.Tensor, denoised: tf.Tensor, alphaBar: number): tf.Tensor {
  return tf.sub(tf.mul(noise, Math.sqrt(alphaBar)), tf.mul(denoised, Math.sqrt(1 - alphaBar)));
}

/** The prediction from E[eps | x_t]. */
export function predictionFromNoise(predictionType: ExactPredictionType, sample: tf.Tensor, noise: tf.Tensor, alphaBar: number): tf.Tensor {
  if (predictionType === 'noise') return noise;
  const denoised = tf.div(tf.sub(sample, tf.mul(noise, Math.sqrt(1 - alphaBar))), Math.sqrt(alphaBar));
  return predictionType === 'sample' ? denoised : velocity(noise, denoised, alphaBar);
}

/** The prediction from E[x0 | x_t]. */
export function predictionFromDenoised(predictionType: ExactPredictionType, sample: tf.Tensor, denoised: tf.Tensor, alphaBar: number): tf.Tensor {
  if (predictionType === 'sample') return denoised;
  const noise = tf.div(tf.sub(sample, tf.mul(denoised, Math.sqrt(alphaBar))), Math.sqrt(1 - alphaBar));
  return predictionType === 'noise' ? noise : velocity(noise, denoised, alphaBar);
}
