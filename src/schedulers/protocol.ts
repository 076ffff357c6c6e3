import type * as tf from '@tensorflow/tfjs-core';
import type { ItemTimesteps } from './noising';
import type { StepOptions, StepResult } from './run_step';
import type { InitOptions, InitResult } from './scheduler_base';
import type { SchedulerState } from './state';

/**
 * What every scheduler class is (../shared/API.md, "Every scheduler: one protocol"), so that
 * `sample()`, the command line, `loadScheduler` and user loops treat them alike.
 */
export interface Scheduler {
  /** Every option, resolved (frozen). */
  readonly options: object;
  /** The standard deviation of the start noise of the default schedule (a run's own: state.initNoiseSigma). */
  readonly initNoiseSigma: number;
  /** Starts a run: the first state and the model timesteps in call order (the caller's to dispose). */
  init(numSteps: number, sampleShape: number[], opts?: InitOptions): InitResult;
  /** One step from the state's timestep; the state is used up, use the one returned. */
  step(state: SchedulerState, sample: tf.Tensor, modelOutput: tf.Tensor, opts?: StepOptions): StepResult;
  /** What the model is given at the state's timestep (a new tensor). */
  scaleModelInput(state: SchedulerState, sample: tf.Tensor): tf.Tensor;
  /** The forward process at one timestep per item of the first axis. */
  addNoise(original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor;
  /** The diffusers scheduler_config.json of this scheduler (`_class_name` is the diffusers class). */
  toDiffusersConfig(): Record<string, unknown>;
}
