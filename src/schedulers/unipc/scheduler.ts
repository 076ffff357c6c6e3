import { configObject, optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { show } from '../../errors';
import { MultistepScheduler, type MultistepInitOptions } from '../multistep/scheduler';
import type { RunSigmas } from '../multistep/run_sigmas';
import type { StepPlan } from '../plan';
import { UNIPC_TABLE, type ResolvedUniPcOptions, type UniPcOptions } from './options';
import { uniPcPlans } from './plan';
import { uniPcSchedule } from './schedule';

/**
 * `init`'s options: the common ones, custom sigmas and mu for dynamic shifting. Custom flow
 * sigmas are the run's as given (diffusers' UniPC shifts them by flow_shift first: the same
 * run for flowShift 1; shift them yourself otherwise), so `sigmasFor`'s sigmas give its run back.
 */
export type UniPcInitOptions = MultistepInitOptions;

/**
 * UniPC (Zhao et al., arXiv 2302.04867), as diffusers' `UniPCMultistepScheduler`: a
 * predictor-corrector of orders 1 to 3 (UniP-p, then UniC-p at the next step, which raises
 * the order by one at no extra model call), B(h) 'bh1' or 'bh2', every sigma schedule
 * including flow sigmas (Wan and other video pipelines). Each step is one fused combination
 * of the sample, the model output and the converted outputs of earlier steps, which the run
 * keeps on the device: two outputs, two GPU programs (see plan.ts for how the corrector does
 * without the previous step's corrected sample).
 *
 * ```ts
 * const scheduler = new UniPcMultistepScheduler({ betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012 });
 * const x0 = await sample(scheduler, unet, { numSteps: 10, shape: [1, 64, 64, 4], seed: 0 });
 * ```
 */
export class UniPcMultistepScheduler extends MultistepScheduler<ResolvedUniPcOptions, UniPcInitOptions> {
  protected readonly ownInitOptions = ['sigmas', 'mu'];

  constructor(options: UniPcOptions = {}) {
    super(UNIPC_TABLE, options);
    const { predictX0, predictionType, thresholding, shiftTerminal, sigmaSchedule } = this.options;
    if (!predictX0 && predictionType === 'flow') {
      throw new RangeError("UniPcMultistepScheduler: predictionType 'flow' needs predictX0 true (a flow prediction converts to x0 only)");
    }
    if (!predictX0 && thresholding) {
      throw new RangeError('UniPcMultistepScheduler: thresholding bounds x0 and needs predictX0 true (diffusers ignores it otherwise)');
    }
    if (shiftTerminal !== null && sigmaSchedule !== 'flow') {
      throw new RangeError(`UniPcMultistepScheduler: shiftTerminal stretches flow sigmas; it needs sigmaSchedule 'flow', got ${show(sigmaSchedule)}`);
    }
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top. DPM-Solver's and DEIS's solver types ('midpoint',
   * 'heun', 'logrho') read as 'bh2', as diffusers does. A solver_p (another scheduler as the
   * predictor) is not supported.
   */
  static fromDiffusersConfig(config: object | string, overrides: UniPcOptions = {}): UniPcMultistepScheduler {
    const entries = configObject(config);
    if (entries.solver_p !== undefined && entries.solver_p !== null) {
      throw new RangeError(`solver_p ${show(entries.solver_p)} is not supported: UniPcMultistepScheduler predicts with UniP; solver_p must be null`);
    }
    return new UniPcMultistepScheduler(optionsFromDiffusersConfig(UNIPC_TABLE, entries, overrides));
  }

  protected runSigmas(numSteps: number, opts: UniPcInitOptions): RunSigmas {
    return uniPcSchedule(this.options, this.training, this.process, numSteps, opts);
  }

  protected plans(run: RunSigmas, start: number): StepPlan[] {
    return uniPcPlans(this.options, run, this.process, start);
  }
}
