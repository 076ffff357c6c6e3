/**
 * What Euler and Euler ancestral steps share, in the variance-exploding view x = x0 + sigma eps
 * (Karras et al. 2022, arXiv 2206.00364): the model's input, x0 from the model output, and the
 * ODE's derivative dx/dsigma = (x - x0) / sigma (eq. 3 with sigma(t) = t; k-diffusion's to_d).
 * Scalars are computed in float32 where diffusers computes them on float32 tensors.
 */
import { weightedSum, type Value } from '../../kernels/combination';
import { MODEL_OUTPUT, type NoiseLevel } from '../plan';
import type { PredictionType } from '../shared_options';

const f32 = Math.fround;

/**
 * The model's input at level sigma: the sample divided by sqrt(sigma^2 + 1) (diffusers'
 * scale_model_input, float32), which puts it on the DDPM process: alpha x0 + sigma' eps with
 * alpha = 1 / sqrt(sigma^2 + 1), sigma' = sigma / sqrt(sigma^2 + 1).
 */
export function sigmaModelInput(sigma: number): { modelInputDivisor: number; modelInputLevel: NoiseLevel } {
  const norm = Math.sqrt(sigma * sigma + 1);
  return { modelInputDivisor: f32(Math.sqrt(f32(f32(sigma * sigma) + 1))), modelInputLevel: { alpha: 1 / norm, sigma: sigma / norm } };
}

/**
 * The predicted x0 from the sample (the value named `sample`) and the model output, in
 * diffusers' order of terms:
 *   'noise':            x0 = x - sigmaHat * eps
 *   'angular_velocity': x0 = v * (-sigma / sqrt(sigma^2 + 1)) + x / (sigma^2 + 1)   (diffusers uses sigma, not sigmaHat)
 *   'sample':           x0 = the output
 */
export function denoisedValue(predictionType: PredictionType, sample: string, sigma: number, sigmaHat: number): Value {
  switch (predictionType) {
    case 'noise':
      return weightedSum('denoised', [
        [sample, 1],
        [MODEL_OUTPUT, -sigmaHat],
      ]);
    case 'angular_velocity': {
      const squarePlusOne = f32(f32(sigma * sigma) + 1);
      return weightedSum('denoised', [
        [MODEL_OUTPUT, f32(-sigma / f32(Math.sqrt(squarePlusOne)))],
        [sample, 1 / squarePlusOne],
      ]);
    }
    case 'sample':
      return weightedSum('denoised', [[MODEL_OUTPUT, 1]]);
  }
}

/** The derivative (x - x0) / sigma at the level the step starts from. */
export function derivativeValue(sample: string, sigma: number): Value {
  return weightedSum('derivative', [
    [sample, 1 / sigma],
    ['denoised', -1 / sigma],
  ]);
}
