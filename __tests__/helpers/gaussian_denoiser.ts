/**
 * An exact denoiser for data x0 ~ N(mean, std^2) per coordinate: with x_t = sqrt(a) x0 +
 * sqrt(1 - a) eps, E[x0 | x_t] = mean + sqrt(a) std^2 / (a std^2 + 1 - a) (x_t - sqrt(a) mean),
 * and E[eps | x_t], v follow (DDPM eq. 4; v = sqrt(a) eps - sqrt(1 - a) x0). Defined for every
 * a in [0, 1), zero-SNR's a = 0 included.
 */
import * as tf from '@tensorflow/tfjs-core';

export const GAUSSIAN_MEAN = 0.3;
export const GAUSSIAN_STD = 0.5;

/** `denoiser(x, t)` returns the prediction `predictionType` names, at alpha-bar = alphaBars[t]. */
export function gaussianDenoiser(alphaBars: Float32Array, predictionType: string): (x: tf.Tensor, t: number) => tf.Tensor {
  const [mean, variance] = [GAUSSIAN_MEAN, GAUSSIAN_STD ** 2];
  return (x, t) =>
    tf.tidy(() => {
      const a = alphaBars[t];
      const x0 = tf.add(mean, tf.mul(tf.sub(x, Math.sqrt(a) * mean), (Math.sqrt(a) * variance) / (a * variance + 1 - a)));
      if (predictionType === 'sample') return x0;
      const eps = tf.div(tf.sub(x, tf.mul(x0, Math.sqrt(a))), Math.sqrt(1 - a));
      return predictionType === 'noise' ? eps : tf.sub(tf.mul(eps, Math.sqrt(a)), tf.mul(x0, Math.sqrt(1 - a)));
    });
}

/** Samples of the data: `count` x `size` values of N(mean, std^2), deterministic in `seed`. */
export function gaussianData(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => tf.add(GAUSSIAN_MEAN, tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), GAUSSIAN_STD)));
}
