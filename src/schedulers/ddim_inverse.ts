import type * as tf from '@tensorflow/tfjs-core';
import { optionsFromDiffusersConfig } from '../config/from_diffusers';
import { diffusersConfigOf } from '../config/to_diffusers';
import { show } from '../errors';
import { inversionSourceTimesteps } from '../schedule/previous_timesteps';
import { ddimCoefficientsBetween } from './ddim_coefficients';
import { beginRun, samplingTimesteps } from './ddim_init';
import { resolveDdimOptions, type DdimOptions, type ResolvedDdimOptions } from './ddim_options';
import type { DdimState } from './ddim_state';
import { ddimStep, type DdimStepResult } from './ddim_step';
import type { InitOptions } from './init_key';
import { trainingAlphaBars } from './training_alpha_bars';

const CLASS_NAME = 'DdimInverseScheduler';

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
export class DdimInverseScheduler {
  /** Every option, resolved with its default. */
  readonly options: ResolvedDdimOptions;
  private readonly alphaBarValues: Float32Array;

  constructor(options: DdimOptions = {}) {
    this.options = resolveDdimOptions(options, { className: CLASS_NAME, nameOf: (option) => option });
    if (this.options.eta !== 0) throw new RangeError(`eta must be 0 for ${CLASS_NAME} (DDIM inversion is deterministic), got ${show(this.options.eta)}`);
    this.alphaBarValues = trainingAlphaBars(this.options);
  }

  /**
   * A scheduler from a diffusers `scheduler_config.json` (the object or its JSON text), with
   * `overrides` (our option names) on top; see DdimScheduler.fromDiffusersConfig.
   */
  static fromDiffusersConfig(config: object | string, overrides: DdimOptions = {}): DdimInverseScheduler {
    return new DdimInverseScheduler(optionsFromDiffusersConfig(config, overrides, CLASS_NAME));
  }

  /** The diffusers config of this scheduler (a DDIMInverseScheduler's); `fromDiffusersConfig` reads it back to the same options. */
  toDiffusersConfig(): Record<string, unknown> {
    return diffusersConfigOf('DDIMInverseScheduler', this.options);
  }

  /** alpha-bar_t for t = 0 .. numTrainSteps - 1 (float32; a copy). */
  get alphaBars(): Float32Array {
    return this.alphaBarValues.slice();
  }

  /**
   * Starts an inversion of `numSteps` steps over samples of `sampleShape`. Returns the state
   * of the first step and the timesteps in call order, ascending (int32; the caller's to
   * dispose). `startIndex` skips the first steps.
   */
  init(numSteps: number, sampleShape: number[], opts: InitOptions = {}): { state: DdimState; timesteps: tf.Tensor1D } {
    const { alphaClipStrategy, previousTimestep, numTrainSteps } = this.options;
    const timesteps = samplingTimesteps(this.options, numSteps).reverse();
    const sources = inversionSourceTimesteps(timesteps, previousTimestep, numTrainSteps);
    const initialAlphaBar = alphaClipStrategy === 'one' ? 1 : this.alphaBarValues[0];
    const coefficients = Array.from(timesteps, (t, i) =>
      ddimCoefficientsBetween(
        this.options,
        { timestep: sources[i], alphaBar: sources[i] >= 0 ? this.alphaBarValues[sources[i]] : initialAlphaBar },
        { timestep: t, alphaBar: this.alphaBarValues[t] },
      ),
    );
    return beginRun(this, timesteps, coefficients, sampleShape, opts);
  }

  /**
   * One inversion step from the level before the state's timestep to that timestep: one
   * `tf.tidy`, no read-back, inputs left undisposed. `prediction` is the model's output at
   * the state's timestep (see `predictionType`).
   */
  step(state: DdimState, sample: tf.Tensor, prediction: tf.Tensor): DdimStepResult {
    return ddimStep(this, this.options, state, sample, prediction, {});
  }
}
