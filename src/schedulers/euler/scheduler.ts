import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import type { StepPlan } from '../plan';
import { EulerFamilyScheduler } from './family';
import { EULER_TABLE, type EulerOptions, type ResolvedEulerOptions } from './options';
import { eulerPlan } from './plan';
import type { SigmaRun } from './sigma_schedule';

/**
 * Euler's method on the probability-flow ODE in sigma (Karras et al. 2022, arXiv 2206.00364,
 * section 3 and Algorithm 2; k-diffusion's sample_euler), with diffusers' EulerDiscreteScheduler
 * options and numbers: its timesteps (float32), levels (default, Karras, exponential, beta),
 * start noise and model input scaling, and the optional churn (sChurn, sTmin, sTmax, sNoise).
 * Without churn it takes the same steps as DDIM with eta = 0 on the same timesteps.
 *
 * ```ts
 * const scheduler = new EulerScheduler({ betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012, timestepSpacing: 'leading', timestepsOffset: 1 });
 * let { state, timesteps } = scheduler.init(30, [1, 128, 128, 4], { generator: random.torchGenerator(0) });
 * let x = tf.mul(random.torchGenerator(1).randn([1, 128, 128, 4]), state.initNoiseSigma);
 * while (state.timestep !== undefined) {
 *   const input = scheduler.scaleModelInput(state, x);
 *   const eps = unet(input, state.timestep);
 *   const out = scheduler.step(state, x, eps);
 *   tf.dispose([x, input, eps, out.denoised]);
 *   ({ state, sample: x } = out);
 * }
 * state.dispose(); timesteps.dispose();
 * ```
 */
export class EulerScheduler extends EulerFamilyScheduler<ResolvedEulerOptions> {
  constructor(options: EulerOptions = {}) {
    super(EULER_TABLE, options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top. use_karras_sigmas, use_exponential_sigmas and
   * use_beta_sigmas become sigmaSchedule (two of them true throw); keys of other schedulers are
   * ignored; an unknown value of a known key throws, naming the key and the value.
   */
  static fromDiffusersConfig(config: object | string, overrides: EulerOptions = {}): EulerScheduler {
    return new EulerScheduler(optionsFromDiffusersConfig(EULER_TABLE, config, overrides));
  }

  protected plans({ timesteps, sigmas }: SigmaRun): StepPlan[] {
    return Array.from(timesteps, (timestep, i) => eulerPlan(this.options, { timestep, sigma: sigmas[i], sigmaNext: sigmas[i + 1], churnDivisor: sigmas.length - 1 }));
  }
}
