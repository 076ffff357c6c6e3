/**
 * The `ring` data set and its exact denoiser: a 2-D mixture of 8 equal Gaussians with means
 * at radius 2 on the angles k pi / 4 and standard deviation 0.05.
 *
 * Why the denoiser is exact. Under x_t = sqrt(a) x0 + sqrt(1 - a) eps (a = alpha-bar_t),
 * component k of the data becomes N(sqrt(a) mu_k, v I) with v = a s^2 + 1 - a, so
 *   p_t(x) = (1/8) sum_k N(x; sqrt(a) mu_k, v I),
 *   grad log p_t(x) = -sum_k w_k(x) (x - sqrt(a) mu_k) / v,
 * where w_k(x) = softmax_k(-|x - sqrt(a) mu_k|^2 / (2 v)) are the posterior weights of the
 * components (equal priors and variances cancel in the softmax). Tweedie's formula (Robbins
 * 1956; Efron, "Tweedie's formula and selection bias", JASA 2011) gives
 * E[sqrt(a) x0 | x_t] = x_t + (1 - a) grad log p_t(x_t), hence the minimum-mean-square noise
 * prediction a perfectly trained model would make:
 *   E[eps | x_t] = (x_t - sqrt(a) E[x0 | x_t]) / sqrt(1 - a) = -sqrt(1 - a) grad log p_t(x_t)
 *                = sqrt(1 - a) / v * sum_k w_k(x_t) (x_t - sqrt(a) mu_k)
 *                = sqrt(1 - a) / v * (x_t - sqrt(a) sum_k w_k(x_t) mu_k).
 * In the softmax, -|x - sqrt(a) mu_k|^2 / (2 v) = (sqrt(a) x . mu_k) / v - (|x|^2 + a |mu_k|^2) / (2 v),
 * and the last term is the same for every k (all means have norm 2): the weights are
 * softmax_k(sqrt(a) / v * x . mu_k), two small matrix products and no broadcast.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../sampling/denoiser';
import { predictionFromNoise } from './prediction';
import { alphaBarAt, readSchedule, type ScheduleSource } from './schedule_source';

/** Radius of the circle the means lie on. */
export const RING_RADIUS = 2;
/** Standard deviation of each component. */
export const RING_STD = 0.05;
/** Number of components, at the angles k * 2 pi / RING_MODES. */
export const RING_MODES = 8;

/** The 8 means [x, y], at angles k pi / 4 from the x axis. */
export function ringMeans(): number[][] {
  return Array.from({ length: RING_MODES }, (_, k) => {
    const angle = (2 * Math.PI * k) / RING_MODES;
    return [RING_RADIUS * Math.cos(angle), RING_RADIUS * Math.sin(angle)];
  });
}

/**
 * The exact denoiser of the ring data for `scheduler` (its alpha-bars and prediction type,
 * read once). Samples have shape [..., 2]; the alpha-bar comes from the host timestep in
 * `info`, so a step reads nothing back. Run the scheduler with `clipDenoisedSample: false`:
 * the data lie at radius 2, outside the default clip range [-1, 1].
 */
export function ringDenoiser(scheduler: ScheduleSource): Denoiser {
  const { alphaBars, predictionType } = readSchedule('ringDenoiser', scheduler);
  const means = ringMeans();
  return (sample, _timestep, info) => {
    if (sample.shape[sample.rank - 1] !== 2) throw new RangeError(`ringDenoiser needs samples of shape [..., 2], got ${JSON.stringify(sample.shape)}`);
    const alphaBar = alphaBarAt('ringDenoiser', alphaBars, info);
    const variance = alphaBar * RING_STD * RING_STD + 1 - alphaBar;
    return tf.tidy(() => {
      const points = tf.reshape(sample, [-1, 2]);
      const meansTensor = tf.tensor2d(means); // [8, 2]
      const weights = tf.softmax(tf.mul(tf.matMul(points, meansTensor, false, true), Math.sqrt(alphaBar) / variance)); // w_k: [n, 8]
      const weightedMean = tf.matMul(weights, meansTensor); // sum_k w_k mu_k: [n, 2]
      const noise = tf.mul(tf.sub(points, tf.mul(weightedMean, Math.sqrt(alphaBar))), Math.sqrt(1 - alphaBar) / variance);
      return predictionFromNoise(predictionType, sample, tf.reshape(noise, sample.shape), alphaBar);
    });
  };
}
