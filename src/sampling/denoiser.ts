import type * as tf from '@tensorflow/tfjs-core';

/** What the loop tells the denoiser, on the host, besides the tensors. */
export interface DenoiserInfo {
  /** The step, from 0 to numSteps - 1. */
  index: number;
  /** The timestep of this step as a host number (the same as the scalar tensor). */
  timestep: number;
  /**
   * The model input's place on the forward process, alpha * x0 + sigma * eps (the state's
   * `noiseLevel`): sample() always gives them; a hand-written loop may.
   */
  alpha?: number;
  sigma?: number;
}

/**
 * A model as the sampling loop calls it: the noisy sample, its timestep as an int32 scalar
 * tensor, and the same on the host. Returns the prediction the scheduler's `predictionType`
 * names (epsilon, v or x0), of the sample's shape, float32; sync or async (a GraphModel's
 * `executeAsync`). The tensors it receives are valid during the call only; the tensor it
 * returns belongs to the loop, which disposes it after the step.
 */
export type Denoiser = (sample: tf.Tensor, timestep: tf.Scalar, info: DenoiserInfo) => tf.Tensor | Promise<tf.Tensor>;
