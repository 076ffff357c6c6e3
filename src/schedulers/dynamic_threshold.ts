import * as tf from '@tensorflow/tfjs-core';

/**
 * The threshold s of dynamic thresholding (Imagen, arXiv 2205.11487, section 2.3) for each
 * item of the first axis of `denoised`, shape [batch]: the `ratio` quantile of |x0| over the
 * item, interpolated linearly between order statistics as `torch.quantile` (its rank
 * ratio * (n - 1) taken in float32, as torch computes it), clamped to [1, maxValue].
 * On the device, no read-back: the order statistics come from `tf.topk` of the item (on webgl
 * with its CPU hand-off lifted). Call inside a `tf.tidy`.
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
  const { values: largest } = topkOnDevice(tf.reshape(tf.abs(denoised), [batch, itemSize]), itemSize - below);
  const lower = tf.min(largest, 1);
  let quantile = lower;
  if (above > below) {
    const upper = tf.neg(tf.min(topkOnDevice(tf.neg(largest), 2).values, 1)); // second smallest
    quantile = tf.add(lower, tf.mul(tf.sub(upper, lower), rank - below));
  }
  // Not tf.clipByValue: the wasm backend returns garbage when its bounds round to the same
  // float32 (sampleMaxValue just above 1).
  return tf.minimum(tf.maximum(quantile, 1), maxValue) as tf.Tensor1D;
}

/**
 * The webgl backend's thresholds below and above which it hands a topk to the CPU (reading the
 * tensor back): a last axis shorter than 100,000 or a k above 128, by default; every latent
 * is. Its GPU sort gives the same values.
 */
const WEBGL_TOPK_HANDOFF: ReadonlyArray<readonly [flag: string, onDevice: number]> = [
  ['TOPK_LAST_DIM_CPU_HANDOFF_SIZE_THRESHOLD', 0],
  ['TOPK_K_CPU_HANDOFF_THRESHOLD', Infinity],
];

/** tf.topk kept on the device: the webgl hand-off flags lifted for the call, then restored. */
function topkOnDevice(x: tf.Tensor, k: number): { values: tf.Tensor; indices: tf.Tensor } {
  const env = tf.env();
  const saved: Array<readonly [string, number]> = [];
  for (const [flag, onDevice] of WEBGL_TOPK_HANDOFF) {
    try {
      saved.push([flag, env.getNumber(flag)]);
      env.set(flag, onDevice);
    } catch {
      // not registered: the webgl backend is not loaded, and no other backend reads the flag
    }
  }
  try {
    return tf.topk(x, k);
  } finally {
    for (const [flag, value] of saved) env.set(flag, value);
  }
}
