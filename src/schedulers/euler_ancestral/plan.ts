import { weightedSum } from '../../kernels/combination';
import { NOISE, SAMPLE, type StepPlan } from '../plan';
import type { PredictionType } from '../shared_options';
import { denoisedValue, derivativeValue, sigmaModelInput } from '../euler/sigma_step';

const f32 = Math.fround;

/**
 * k-diffusion's get_ancestral_step with eta = 1: the step from sigmaFrom to sigmaTo splits into a
 * deterministic move to sigmaDown and fresh noise of std sigmaUp, with sigmaUp^2 + sigmaDown^2 =
 * sigmaTo^2 (the ancestral sampler of DDPM, arXiv 2006.11239, in sigma terms):
 *
 *   sigmaUp   = min(sigmaTo, sqrt(sigmaTo^2 (sigmaFrom^2 - sigmaTo^2) / sigmaFrom^2))
 *   sigmaDown = sqrt(sigmaTo^2 - sigmaUp^2)
 *
 * In float32, operation by operation, as diffusers computes it on float32 sigmas (the cap, which
 * diffusers lacks, only keeps a rounding from making sigmaDown the root of a negative number).
 */
export function ancestralStep(sigmaFrom: number, sigmaTo: number): { sigmaUp: number; sigmaDown: number } {
  const toSquared = f32(sigmaTo * sigmaTo);
  const fromSquared = f32(sigmaFrom * sigmaFrom);
  const sigmaUp = Math.min(sigmaTo, f32(Math.sqrt(f32(f32(toSquared * f32(fromSquared - toSquared)) / fromSquared))));
  const sigmaDown = f32(Math.sqrt(f32(toSquared - f32(sigmaUp * sigmaUp))));
  return { sigmaUp, sigmaDown };
}

/**
 * One step of the ancestral Euler sampler (k-diffusion's sample_euler_ancestral), as diffusers'
 * EulerAncestralDiscreteScheduler.step computes it:
 *
 *   denoised = x0 from x and the model output at sigma (euler/sigma_step.ts)
 *   x_next   = x + ((x - denoised) / sigma) (sigmaDown - sigma) + z sigmaUp
 *
 * with a fresh standard normal z on every step (the last too, where sigmaUp = 0: diffusers
 * draws it all the same).
 */
export function ancestralPlan(predictionType: PredictionType, timestep: number, sigma: number, sigmaNext: number): StepPlan {
  const { sigmaUp, sigmaDown } = ancestralStep(sigma, sigmaNext);
  return {
    timestep,
    ...sigmaModelInput(sigma),
    combination: {
      values: [
        denoisedValue(predictionType, SAMPLE, sigma, sigma),
        derivativeValue(SAMPLE, sigma),
        weightedSum('prev', [
          [SAMPLE, 1],
          ['derivative', f32(sigmaDown - sigma)],
          [NOISE, sigmaUp],
        ]),
      ],
      outputs: ['prev', 'denoised'],
    },
    sample: 'prev',
    denoised: 'denoised',
    drawsNoise: true,
    keep: {},
  };
}
