/**
 * What every backend's fused DDIM update kernel agrees on: its registered name, its inputs and
 * its attributes. The kernel evaluates the op chain of `ddimUpdateOps` in the same order, in
 * float32, so that it rounds where the chain rounds.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DdimUpdateCoefficients } from '../schedulers/ddim_update';

/** The name the kernel is registered under with `tf.registerKernel`, for each backend that has one. */
export const DDIM_UPDATE_KERNEL = 'DiffusionSchedulersDdimUpdate';

/** The kernel's tensor inputs; all float32, `freshNoise` of the sample's shape. */
export interface DdimUpdateKernelInputs {
  /** x_t. */
  readonly noisySample: tf.TensorInfo;
  /** The model output p. */
  readonly prediction: tf.TensorInfo;
  /** z, present only when sigma * z is added. */
  readonly freshNoise?: tf.TensorInfo;
  /** One dynamic threshold s per item of the first axis, shaped [batch, 1, ..., 1] (the sample's rank). */
  readonly thresholds?: tf.TensorInfo;
}

/**
 * The kernel's attributes: the step's coefficients (host float64 numbers; a kernel rounds them
 * to float32, as the chain's scalar tensors do) and the flags.
 */
export type DdimUpdateAttrs = DdimUpdateCoefficients & {
  /** Clip x0 to [-clipRange, clipRange]; Infinity: no clipping. Ignored when thresholds are given. */
  readonly clipRange: number;
  /** eps from x and the clipped x0 (GLIDE) instead of from x and p. */
  readonly rederiveNoise: boolean;
};

/**
 * The weights of eps = noiseWeightOfSample * x + noiseWeightOfSecond * y, where y is x0 when the
 * noise is re-derived and p otherwise: one formula for both cases.
 */
export function noiseWeights(attrs: DdimUpdateAttrs): { ofSample: number; ofSecond: number } {
  return attrs.rederiveNoise
    ? { ofSample: attrs.rederivedNoiseFromSample, ofSecond: attrs.rederivedNoiseFromDenoised }
    : { ofSample: attrs.noiseFromSample, ofSecond: attrs.noiseFromPrediction };
}

/** The kernel's outputs, in this order: [denoised, nextSample]. */
export type DdimUpdateKernelOutputs = [denoised: tf.TensorInfo, nextSample: tf.TensorInfo];
