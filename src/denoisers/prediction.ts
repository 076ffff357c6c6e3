/**
 * The exact denoisers know E[x0 | x_t] and E[eps | x_t]; a scheduler wants the one its
 * predictionType names. With x_t = alpha x0 + sigma eps, every prediction type is linear in
 * (x0, eps), so the conditional means carry over:
 *
 *   'noise':            eps
 *   'sample':           x0
 *   'flow':             eps - x0, the velocity d x_t / d sigma of the rectified flow
 *                       x_t = (1 - sigma) x0 + sigma eps (diffusers' flow_prediction)
 *   'angular_velocity': (alpha eps - sigma x0) / sqrt(alpha^2 + sigma^2), the velocity
 *                       d x / d phi of the process scaled to alpha^2 + sigma^2 = 1, where it is
 *                       v = alpha eps - sigma x0 (progressive distillation, arXiv 2202.00512, sec. 4)
 *
 * Runs inside the caller's tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseLevel } from '../schedulers/plan';
import type { ExactPredictionType } from './schedule_source';

/** The prediction of `predictionType` from the conditional means of x0 and eps at `level`. */
export function predictionOf(predictionType: ExactPredictionType, { alpha, sigma }: NoiseLevel, denoised: tf.Tensor, noise: tf.Tensor): tf.Tensor {
  switch (predictionType) {
    case 'noise':
      return noise;
    case 'sample':
      return denoised;
    case 'flow':
      return tf.sub(noise, denoised);
    case 'angular_velocity': {
      const norm = Math.hypot(alpha, sigma);
      return tf.sub(tf.mul(noise, alpha / norm), tf.mul(denoised, sigma / norm));
    }
  }
}
