import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { EulerFamilyScheduler } from '../euler/family';
import type { SigmaRun } from '../euler/sigma_schedule';
import type { StepPlan } from '../plan';
import { EULER_ANCESTRAL_TABLE, type EulerAncestralOptions, type ResolvedEulerAncestralOptions } from './options';
import { ancestralPlan } from './plan';

/**
 * The ancestral Euler sampler ("Euler a"; k-diffusion's sample_euler_ancestral), with diffusers'
 * EulerAncestralDiscreteScheduler options and numbers: each step moves deterministically to
 * sigmaDown and adds fresh noise of std sigmaUp from the run's generator (the Nx key, or torch's
 * generator in diffusers' order), sigmaUp^2 + sigmaDown^2 = sigmaNext^2. One to four steps suit
 * distilled models (SD-Turbo, SDXL-Turbo); 20 to 50 others.
 *
 * predictionType 'sample' is computed (x0 is the model output), where diffusers raises
 * NotImplementedError.
 */
export class EulerAncestralScheduler extends EulerFamilyScheduler<ResolvedEulerAncestralOptions> {
  constructor(options: EulerAncestralOptions = {}) {
    super(EULER_ANCESTRAL_TABLE, options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top; keys of other schedulers are ignored, an unknown
   * value of a known key throws.
   */
  static fromDiffusersConfig(config: object | string, overrides: EulerAncestralOptions = {}): EulerAncestralScheduler {
    return new EulerAncestralScheduler(optionsFromDiffusersConfig(EULER_ANCESTRAL_TABLE, config, overrides));
  }

  protected plans({ timesteps, sigmas }: SigmaRun): StepPlan[] {
    return Array.from(timesteps, (timestep, i) => ancestralPlan(this.options.predictionType, timestep, sigmas[i], sigmas[i + 1]));
  }
}
