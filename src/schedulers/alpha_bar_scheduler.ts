import type * as tf from '@tensorflow/tfjs-core';
import type { SchedulerTable } from '../config/diffusers_keys';
import { addNoise, getVelocity, type ItemTimesteps } from './noising';
import { SchedulerBase, type InitOptions } from './scheduler_base';
import { trainingAlphaBars, type TrainingScheduleOptions } from './training_alpha_bars';

/**
 * A scheduler of the DDPM forward process x_t = sqrt(alpha-bar_t) x0 + sqrt(1 - alpha-bar_t) eps
 * (arXiv 2006.11239, eq. 4) on the training alpha-bars its options make: DDIM, PNDM, LCM, TCD.
 */
export abstract class AlphaBarScheduler<Options extends Partial<TrainingScheduleOptions>, Init extends InitOptions = InitOptions> extends SchedulerBase<Options, Init> {
  readonly initNoiseSigma: number = 1;
  /** alpha-bar_t for t = 0 .. numTrainSteps - 1, float32. */
  protected readonly alphaBarValues: Float32Array;

  protected constructor(table: SchedulerTable<Options>, options: unknown) {
    super(table, options);
    this.alphaBarValues = trainingAlphaBars({ rescaleBetasZeroSnr: false, ...this.options } as TrainingScheduleOptions);
  }

  /** alpha-bar_t for t = 0 .. numTrainSteps - 1 (float32; a copy). */
  get alphaBars(): Float32Array {
    return this.alphaBarValues.slice();
  }

  /**
   * x_t = sqrt(alpha-bar_t) * original + sqrt(1 - alpha-bar_t) * noise, with one timestep per
   * item of the first axis (an array, or an int32 tensor that stays on the device). The result
   * is the caller's.
   */
  addNoise(original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
    return addNoise(this.alphaBarValues, original, noise, timesteps);
  }

  /**
   * v = sqrt(alpha-bar_t) * noise - sqrt(1 - alpha-bar_t) * sample, the training target of an
   * 'angular_velocity' model, with one timestep per item of the first axis. The result is the caller's.
   */
  getVelocity(sample: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
    return getVelocity(this.alphaBarValues, sample, noise, timesteps);
  }
}
