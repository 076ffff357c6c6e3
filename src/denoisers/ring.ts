/**
 * The `ring` data set and its exact denoiser: a 2-D mixture of 8 equal Gaussians with means
 * at radius 2 on the angles k pi / 4 and standard deviation s = 0.05.
 *
 * Why the denoiser is exact. Under x_t = alpha x0 + sigma eps (DDPM: alpha = sqrt(alpha-bar),
 * sigma = sqrt(1 - alpha-bar); rectified flow: alpha = 1 - sigma), component k of the data
 * becomes N(alpha mu_k, v I) with v = alpha^2 s^2 + sigma^2, and (x0, x_t) are jointly Gaussian
 * within it, so
 *   p_t(x) = (1/8) sum_k N(x; alpha mu_k, v I),
 *   P(k | x_t) = w_k(x_t) = softmax_k(-|x_t - alpha mu_k|^2 / (2 v)),
 *   E[x0 | x_t, k] = mu_k + (alpha s^2 / v) (x_t - alpha mu_k),
 *   E[eps | x_t, k] = (sigma / v) (x_t - alpha mu_k)     (Gaussian conditioning),
 * and with m = sum_k w_k mu_k the posterior mean of the component means,
 *   E[x0 | x_t] = m + (alpha s^2 / v) (x_t - alpha m),   E[eps | x_t] = (sigma / v) (x_t - alpha m):
 * the minimum-mean-square predictions a perfectly trained model would make. They agree with
 * Tweedie's formula (Robbins 1956; Efron, JASA 2011), E[eps | x_t] = -sigma grad log p_t(x_t),
 * and neither divides by alpha or sigma, so they hold at alpha = 0 (a flow's first step) too.
 * In the softmax, -|x - alpha mu_k|^2 / (2 v) = (alpha x . mu_k) / v - (|x|^2 + alpha^2 |mu_k|^2) / (2 v),
 * and the last term is the same for every k (all means have norm 2): the weights are
 * softmax_k(alpha / v * x . mu_k), two small matrix products and no broadcast.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../sampling/denoiser';
import { noiseLevelOf } from './noise_level';
import { predictionOf } from './prediction';
import { readSchedule, type ScheduleSource } from './schedule_source';

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
 * The exact denoiser of the ring data for `scheduler` (its prediction type, and alpha-bars if
 * it has them, read once). Samples have shape [..., 2]; the noise level comes from the host
 * numbers in `info` (alpha and sigma, or a DDPM-family timestep), so a call reads nothing
 * back. Run DDIM with `clipDenoisedSample: false`: the data lie at radius 2, outside the
 * default clip range [-1, 1].
 */
export function ringDenoiser(scheduler: ScheduleSource): Denoiser {
  const { alphaBars, predictionType } = readSchedule('ringDenoiser', scheduler);
  const means = ringMeans();
  return (sample, _timestep, info) => {
    if (sample.shape[sample.rank - 1] !== 2) throw new RangeError(`ringDenoiser needs samples of shape [..., 2], got ${JSON.stringify(sample.shape)}`);
    const level = noiseLevelOf('ringDenoiser', alphaBars, info);
    const { alpha, sigma } = level;
    const variance = alpha * alpha * RING_STD * RING_STD + sigma * sigma;
    return tf.tidy(() => {
      const points = tf.reshape(sample, [-1, 2]);
      const meansTensor = tf.tensor2d(means); // [8, 2]
      const weights = tf.softmax(tf.mul(tf.matMul(points, meansTensor, false, true), alpha / variance)); // w_k: [n, 8]
      const weightedMean = tf.matMul(weights, meansTensor); // m = sum_k w_k mu_k: [n, 2]
      const residual = tf.sub(points, tf.mul(weightedMean, alpha)); // x_t - alpha m
      const noise = tf.reshape(tf.mul(residual, sigma / variance), sample.shape);
      const denoised = tf.reshape(tf.add(weightedMean, tf.mul(residual, (alpha * RING_STD * RING_STD) / variance)), sample.shape);
      return predictionOf(predictionType, level, denoised, noise);
    });
  };
}
