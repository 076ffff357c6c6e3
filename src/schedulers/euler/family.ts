import type * as tf from '@tensorflow/tfjs-core';
import type { SchedulerTable } from '../../config/diffusers_keys';
import { checkOptionNames } from '../../errors';
import type { RunSchedule, StepPlan } from '../plan';
import { SchedulerBase, startIndexOf, type InitOptions } from '../scheduler_base';
import type { CustomSchedule } from './custom_schedule';
import type { ResolvedEulerBaseOptions } from './options';
import type { ItemTimesteps } from '../noising';
import { sigmaAddNoise, type TimestepToSigma } from './sigma_noising';
import { ANCESTRAL_SCHEDULE, continuousTimesteps, eulerSigmaRun, runInitNoiseSigma, type EulerScheduleOptions, type SigmaRun } from './sigma_schedule';
import { sigmaSpaceAlphaBars } from '../training_alpha_bars';
import { eulerTrainingSigmas, type TrainingSigmas } from './training_sigmas';

/** `init`'s options for Euler and Euler ancestral: the common ones and a custom schedule (diffusers' set_timesteps(sigmas=..., timesteps=...)). */
export interface EulerInitOptions extends InitOptions, CustomSchedule {}

const SCHEDULE_OPTIONS = ['sigmas', 'timesteps'];

/**
 * What Euler and Euler ancestral share: the training schedule in sigma, the run's levels and
 * timesteps (sigma_schedule.ts), the start noise, and the forward process x0 + sigma eps. Each
 * class turns a run into its plans.
 */
export abstract class EulerFamilyScheduler<Options extends ResolvedEulerBaseOptions> extends SchedulerBase<Options, EulerInitOptions> {
  /**
   * The standard deviation of the start noise of a run over the whole training schedule
   * (diffusers' init_noise_sigma before set_timesteps): the largest training sigma, or
   * sqrt(sigma^2 + 1) for 'leading' spacing. A run's own is `state.initNoiseSigma`.
   */
  readonly initNoiseSigma: number;
  protected readonly ownInitOptions = SCHEDULE_OPTIONS;
  private readonly alphaBarValues: Float32Array;
  private readonly training: TrainingSigmas;

  protected constructor(table: SchedulerTable<Options>, options: unknown) {
    super(table, options);
    this.alphaBarValues = sigmaSpaceAlphaBars(this.options);
    this.training = eulerTrainingSigmas(this.alphaBarValues);
    this.initNoiseSigma = runInitNoiseSigma(this.options.timestepSpacing, this.training.sigmas);
  }

  /** alpha-bar_t for t = 0 .. numTrainSteps - 1 (float32, a copy; the last one 2^-24 after a zero-SNR rescale, as diffusers). */
  get alphaBars(): Float32Array {
    return this.alphaBarValues.slice();
  }

  /** The options the run's schedule reads (Euler ancestral has the default placement of the levels). */
  private get scheduleOptions(): EulerScheduleOptions {
    return { ...ANCESTRAL_SCHEDULE, ...this.options } as EulerScheduleOptions;
  }

  /**
   * The noise levels of a run of `numSteps` steps, on the host: diffusers' `scheduler.sigmas`
   * after set_timesteps (float32 values as float64 numbers, the final one included: one more
   * than the model calls, two more for interpolationType 'log_linear'). `opts` takes the same
   * custom schedule as `init` (sigmas or timesteps); the result can be handed back as
   * `init(numSteps, shape, { sigmas })`.
   */
  sigmasFor(numSteps: number, opts: CustomSchedule = {}): Float64Array {
    checkOptionNames('sigmasFor', opts, SCHEDULE_OPTIONS, '{ sigmas } or { timesteps }');
    return Float64Array.from(eulerSigmaRun(this.scheduleOptions, this.training, numSteps, opts).sigmas);
  }

  /** The plans of a run: call i moves the sample from run.sigmas[i] to run.sigmas[i + 1] at model timestep run.timesteps[i]. */
  protected abstract plans(run: SigmaRun): StepPlan[];

  protected schedule(numSteps: number, opts: EulerInitOptions): RunSchedule {
    const run = eulerSigmaRun(this.scheduleOptions, this.training, numSteps, opts);
    const start = startIndexOf(opts, run.timesteps.length);
    return { plans: this.plans(run).slice(start), timestepDtype: 'float32', initNoiseSigma: runInitNoiseSigma(this.options.timestepSpacing, run.sigmas) };
  }

  /**
   * x_t = original + sigma(t) * noise, one timestep per item of the first axis (host numbers, or
   * a float32 or int32 tensor that stays on the device): at a run's timestep, sigma(t) is that
   * step's level (as diffusers' add_noise, which looks the timestep up in its run). The result
   * is the caller's.
   */
  addNoise(original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
    return sigmaAddNoise(this.timestepToSigma(), this.training, original, noise, timesteps);
  }

  private timestepToSigma(): TimestepToSigma {
    const options = this.scheduleOptions;
    if (continuousTimesteps(options)) return 'continuous';
    return options.sigmaSchedule === 'default' ? 'linear' : 'log';
  }
}
