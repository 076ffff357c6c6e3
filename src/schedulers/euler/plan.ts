import { weightedSum, type Value } from '../../kernels/combination';
import { NOISE, SAMPLE, type StepPlan } from '../plan';
import type { ResolvedEulerOptions } from './options';
import { denoisedValue, derivativeValue, sigmaModelInput } from './sigma_step';

const f32 = Math.fround;

/** What one Euler step needs of its run: its timestep, the level it starts from and the one it lands on. */
export interface EulerStepLevels {
  readonly timestep: number;
  readonly sigma: number;
  readonly sigmaNext: number;
  /** diffusers' len(scheduler.sigmas) - 1, which divides sChurn. */
  readonly churnDivisor: number;
}

/**
 * One step of Euler's method on the probability-flow ODE (Karras et al. 2022, arXiv 2206.00364,
 * Algorithm 2 without its second-order correction; k-diffusion's sample_euler), as diffusers'
 * EulerDiscreteScheduler.step computes it:
 *
 *   gamma     = min(sChurn / churnDivisor, sqrt(2) - 1) if sTmin <= sigma <= sTmax, else 0
 *   sigmaHat  = sigma (gamma + 1)
 *   x         = x + (z sNoise) sqrt(sigmaHat^2 - sigma^2)      (only if gamma > 0, with a fresh draw z)
 *   denoised  = x0 from x and the model output (sigma_step.ts)
 *   x_next    = x + ((x - denoised) / sigmaHat) (sigmaNext - sigmaHat)
 *
 * The draw happens only on steps with gamma > 0, as diffusers calls randn_tensor there only.
 * The model was called at sigma, on the sample before the churn (diffusers' order).
 */
export function eulerPlan(options: ResolvedEulerOptions, { timestep, sigma, sigmaNext, churnDivisor }: EulerStepLevels): StepPlan {
  // diffusers compares the float32 sigma with the bounds in float32.
  const churns = f32(options.sTmin) <= sigma && sigma <= f32(options.sTmax);
  const gamma = churns ? Math.min(options.sChurn / churnDivisor, Math.SQRT2 - 1) : 0;
  const sigmaHat = f32(sigma * f32(gamma + 1));
  const drawsNoise = gamma > 0;
  const sample = drawsNoise ? 'churned' : SAMPLE;
  const churn: Value[] = drawsNoise
    ? [
        weightedSum('eps', [[NOISE, options.sNoise]]),
        weightedSum('churned', [
          [SAMPLE, 1],
          ['eps', f32(Math.sqrt(f32(f32(sigmaHat * sigmaHat) - f32(sigma * sigma))))],
        ]),
      ]
    : [];
  return {
    timestep,
    ...sigmaModelInput(sigma),
    combination: {
      values: [
        ...churn,
        denoisedValue(options.predictionType, sample, sigma, sigmaHat),
        derivativeValue(sample, sigmaHat),
        weightedSum('prev', [
          [sample, 1],
          ['derivative', f32(sigmaNext - sigmaHat)],
        ]),
      ],
      outputs: ['prev', 'denoised'],
    },
    sample: 'prev',
    denoised: 'denoised',
    drawsNoise,
    keep: {},
  };
}
