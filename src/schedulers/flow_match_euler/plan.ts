import { weightedSum, type Combination } from '../../kernels/combination';
import { MODEL_OUTPUT, NOISE, SAMPLE, type NoiseLevel, type StepPlan } from '../plan';
import type { ResolvedFlowMatchEulerOptions } from './options';

/**
 * The step at sigma s to the next sigma s' (float32 values of the run's schedule) for a model
 * predicting the flow v = eps - x0 of x = (1 - s) x0 + s eps (rectified flow, arXiv 2209.03003;
 * SD3, arXiv 2403.03206, eq. 2):
 *
 *   Euler:       prev = x + (s' - s) v,  denoised = x - s v                (x0 of the flow)
 *   stochastic:  x0 = x - s v,           prev = (1 - s') x0 + s' z         (re-noised with fresh z)
 *
 * in diffusers' float32 order (s' - s and 1 - s' rounded first). With inverted sigmas (Mochi)
 * the input is s x0 + (1 - s) eps, the model predicts x0 - eps, and x0 = x + (1 - s) v.
 */
export function flowMatchEulerPlan(options: ResolvedFlowMatchEulerOptions, timestep: number, sigma: number, nextSigma: number): StepPlan {
  const level: NoiseLevel = options.invertSigmas ? { alpha: sigma, sigma: 1 - sigma } : { alpha: 1 - sigma, sigma };
  const denoisedWeight = options.invertSigmas ? 1 - sigma : -sigma;
  const combination: Combination = options.stochasticSampling
    ? {
        values: [
          weightedSum('denoised', [
            [SAMPLE, 1],
            [MODEL_OUTPUT, denoisedWeight],
          ]),
          weightedSum('prev', [
            ['denoised', Math.fround(1 - nextSigma)],
            [NOISE, nextSigma],
          ]),
        ],
        outputs: ['prev', 'denoised'],
      }
    : {
        values: [
          weightedSum('prev', [
            [SAMPLE, 1],
            [MODEL_OUTPUT, Math.fround(nextSigma - sigma)],
          ]),
          weightedSum('denoised', [
            [SAMPLE, 1],
            [MODEL_OUTPUT, denoisedWeight],
          ]),
        ],
        outputs: ['prev', 'denoised'],
      };
  return {
    timestep,
    modelInputLevel: level,
    combination,
    sample: 'prev',
    denoised: 'denoised',
    // diffusers draws on every stochastic step, the last included (where s' = 0 weights it by 0).
    drawsNoise: options.stochasticSampling,
    keep: {},
  };
}

/** One plan per step of the schedule (sigmas with the final one appended). */
export function flowMatchEulerPlans(options: ResolvedFlowMatchEulerOptions, sigmas: Float32Array, timesteps: Float32Array): StepPlan[] {
  return Array.from(timesteps, (timestep, i) => flowMatchEulerPlan(options, timestep, sigmas[i], sigmas[i + 1]));
}
