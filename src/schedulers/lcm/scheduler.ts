import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import type { StepPlan } from '../plan';
import { LCM_TABLE, type LcmOptions, type ResolvedLcmOptions } from './options';
import { lcmPlan } from './plan';
import { ConsistencyScheduler } from './consistency_scheduler';

/**
 * Latent consistency models (Luo et al., arXiv 2310.04378), 1 to 8 model calls, as Bumblebee's
 * `Bumblebee.Diffusion.LcmScheduler` and diffusers' `LCMScheduler`: each step maps the sample to
 * the consistency model's x0 (`denoised`, what LCM pipelines decode), then noises it to the
 * next timestep with fresh noise from the run's generator; the last step returns `denoised`
 * itself. `init(numSteps, shape, { strength?, timesteps? })` as diffusers' set_timesteps.
 *
 * ```ts
 * const scheduler = new LcmScheduler();
 * let { state, timesteps } = scheduler.init(4, [1, 4, 64, 64], { seed: 0 });
 * ```
 */
export class LcmScheduler extends ConsistencyScheduler<ResolvedLcmOptions> {
  constructor(options: LcmOptions = {}) {
    super(LCM_TABLE, options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top. Keys of other schedulers are ignored; an unknown
   * value of a known key throws, naming the key and the value.
   */
  static fromDiffusersConfig(config: object | string, overrides: LcmOptions = {}): LcmScheduler {
    return new LcmScheduler(optionsFromDiffusersConfig(LCM_TABLE, config, overrides));
  }

  protected plan(timesteps: Int32Array, index: number): StepPlan {
    return lcmPlan(this.options, this.alphaBarValues, timesteps, index);
  }
}
