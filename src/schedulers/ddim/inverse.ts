import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { show } from '../../errors';
import { inversionSourceTimesteps } from '../../schedule/previous_timesteps';
import { AlphaBarScheduler } from '../alpha_bar_scheduler';
import type { RunSchedule } from '../plan';
import { startIndexOf, type InitOptions } from '../scheduler_base';
import { ddimCoefficientsBetween } from './coefficients';
import { DDIM_INVERSE_TABLE, type DdimOptions, type ResolvedDdimOptions } from './options';
import { ddimPlan } from './plan';
import { samplingTimesteps } from './scheduler';

/**
 * DDIM inversion: the deterministic DDIM update (arXiv 2010.02502, eq. 12 with eta = 0) run
 * from an image towards noise, as diffusers' `DDIMInverseScheduler` (e.g. for null-text
 * inversion or DiffEdit). Timesteps come in ascending order: the same as DdimScheduler's
 * with the same options, reversed. The step at timestep t moves the sample from the level
 * before it to t: with previousTimestep 'schedule' from the previous timestep of the run,
 * with 'fixed_stride' from t - floor(numTrainSteps / numSteps), as diffusers; on the first
 * step from the initial alpha-bar, which alphaClipStrategy sets: 'one' is 1 (the clean
 * image), 'alpha_zero' is alpha-bar_0 (diffusers' set_alpha_to_one true / false).
 *
 * Takes the options of DdimScheduler; eta must be 0, since inversion is deterministic. The
 * denoiser is called with the timestep the step moves to, as diffusers' pipelines do.
 */
export class DdimInverseScheduler extends AlphaBarScheduler<ResolvedDdimOptions> {
  protected readonly ownInitOptions = [];

  constructor(options: DdimOptions = {}) {
    super(DDIM_INVERSE_TABLE, options);
    if (this.options.eta !== 0) throw new RangeError(`eta must be 0 for DdimInverseScheduler (DDIM inversion is deterministic), got ${show(this.options.eta)}`);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top; see DdimScheduler.fromDiffusersConfig.
   */
  static fromDiffusersConfig(config: object | string, overrides: DdimOptions = {}): DdimInverseScheduler {
    return new DdimInverseScheduler(optionsFromDiffusersConfig(DDIM_INVERSE_TABLE, config, overrides));
  }

  /** One inversion step per timestep, ascending, each from the level before it to that timestep. */
  protected schedule(numSteps: number, opts: InitOptions): RunSchedule {
    const { alphaClipStrategy, previousTimestep, numTrainSteps } = this.options;
    const timesteps = samplingTimesteps(this.options, numSteps).reverse();
    const start = startIndexOf(opts, numSteps);
    const sources = inversionSourceTimesteps(timesteps, previousTimestep, numTrainSteps);
    const initialAlphaBar = alphaClipStrategy === 'one' ? 1 : this.alphaBarValues[0];
    const plans = Array.from(timesteps, (t, i) =>
      ddimPlan(
        this.options,
        t,
        ddimCoefficientsBetween(
          this.options,
          { timestep: sources[i], alphaBar: sources[i] >= 0 ? this.alphaBarValues[sources[i]] : initialAlphaBar },
          { timestep: t, alphaBar: this.alphaBarValues[t] },
        ),
      ),
    );
    return { plans: plans.slice(start), timestepDtype: 'int32' };
  }
}
