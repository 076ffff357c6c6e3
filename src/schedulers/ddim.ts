import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, checkShape, show } from '../errors';
import { normal, split } from '../random';
import { alphaBarsFromBetas } from '../schedule/alpha_bars';
import { betaSchedule } from '../schedule/betas';
import { leadingTimesteps } from '../schedule/timesteps';
import { checkSampleTensor, checkStepState } from './check_step';
import { ddimStepCoefficients } from './ddim_coefficients';
import { resolveDdimOptions, type DdimOptions, type ResolvedDdimOptions } from './ddim_options';
import { DdimRun, DdimState } from './ddim_state';
import { ddimUpdate } from './ddim_update';
import { initialKey, type InitOptions } from './init_key';

export interface DdimStepResult {
  /** The state for the next step. */
  state: DdimState;
  /** x_{t-1}: the sample after this step (the caller's to dispose). */
  sample: tf.Tensor;
  /** The predicted x0 of eq. (12), after clipping (the caller's to dispose). */
  denoised: tf.Tensor;
}

/**
 * Denoising diffusion implicit models (Song et al., arXiv 2010.02502), as Bumblebee's
 * `Bumblebee.Diffusion.DdimScheduler`.
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
    const { betaSchedule: schedule, numTrainSteps, betaStart, betaEnd } = this.options;
    this.alphaBarValues = alphaBarsFromBetas(betaSchedule(schedule, numTrainSteps, betaStart, betaEnd));
    if (this.alphaBarValues[0] >= 1) {
      throw new RangeError(`betaStart must leave alpha-bar_0 below 1 in float32 (betaStart >= 3e-8 or so), got ${show(betaStart)}`);
    }
  }

  /** alpha-bar_t for t = 0 .. numTrainSteps - 1 (float32; a copy). */
  get alphaBars(): Float32Array {
    return this.alphaBarValues.slice();
  }

  /**
   * Starts a run of `numSteps` steps over samples of `sampleShape`. Returns the state of the
   * first step and the timesteps in call order (int32; the caller's to dispose).
   * `seed` or `key` fixes the noise of eta > 0 (Nx/JAX threefry); without either, a random key.
   */
  init(numSteps: number, sampleShape: number[], opts: InitOptions = {}): { state: DdimState; timesteps: tf.Tensor1D } {
    const { numTrainSteps, timestepsOffset } = this.options;
    checkInteger('numSteps', numSteps, 1, numTrainSteps);
    const shape = checkShape('sampleShape', sampleShape);
    const prngKey = initialKey(opts);
    const timestepValues = leadingTimesteps(numTrainSteps, numSteps, timestepsOffset);
    if (timestepValues[0] >= numTrainSteps) {
      throw new RangeError(
        `timestepsOffset ${timestepsOffset} with numSteps ${numSteps} makes timestep ${timestepValues[0]}, outside [0, ${numTrainSteps - 1}]; ` +
          'use fewer steps or a smaller offset',
      );
    }
    const gap = Math.floor(numTrainSteps / numSteps);
    const coefficients = Array.from(timestepValues, (t) => ddimStepCoefficients(this.options, this.alphaBarValues, t, t - gap));
    const run = new DdimRun(this, tf.tensor1d(timestepValues, 'int32'), timestepValues, coefficients, shape);
    return { state: new DdimState(run, 0, prngKey), timesteps: tf.tensor1d(timestepValues, 'int32') };
  }

  /**
   * One DDIM step (arXiv 2010.02502, eqs. 12 and 16) from the state's timestep to the next:
   * one `tf.tidy`, no read-back to the host, inputs left undisposed. `prediction` is what the
   * model predicts (see `predictionType`); `opts.noise` replaces the standard normal draw of
   * eta > 0 for this step (diffusers' variance_noise).
   */
  step(state: DdimState, sample: tf.Tensor, prediction: tf.Tensor, opts: { noise?: tf.Tensor } = {}): DdimStepResult {
    checkStepState(state, this);
    checkSampleTensor('sample', sample, state.sampleShape, 'the sampleShape given to init');
    checkSampleTensor('prediction', prediction, sample.shape, 'the shape of sample');
    const injectedNoise = opts.noise;
    if (injectedNoise !== undefined) checkSampleTensor('opts.noise', injectedNoise, sample.shape, 'the shape of sample');

    const coefficients = state.run.coefficients[state.iteration];
    const drawsNoise = this.options.eta > 0;
    // Bumblebee advances the key on every step with eta > 0, the last included: (next, draw) = split(key).
    const nextKey = drawsNoise ? split(state.prngKey)[0] : state.prngKey;
    const inputs = new Set<tf.Tensor>([sample, prediction]);
    const result = tf.tidy(() => {
      let noise: tf.Tensor | null = null;
      if (drawsNoise && coefficients.sigma > 0) noise = injectedNoise ?? normal(state.prngKey, sample.shape).sample;
      if (noise) inputs.add(noise);
      const flags = { clipRange: this.options.clipDenoisedSample ? 1 : null, rederiveNoise: this.options.rederiveNoise };
      const updated = ddimUpdate({ sample, prediction, noise, threshold: null }, coefficients, flags);
      // Outputs are the caller's: never hand back an input, nor one tensor twice.
      const denoised = inputs.has(updated.denoised) ? tf.clone(updated.denoised) : updated.denoised;
      const next = inputs.has(updated.sample) || updated.sample === denoised ? tf.clone(updated.sample) : updated.sample;
      return { sample: next, denoised };
    });
    return { state: new DdimState(state.run, state.iteration + 1, nextKey), ...result };
  }
}
