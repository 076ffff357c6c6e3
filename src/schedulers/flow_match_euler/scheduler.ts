import type * as tf from '@tensorflow/tfjs-core';
import { optionsFromDiffusersConfig } from '../../config/from_diffusers';
import { checkInteger, checkOptionNames } from '../../errors';
import type { ItemTimesteps } from '../noising';
import type { RunSchedule } from '../plan';
import { SchedulerBase, startIndexOf } from '../scheduler_base';
import { FLOW_SCHEDULE_OPTIONS, resolveSchedule, type FlowMatchEulerInitOptions, type FlowScheduleOptions } from './init_options';
import { scaleNoise } from './noising';
import { FLOW_MATCH_EULER_TABLE, type FlowMatchEulerOptions, type ResolvedFlowMatchEulerOptions } from './options';
import { flowMatchEulerPlans } from './plan';
import { flowMatchSchedule, type FlowSchedule } from './sigmas';

/**
 * Rectified-flow sampling with Euler steps, as diffusers' `FlowMatchEulerDiscreteScheduler`
 * (Stable Diffusion 3, Flux, Wan, Z-Image): the model predicts the flow v = eps - x0 at
 * x = (1 - sigma) x0 + sigma eps, and each step moves x along it, x + (sigma' - sigma) v.
 * Model timesteps are float32: sigma * numTrainSteps.
 *
 * ```ts
 * const scheduler = FlowMatchEulerScheduler.fromDiffusersConfig(fluxSchedulerConfig);
 * const latents = await sample(scheduler, transformer, {
 *   numSteps: 28, shape: [1, 4096, 64], generator: random.torchGenerator(0),
 *   init: { sigmas: Array.from({ length: 28 }, (_, i) => 1 - i * (1 - 1 / 28) / 27), imageSeqLen: 4096 },
 * });
 * ```
 */
export class FlowMatchEulerScheduler extends SchedulerBase<ResolvedFlowMatchEulerOptions, FlowMatchEulerInitOptions> {
  /** Flow matching starts from unit noise (diffusers' pipelines; the class has no init_noise_sigma). */
  readonly initNoiseSigma = 1;
  protected readonly ownInitOptions = FLOW_SCHEDULE_OPTIONS;

  constructor(options: FlowMatchEulerOptions = {}) {
    super(FLOW_MATCH_EULER_TABLE, options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top. Keys of other schedulers are ignored; an unknown
   * value of a known key throws, naming the key and the value.
   */
  static fromDiffusersConfig(config: object | string, overrides: FlowMatchEulerOptions = {}): FlowMatchEulerScheduler {
    return new FlowMatchEulerScheduler(optionsFromDiffusersConfig(FLOW_MATCH_EULER_TABLE, config, overrides));
  }

  /**
   * The sigmas of a `numSteps`-step run on the host (diffusers' `scheduler.sigmas` after
   * `set_timesteps`: numSteps + 1 float32 values as float64, the final 0, or 1 with invertSigmas).
   */
  sigmasFor(numSteps: number, opts: FlowScheduleOptions = {}): Float64Array {
    checkOptionNames('sigmasFor', opts, FLOW_SCHEDULE_OPTIONS, '{ mu }');
    return Float64Array.from(this.runSchedule(numSteps, opts).sigmas);
  }

  /** One Euler (or stochastic) step per sigma of the schedule, from startIndex on. */
  protected schedule(numSteps: number, opts: FlowMatchEulerInitOptions): RunSchedule {
    const { sigmas, timesteps } = this.runSchedule(numSteps, opts);
    const start = startIndexOf(opts, numSteps);
    return { plans: flowMatchEulerPlans(this.options, sigmas, timesteps).slice(start), timestepDtype: 'float32', initNoiseSigma: 1 };
  }

  /**
   * The forward process (diffusers' `scale_noise`): sigma * noise + (1 - sigma) * original at
   * one model timestep per item of the first axis, sigma = timestep / numTrainSteps.
   */
  addNoise(original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
    return scaleNoise(this.options.numTrainSteps, original, noise, timesteps);
  }

  private runSchedule(numSteps: number, opts: FlowScheduleOptions): FlowSchedule {
    checkInteger('numSteps', numSteps, 1);
    return flowMatchSchedule(this.options, numSteps, resolveSchedule(this.options, numSteps, opts));
  }
}
