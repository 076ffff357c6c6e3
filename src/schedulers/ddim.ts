import type * as tf from '@tensorflow/tfjs-core';
import { diffusersConfigOf } from '../config/to_diffusers';
import { optionsFromDiffusersConfig } from '../config/from_diffusers';
import { previousTimesteps } from '../schedule/previous_timesteps';
import { ddimStepCoefficients } from './ddim_coefficients';
import { beginRun, samplingTimesteps } from './ddim_init';
import { resolveDdimOptions, type DdimOptions, type ResolvedDdimOptions } from './ddim_options';
import type { DdimState } from './ddim_state';
import { ddimStep, type DdimStepResult } from './ddim_step';
import type { InitOptions } from './init_key';
import { addNoise, getVelocity, type ItemTimesteps } from './noising';
import { trainingAlphaBars } from './training_alpha_bars';

export type { DdimStepResult } from './ddim_step';

/**
 * Denoising diffusion implicit models (Song et al., arXiv 2010.02502), as Bumblebee's
 * `Bumblebee.Diffusion.DdimScheduler`, with the options of diffusers' `DDIMScheduler`.
 *
 * ```ts
 * const scheduler = new DdimScheduler({ betaSchedule: 'quadratic' });
 * let { state, timesteps } = scheduler.init(50, [1, 4, 64, 64], { seed: 0 });
 * let x = tf.randomNormal([1, 4, 64, 64]);
 * for (const t of timesteps.arraySync()) {
 *   const eps = unet(x, t);
 *   const out = scheduler.step(state, x, eps);
 *   x.dispose(); eps.dispose(); out.denoised.dispose();
 *   ({ state } = out); x = out.sample;
 * }
 * state.dispose(); timesteps.dispose();
 * ```
 */
export class DdimScheduler {
  /** Every option, resolved with its default. */
  readonly options: ResolvedDdimOptions;
  private readonly alphaBarValues: Float32Array;

  constructor(options: DdimOptions = {}) {
    this.options = resolveDdimOptions(options);
    this.alphaBarValues = trainingAlphaBars(this.options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top. Keys of other schedulers are ignored; an unknown
   * value of a known key throws, naming the key and the value.
   */
  static fromDiffusersConfig(config: object | string, overrides: DdimOptions = {}): DdimScheduler {
    return new DdimScheduler(optionsFromDiffusersConfig(config, overrides, 'DdimScheduler'));
  }

  /** The diffusers config of this scheduler (a DDIMScheduler's); `fromDiffusersConfig` reads it back to the same options. */
  toDiffusersConfig(): Record<string, unknown> {
    return diffusersConfigOf('DDIMScheduler', this.options);
  }

  /** alpha-bar_t for t = 0 .. numTrainSteps - 1 (float32; a copy). */
  get alphaBars(): Float32Array {
    return this.alphaBarValues.slice();
  }

  /**
   * Starts a run of `numSteps` steps over samples of `sampleShape`. Returns the state of the
   * first step and the timesteps in call order (int32; the caller's to dispose).
   * `seed` or `key` fixes the noise of eta > 0 (Nx/JAX threefry); without either, a random
   * key. `startIndex` skips the first steps of the schedule (image-to-image).
   */
  init(numSteps: number, sampleShape: number[], opts: InitOptions = {}): { state: DdimState; timesteps: tf.Tensor1D } {
    const timesteps = samplingTimesteps(this.options, numSteps);
    const landings = previousTimesteps(timesteps, this.options.previousTimestep, this.options.numTrainSteps);
    const coefficients = Array.from(timesteps, (t, i) => ddimStepCoefficients(this.options, this.alphaBarValues, t, landings[i]));
    return beginRun(this, timesteps, coefficients, sampleShape, opts);
  }

  /**
   * One DDIM step (arXiv 2010.02502, eqs. 12 and 16) from the state's timestep to the next:
   * one `tf.tidy`, no read-back to the host, inputs left undisposed. `prediction` is what the
   * model predicts (see `predictionType`); `opts.noise` replaces the standard normal draw of
   * eta > 0 for this step (diffusers' variance_noise).
   */
  step(state: DdimState, sample: tf.Tensor, prediction: tf.Tensor, opts: { noise?: tf.Tensor } = {}): DdimStepResult {
    return ddimStep(this, this.options, state, sample, prediction, opts);
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
