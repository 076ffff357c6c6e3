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
  // The largest itemSize - below values hold ascending order statistics below .. n - 1: the
  // smallest of them is statistic `below`, the second smallest statistic `below + 1`. Reductions
  // and topk pick them out; tf.slice would read the tensor back on the wasm backend.
  const { values: largest } = tf.topk(tf.reshape(tf.abs(denoised), [batch, itemSize]), itemSize - below);
  const lower = tf.min(largest, 1);
  let quantile = lower;
  if (above > below) {
    const upper = tf.neg(tf.min(tf.topk(tf.neg(largest), 2).values, 1)); // second smallest
    quantile = tf.add(lower, tf.mul(tf.sub(upper, lower), rank - below));
  }
  // Not tf.clipByValue: the wasm backend returns garbage when its bounds round to the same
  // float32 (sampleMaxValue just above 1).
  return tf.minimum(tf.maximum(quantile, 1), maxValue) as tf.Tensor1D;
}
