import * as tf from '@tensorflow/tfjs-core';

/**
 * The threshold s of dynamic thresholding (Imagen, arXiv 2205.11487, section 2.3) for each
 * item of the first axis of `denoised`, shape [batch]: the `ratio` quantile of |x0| over the
 * item, interpolated linearly between order statistics as `torch.quantile` (its rank
 * ratio * (n - 1) taken in float32, as torch computes it), clamped to [1, maxValue].
 * On the device, no read-back: the order statistics come from `tf.topk` of the item. Call
 * inside a `tf.tidy`.
 */
export function dynamicThreshold(denoised: tf.Tensor, ratio: number, maxValue: number): tf.Tensor1D {
  const batch = denoised.shape[0];
  const itemSize = denoised.size / batch;
  const rank = Math.fround(Math.fround(ratio) * (itemSize - 1));
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  // The largest itemSize - below values, descending: ascending order statistic j sits at itemSize - 1 - j.
  const count = itemSize - below;
  const { values } = tf.topk(tf.reshape(tf.abs(denoised), [batch, itemSize]), count);
  const orderStatistic = (j: number) => tf.reshape(tf.slice(values, [0, itemSize - 1 - j], [batch, 1]), [batch]);
  const lower = orderStatistic(below);
  const quantile = above === below ? lower : tf.add(lower, tf.mul(tf.sub(orderStatistic(above), lower), rank - below));
  return tf.clipByValue(quantile, 1, maxValue) as tf.Tensor1D;
}
