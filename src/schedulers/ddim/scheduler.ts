import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { checkInteger } from '../../errors';
import { previousTimesteps } from '../../schedule/previous_timesteps';
import { inferenceTimesteps } from '../../schedule/timesteps';
import { AlphaBarScheduler } from '../alpha_bar_scheduler';
import type { RunSchedule } from '../plan';
import { startIndexOf, type InitOptions } from '../scheduler_base';
import { ddimStepCoefficients } from './coefficients';
import { DDIM_TABLE, type DdimOptions, type ResolvedDdimOptions } from './options';
import { ddimPlan } from './plan';

/**
 * The timesteps of a `numSteps`-step sampling run, descending, after checking `numSteps`
 * (minSteps <= numSteps <= numTrainSteps) and that the offset keeps them below numTrainSteps.
 */
export function samplingTimesteps(options: Pick<ResolvedDdimOptions, 'numTrainSteps' | 'timestepsOffset' | 'timestepSpacing'>, numSteps: number, minSteps = 1): Int32Array {
  const { numTrainSteps, timestepsOffset, timestepSpacing } = options;
  checkInteger('numSteps', numSteps, minSteps, numTrainSteps);
  const timesteps = inferenceTimesteps(timestepSpacing, numTrainSteps, numSteps, timestepsOffset);
  if (timesteps[0] >= numTrainSteps) {
    throw new RangeError(
      `timestepsOffset ${timestepsOffset} with numSteps ${numSteps} makes timestep ${timesteps[0]}, outside [0, ${numTrainSteps - 1}]; ` +
        'use fewer steps or a smaller offset',
    );
  }
  return timesteps;
}

/**
 * Denoising diffusion implicit models (Song et al., arXiv 2010.02502), as Bumblebee's
 * `Bumblebee.Diffusion.DdimScheduler`, with the options of diffusers' `DDIMScheduler`.
 *
 * ```ts
 * const scheduler = new DdimScheduler({ betaSchedule: 'quadratic' });
 * let { state, timesteps } = scheduler.init(50, [1, 64, 64, 4], { seed: 0 });
 * let x = tf.randomNormal([1, 64, 64, 4]);
 * while (state.timestep !== undefined) {
 *   const eps = unet(x, state.timestep);
 *   const out = scheduler.step(state, x, eps);
 *   tf.dispose([x, eps, out.denoised]);
 *   ({ state, sample: x } = out);
 * }
 * state.dispose(); timesteps.dispose();
 * ```
 */
export class DdimScheduler extends AlphaBarScheduler<ResolvedDdimOptions> {
  protected readonly ownInitOptions = [];

  constructor(options: DdimOptions = {}) {
    super(DDIM_TABLE, options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top. Keys of other schedulers are ignored; an unknown
   * value of a known key throws, naming the key and the value.
   */
  static fromDiffusersConfig(config: object | string, overrides: DdimOptions = {}): DdimScheduler {
    return new DdimScheduler(optionsFromDiffusersConfig(DDIM_TABLE, config, overrides));
  }

  /** One DDIM step (eqs. 12 and 16) per timestep, from the run's timestep to the next (see previousTimestep). */
  protected schedule(numSteps: number, opts: InitOptions): RunSchedule {
    const timesteps = samplingTimesteps(this.options, numSteps);
    const start = startIndexOf(opts, numSteps);
    const landings = previousTimesteps(timesteps, this.options.previousTimestep, this.options.numTrainSteps);
    const plans = Array.from(timesteps, (t, i) => ddimPlan(this.options, t, ddimStepCoefficients(this.options, this.alphaBarValues, t, landings[i])));
    return { plans: plans.slice(start), timestepDtype: 'int32' };
  }
}
