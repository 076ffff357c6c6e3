import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { ConsistencyScheduler } from '../lcm/consistency_scheduler';
import type { StepPlan } from '../plan';
import { TCD_TABLE, type ResolvedTcdOptions, type TcdOptions } from './options';
import { tcdPlan } from './plan';

/**
 * Trajectory consistency distillation (Zheng et al., arXiv 2402.19159), as diffusers'
 * `TCDScheduler`: LCM's timesteps and options, and a step that jumps along the trajectory to
 * s = floor((1 - gamma) t_next), then forward to t_next with fresh noise (`gamma`, diffusers'
 * step argument `eta`, is an option here). The step returns that sample (diffusers'
 * prev_sample) and `denoised`, the model's x0 (diffusers' pred_original_sample, which its
 * output does not hold; its pred_noised_sample is the sample of a step without noise).
 * `init(numSteps, shape, { strength?, timesteps? })` as diffusers' set_timesteps.
 */
export class TcdScheduler extends ConsistencyScheduler<ResolvedTcdOptions> {
  constructor(options: TcdOptions = {}) {
    super(TCD_TABLE, options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names, e.g. `{ gamma }`) on top. Keys of other schedulers are
   * ignored; an unknown value of a known key throws, naming the key and the value.
   */
  static fromDiffusersConfig(config: object | string, overrides: TcdOptions = {}): TcdScheduler {
    return new TcdScheduler(optionsFromDiffusersConfig(TCD_TABLE, config, overrides));
  }

  protected plan(timesteps: Int32Array, index: number): StepPlan {
    return tcdPlan(this.options, this.alphaBarValues, timesteps, index);
  }
}
