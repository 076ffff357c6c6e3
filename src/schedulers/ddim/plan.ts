import { weightedSum, type Combination } from '../../kernels/combination';
import { alphaBarLevel, MODEL_OUTPUT, NOISE, SAMPLE, type StepPlan } from '../plan';
import { x0Bound, x0Threshold } from '../x0_bound';
import type { DdimStepCoefficients } from './coefficients';
import type { ResolvedDdimOptions } from './options';

/**
 * The DDIM update (arXiv 2010.02502, eq. 12) with a step's coefficients, as a combination, for
 * the model call at `timestep`:
 *
 *   denoised = bound(x * denoisedFromSample + p * denoisedFromPrediction)      "predicted x0"
 *   eps      = x * noiseFromSample + p * noiseFromPrediction                    (or re-derived from x and the bounded x0, GLIDE)
 *   prev     = denoised * prevFromDenoised + eps * prevFromNoise + z * sigma   "direction pointing to x_t", random noise
 *
 * where the bound is dynamic thresholding, or the clip to ±clipSampleRange, or none.
 */
export function ddimPlan(options: ResolvedDdimOptions, timestep: number, c: DdimStepCoefficients): StepPlan {
  const denoisedTerms = [
    [SAMPLE, c.denoisedFromSample],
    [MODEL_OUTPUT, c.denoisedFromPrediction],
  ] as const;
  const combination: Combination = {
    values: [
      weightedSum('denoised', denoisedTerms, x0Bound(options)),
      options.rederiveNoise
        ? weightedSum('eps', [
            [SAMPLE, c.rederivedNoiseFromSample],
            ['denoised', c.rederivedNoiseFromDenoised],
          ])
        : weightedSum('eps', [
            [SAMPLE, c.noiseFromSample],
            [MODEL_OUTPUT, c.noiseFromPrediction],
          ]),
      weightedSum('prev', [
        ['denoised', c.prevFromDenoised],
        ['eps', c.prevFromNoise],
        [NOISE, c.sigma],
      ]),
    ],
    outputs: ['prev', 'denoised'],
  };
  return {
    timestep,
    // The step starts from alpha-bar c.alphaBar (an inversion: the level before the timestep).
    modelInputLevel: alphaBarLevel(c.alphaBar),
    combination,
    sample: 'prev',
    denoised: 'denoised',
    // Bumblebee splits the key on every step of a run with eta > 0 (the last included), and
    // diffusers draws variance_noise on every such step, whether or not sigma is 0.
    drawsNoise: options.eta > 0,
    threshold: x0Threshold(options, [weightedSum('unbounded', denoisedTerms)]),
    keep: {},
  };
}
