/**
 * What every backend's fused combination kernel agrees on: its registered name and arguments.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Combination } from './combination';

/** The name the kernel is registered under with `tf.registerKernel`, for each backend that has one. */
export const COMBINATION_KERNEL = 'DiffusionSchedulersCombination';

/**
 * A kernel call: the inputs by the names the combination reads (float32, one shape; THRESHOLDS
 * shaped [batch, 1, ..., 1], the sample's rank), the combination as the attribute. Returns one
 * tensor per output, in order.
 */
export interface CombinationKernelArgs<Backend> {
  readonly inputs: Readonly<Record<string, tf.TensorInfo>>;
  readonly backend: Backend;
  readonly attrs: { readonly combination: Combination };
}
