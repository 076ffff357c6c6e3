import * as tf from '@tensorflow/tfjs-core';
import { normal, split } from '../random';
import { checkSampleTensor, checkStepState } from './check_step';
import type { DdimStepCoefficients } from './ddim_coefficients';
import type { ResolvedDdimOptions } from './ddim_options';
import { DdimState } from './ddim_state';
import { ddimUpdate } from './ddim_update';
import { dynamicThreshold } from './dynamic_threshold';

export interface DdimStepResult {
  /** The state for the next step. */
  state: DdimState;
  /** x_{t-1}: the sample after this step (the caller's to dispose). */
  sample: tf.Tensor;
  /** The predicted x0 of eq. (12), after clipping or thresholding (the caller's to dispose). */
  denoised: tf.Tensor;
}

/**
 * One DDIM step (arXiv 2010.02502, eqs. 12 and 16) of `owner`'s run with the state's
 * coefficients: checks first, then one `tf.tidy`, no read-back to the host, inputs left
 * undisposed. `opts.noise` replaces the standard normal draw of eta > 0 for this step.
 */
export function ddimStep(
  owner: object,
  options: ResolvedDdimOptions,
  state: DdimState,
  sample: tf.Tensor,
  prediction: tf.Tensor,
  opts: { noise?: tf.Tensor },
): DdimStepResult {
  checkStepState(state, owner);
  checkSampleTensor('sample', sample, state.sampleShape, 'the sampleShape given to init');
  checkSampleTensor('prediction', prediction, sample.shape, 'the shape of sample');
  const injectedNoise = opts.noise;
  if (injectedNoise !== undefined) checkSampleTensor('opts.noise', injectedNoise, sample.shape, 'the shape of sample');

  const coefficients = state.run.coefficients[state.iteration];
  const drawsNoise = options.eta > 0;
  // Bumblebee advances the key on every step with eta > 0, the last included: (next, draw) = split(key).
  const nextKey = drawsNoise ? split(state.prngKey)[0] : state.prngKey;
  const inputs = new Set<tf.Tensor>([sample, prediction]);
  const result = tf.tidy(() => {
    let noise: tf.Tensor | null = null;
    if (drawsNoise && coefficients.sigma > 0) noise = injectedNoise ?? normal(state.prngKey, sample.shape).sample;
    if (noise) inputs.add(noise);
    const threshold = options.thresholding
      ? dynamicThreshold(predictedDenoised(sample, prediction, coefficients), options.dynamicThresholdingRatio, options.sampleMaxValue)
      : null;
    const flags = { clipRange: options.clipDenoisedSample ? options.clipSampleRange : null, rederiveNoise: options.rederiveNoise };
    const updated = ddimUpdate({ sample, prediction, noise, threshold }, coefficients, flags);
    // Outputs are the caller's: never hand back an input, nor one tensor twice.
    const denoised = inputs.has(updated.denoised) ? tf.clone(updated.denoised) : updated.denoised;
    const next = inputs.has(updated.sample) || updated.sample === denoised ? tf.clone(updated.sample) : updated.sample;
    return { sample: next, denoised };
  });
  return { state: new DdimState(state.run, state.iteration + 1, nextKey), ...result };
}

/** The "predicted x0" of eq. (12) before clipping, which dynamic thresholding measures. */
function predictedDenoised(sample: tf.Tensor, prediction: tf.Tensor, coefficients: DdimStepCoefficients): tf.Tensor {
  return tf.add(tf.mul(sample, coefficients.denoisedFromSample), tf.mul(prediction, coefficients.denoisedFromPrediction));
}
