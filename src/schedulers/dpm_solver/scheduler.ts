import { configObject, optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { show } from '../../errors';
import { MultistepScheduler, type MultistepInitOptions } from '../multistep/scheduler';
import type { RunSigmas } from '../multistep/run_sigmas';
import type { StepPlan } from '../plan';
import { integratesData } from './coefficients';
import { DPM_SOLVER_TABLE, type DpmSolverOptions, type ResolvedDpmSolverOptions } from './options';
import { dpmSolverPlans } from './plan';
import { dpmSolverSchedule } from './schedule';

/** `init`'s options: the common ones, custom sigmas or timesteps, and mu for dynamic shifting. */
export interface DpmSolverInitOptions extends MultistepInitOptions {
  /** Custom model timesteps (diffusers' set_timesteps(timesteps=...)): numSteps integers in [0, numTrainSteps - 1], descending; sigmaSchedule 'default' only. */
  timesteps?: ArrayLike<number>;
}

/**
 * The multistep DPM-Solver (Lu et al., arXiv 2206.00927) and DPM-Solver++ (arXiv 2211.01095),
 * as diffusers' `DPMSolverMultistepScheduler`: "DPM++ 2M" (and "DPM++ 2M Karras" with
 * sigmaSchedule 'karras'), orders 1 to 3, the SDE variants, every sigma schedule. Each step is
 * one fused combination of the sample, the model output and the converted outputs of the
 * earlier steps, which the run keeps on the device (released when no later step reads them).
 *
 * ```ts
 * const scheduler = new DpmSolverMultistepScheduler({ betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012, sigmaSchedule: 'karras' });
 * const x0 = await sample(scheduler, unet, { numSteps: 20, shape: [1, 64, 64, 4], seed: 0 });
 * ```
 */
export class DpmSolverMultistepScheduler extends MultistepScheduler<ResolvedDpmSolverOptions, DpmSolverInitOptions> {
  protected readonly ownInitOptions = ['sigmas', 'timesteps', 'mu'];

  constructor(options: DpmSolverOptions = {}) {
    super(DPM_SOLVER_TABLE, options);
    const { algorithmType, solverOrder, finalSigmasType, predictionType } = this.options;
    if (algorithmType === 'sde-dpmsolver' && solverOrder === 3) {
      throw new RangeError("DpmSolverMultistepScheduler: algorithmType 'sde-dpmsolver' has no third-order update; use solverOrder 1 or 2, or 'sde-dpmsolver++'");
    }
    if (!integratesData(algorithmType) && finalSigmasType === 'zero') {
      throw new RangeError(
        `DpmSolverMultistepScheduler: finalSigmasType 'zero' needs a data-prediction algorithm ('dpmsolver++' or 'sde-dpmsolver++'); with algorithmType ${show(algorithmType)} use finalSigmasType 'sigma_min'`,
      );
    }
    if (!integratesData(algorithmType) && predictionType === 'flow') {
      throw new RangeError(`DpmSolverMultistepScheduler: predictionType 'flow' needs a data-prediction algorithm ('dpmsolver++' or 'sde-dpmsolver++'), got algorithmType ${show(algorithmType)}`);
    }
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text, with
   * Python's -Infinity), with `overrides` (our option names) on top. DEIS's algorithm_type
   * 'deis' and solver_type 'logrho' read as 'dpmsolver++' and 'midpoint', as diffusers does.
   * variance_type 'learned' or 'learned_range' (a model that also predicts its variance) is not
   * supported; other values (DDPM's 'fixed_small', ...) mean nothing here, as in diffusers.
   */
  static fromDiffusersConfig(config: object | string, overrides: DpmSolverOptions = {}): DpmSolverMultistepScheduler {
    const entries = configObject(config);
    const varianceType = entries.variance_type;
    if (varianceType === 'learned' || varianceType === 'learned_range') {
      throw new RangeError(
        `variance_type ${show(varianceType)} is not supported: DpmSolverMultistepScheduler takes a model output of the sample's shape, so a model that also predicts its variance must hand over its mean channels only (and the config say variance_type null)`,
      );
    }
    return new DpmSolverMultistepScheduler(optionsFromDiffusersConfig(DPM_SOLVER_TABLE, entries, overrides));
  }

  protected runSigmas(numSteps: number, opts: DpmSolverInitOptions): RunSigmas {
    return dpmSolverSchedule(this.options, this.training, this.process, numSteps, opts);
  }

  protected plans(run: RunSigmas, start: number): StepPlan[] {
    return dpmSolverPlans(this.options, run, this.process, start);
  }
}
