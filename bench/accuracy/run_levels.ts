/**
 * Where the samples of a run lie on the forward process. The sample given to call i lies at the
 * plan's model-input level times its divisor (the model sees sample / divisor at
 * modelInputLevel). Where the last step lands is in no plan; it is read off the run itself: every
 * deterministic sampler integrates a point mass exactly (its denoiser is constant, its noise
 * prediction constant along the flow, which every linear multistep or exponential-integrator
 * update reproduces), so the host run of the point mass x0 = (1, 0), eps = (0, 1) ends on
 * (alpha_end, sigma_end). The same run checks the assumption at every call: its samples must lie
 * on the plans' levels (`probeGap`).
 */
import type { Scheduler } from '../../src/schedulers/protocol';
import type { NoiseLevel, StepPlan } from '../../src/schedulers/plan';
import { runHostPlans } from './host_plans';
import { predictionOf } from './prediction';

export interface RunLevels {
  readonly plans: readonly StepPlan[];
  readonly predictionType: string;
  /** Whether any call draws noise. */
  readonly stochastic: boolean;
  /** The level of the sample given to each call. */
  readonly sampleLevels: readonly NoiseLevel[];
  /** Where the last step lands (deterministic runs; the data, (1, 0), for stochastic ones). */
  readonly endLevel: NoiseLevel;
  /** The largest gap between the point mass's samples and the plans' levels (relative to the level's size); 0 for stochastic runs. */
  readonly probeGap: number;
}

/**
 * Below this, a landing sigma is an exact 0 seen through float32-rounded divisors (Euler's
 * sqrt(sigma^2 + 1) leaves about 2e-9); the smallest nonzero ends are sigma_min, 1e-3 and up.
 */
const ZERO_SIGMA = 1e-6;

/** The plans of a run of `numSteps` (from init; nothing is left allocated) and its levels. */
export function runLevels(scheduler: Scheduler, numSteps: number): RunLevels {
  const { state, timesteps } = scheduler.init(numSteps, [1]);
  const plans = state.run.plans;
  state.dispose();
  timesteps.dispose();
  const predictionType = (scheduler.options as { predictionType: string }).predictionType;
  const sampleLevels = plans.map((plan) => {
    const divisor = plan.modelInputDivisor ?? 1;
    return { alpha: plan.modelInputLevel.alpha * divisor, sigma: plan.modelInputLevel.sigma * divisor };
  });
  const stochastic = plans.some((plan) => plan.drawsNoise);
  if (stochastic) return { plans, predictionType, stochastic, sampleLevels, endLevel: { alpha: 1, sigma: 0 }, probeGap: 0 };
  const pointMass = Float64Array.of(1, 0);
  const probe = runHostPlans(plans, Float64Array.of(sampleLevels[0].alpha, sampleLevels[0].sigma), (input, level) => {
    const noise = Float64Array.from(input, (x, i) => (x - level.alpha * pointMass[i]) / level.sigma);
    return predictionOf(predictionType, level, pointMass, noise);
  });
  let probeGap = 0;
  sampleLevels.forEach((level, i) => {
    const [alpha, sigma] = probe.samples[i];
    probeGap = Math.max(probeGap, Math.hypot(alpha - level.alpha, sigma - level.sigma) / Math.hypot(level.alpha, level.sigma));
  });
  const [alpha, sigma] = probe.samples[plans.length];
  return { plans, predictionType, stochastic, sampleLevels, endLevel: { alpha, sigma: Math.abs(sigma) < ZERO_SIGMA ? 0 : sigma }, probeGap };
}
