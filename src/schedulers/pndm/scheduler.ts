import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { AlphaBarScheduler } from '../alpha_bar_scheduler';
import { samplingTimesteps } from '../ddim/scheduler';
import type { RunSchedule } from '../plan';
import { startIndexOf, type InitOptions } from '../scheduler_base';
import { pndmCalls } from './calls';
import { PNDM_TABLE, type PndmOptions, type ResolvedPndmOptions } from './options';
import { pndmPlan } from './plan';

/**
 * Pseudo numerical methods for diffusion models (Liu et al., arXiv 2202.09778), as Bumblebee's
 * `Bumblebee.Diffusion.PndmScheduler` and diffusers' `PNDMScheduler`: F-PNDM's Runge-Kutta
 * warm-up (4 model calls on each of the first 3 steps), then the linear multistep method (one
 * call per step); or, with `reduceWarmup` (diffusers' skip_prk_steps, Stable Diffusion's
 * configs), a lower-order multistep warm-up of 2 calls. `init(numSteps)` returns one timestep
 * per model call, so the run is longer than numSteps: 10 steps are 19 calls (11 with
 * reduceWarmup). numSteps >= 4 (>= 2 with reduceWarmup).
 *
 * The model outputs later calls combine, and the Runge-Kutta start sample, stay on the device,
 * owned by the run; every step is one fused combination (2 GPU programs), no read-back.
 * `denoised` is the x0 that the step's effective noise gives at its start sample.
 *
 * `startIndex` starts the method at that step of the numSteps-step schedule: its warm-up, then
 * multistep, over the steps left, at least 4 (2 with reduceWarmup). diffusers' img2img pipelines
 * instead cut the call list, which runs PNDM's warm-up on the wrong calls.
 */
export class PndmScheduler extends AlphaBarScheduler<ResolvedPndmOptions> {
  protected readonly ownInitOptions = [];

  constructor(options: PndmOptions = {}) {
    super(PNDM_TABLE, options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top. Keys of other schedulers are ignored; an unknown
   * value of a known key throws, naming the key and the value.
   */
  static fromDiffusersConfig(config: object | string, overrides: PndmOptions = {}): PndmScheduler {
    return new PndmScheduler(optionsFromDiffusersConfig(PNDM_TABLE, config, overrides));
  }

  protected schedule(numSteps: number, opts: InitOptions): RunSchedule {
    const minSteps = this.options.reduceWarmup ? 2 : 4;
    const steps = samplingTimesteps(this.options, numSteps, minSteps);
    const start = startIndexOf(opts, numSteps);
    if (numSteps - start < minSteps) {
      // The warm-up's calls lie between its steps' timesteps: it needs its steps ahead.
      throw new RangeError(`startIndex must be an integer in [0, ${numSteps - minSteps}] (the warm-up takes ${minSteps} steps${this.options.reduceWarmup ? ' with reduceWarmup' : ''}), got ${start}`);
    }
    const calls = pndmCalls(steps.subarray(start), Math.floor(this.options.numTrainSteps / numSteps), this.options.reduceWarmup);
    return { plans: calls.map((_, i) => pndmPlan(this.options, this.alphaBarValues, calls, i)), timestepDtype: 'int32' };
  }
}
