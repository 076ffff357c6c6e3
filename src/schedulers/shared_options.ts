/**
 * The options several scheduler classes share, with one name, one check and one meaning
 * (../shared/API.md, "Shared vocabulary"); each class's table picks the ones it has and may
 * change a default with `withDefault`.
 */
import { checkBoolean, checkInteger, checkNumberIn, checkOneOf } from '../errors';
import type { BetaSchedule } from '../schedule/betas';
import type { TimestepSpacing } from '../schedule/timesteps';
import type { OptionSpec } from './options';
import { checkTrainedBetas } from './trained_betas';

export type PredictionType = 'noise' | 'angular_velocity' | 'sample';

/**
 * The options that make the training schedule of a DDPM-family class, the same names and
 * meanings in each (../shared/API.md, "Shared vocabulary"). Defaults are each class's: 1000
 * training steps everywhere; linear betas 0.0001 to 0.02, but quadratic 0.00085 to 0.012 for
 * LCM and TCD (Bumblebee's and diffusers' defaults).
 */
export interface TrainingScheduleInput {
  /** Diffusion steps the model was trained with, an integer in [1, 100000]. */
  numTrainSteps?: number;
  /**
   * Maps [betaStart, betaEnd] to the training betas: 'linear' (DDPM), 'quadratic' (latent
   * diffusion, diffusers' scaled_linear) or 'squared_cosine' (arXiv 2102.09672, diffusers'
   * squaredcos_cap_v2, max beta 0.999; ignores betaStart and betaEnd).
   */
  betaSchedule?: BetaSchedule;
  /** First beta of the linear and quadratic schedules, 0 < x < 1. */
  betaStart?: number;
  /** Last beta of the linear and quadratic schedules, 0 < x < 1. */
  betaEnd?: number;
  /**
   * The training betas themselves, numTrainSteps values in [0, 1] (rounded to float32);
   * replaces betaSchedule, betaStart and betaEnd (diffusers' trained_betas). Default none.
   */
  trainedBetas?: ArrayLike<number> | null;
}
export type AlphaClipStrategy = 'one' | 'alpha_zero';

const OPEN_UNIT = { min: 0, max: 1, openMin: true, openMax: true };

function oneOf<T extends string>(values: readonly T[], fallback: T): OptionSpec<T> {
  return { default: fallback, check: (name, value) => checkOneOf(name, value, values) };
}

function booleanOption(fallback: boolean): OptionSpec<boolean> {
  return { default: fallback, check: checkBoolean };
}

/**
 * The most training steps a schedule may have: 100,000 (models train with 1000, some with 4000;
 * a schedule and its timesteps are computed on the host, which would take seconds and gigabytes
 * for 10^9).
 */
export const MAX_TRAIN_STEPS = 100_000;

export const NUM_TRAIN_STEPS: OptionSpec<number> = { default: 1000, check: (name, value) => checkInteger(name, value, 1, MAX_TRAIN_STEPS) };
export const BETA_SCHEDULE = oneOf<BetaSchedule>(['linear', 'quadratic', 'squared_cosine'], 'linear');
export const BETA_START: OptionSpec<number> = { default: 0.0001, check: (name, value) => checkNumberIn(name, value, OPEN_UNIT) };
export const BETA_END: OptionSpec<number> = { default: 0.02, check: (name, value) => checkNumberIn(name, value, OPEN_UNIT) };
export const TRAINED_BETAS: OptionSpec<readonly number[] | null> = {
  default: null,
  check: (name, value, resolved, nameOf) => (value === null ? null : checkTrainedBetas(name, value, resolved.numTrainSteps as number, nameOf('numTrainSteps'))),
};
/** The options of TrainingScheduleInput, with the linear schedule's defaults (LCM and TCD change them with withDefault). */
export const TRAINING_OPTIONS = {
  numTrainSteps: NUM_TRAIN_STEPS,
  betaSchedule: BETA_SCHEDULE,
  betaStart: BETA_START,
  betaEnd: BETA_END,
  trainedBetas: TRAINED_BETAS,
} as const;
export const RESCALE_BETAS_ZERO_SNR = booleanOption(false);
/** The prediction types a class answers, default 'noise'. */
export function predictionTypeOption<T extends string>(values: readonly T[]): OptionSpec<T> {
  return oneOf(values, values[0]);
}
export const ALPHA_CLIP_STRATEGY = oneOf<AlphaClipStrategy>(['one', 'alpha_zero'], 'one');
export const TIMESTEPS_OFFSET: OptionSpec<number> = {
  default: 0,
  check: (name, value, resolved) => checkInteger(name, value, 0, (resolved.numTrainSteps as number) - 1),
};
export const TIMESTEP_SPACING = oneOf<TimestepSpacing>(['leading', 'trailing', 'linspace'], 'leading');
export const CLIP_DENOISED_SAMPLE = booleanOption(true);
export const CLIP_SAMPLE_RANGE: OptionSpec<number> = { default: 1, check: (name, value) => checkNumberIn(name, value, { min: 0, openMin: true }) };
export const THRESHOLDING = booleanOption(false);
export const DYNAMIC_THRESHOLDING_RATIO: OptionSpec<number> = { default: 0.995, check: (name, value) => checkNumberIn(name, value, OPEN_UNIT) };
/**
 * The largest threshold s of dynamic thresholding, > 0. diffusers clamps s to [1,
 * sample_max_value] with torch.clamp, which applies the upper bound last: below 1, s is
 * sample_max_value itself (its tests use 0.5), and x0 becomes clamp(x0, -s, s) / s, as here.
 */
export const SAMPLE_MAX_VALUE: OptionSpec<number> = { default: 1, check: (name, value) => checkNumberIn(name, value, { min: 0, openMin: true }) };
/** Dynamic thresholding's three options, in every class that has it. */
export const THRESHOLDING_OPTIONS = {
  thresholding: THRESHOLDING,
  dynamicThresholdingRatio: DYNAMIC_THRESHOLDING_RATIO,
  sampleMaxValue: SAMPLE_MAX_VALUE,
} as const;

/** A boolean option of a class's own, with its default. */
export { booleanOption, oneOf };
