import { checkNumberIn } from '../../errors';
import { predictionTypeKey, type SchedulerTable, SHARED_KEYS, THRESHOLDING_KEYS, TRAINING_KEYS } from '../../config/diffusers_keys';
import type { PreviousTimestep } from '../../schedule/previous_timesteps';
import type { TimestepSpacing } from '../../schedule/timesteps';
import type { OptionSpecs } from '../options';
import * as shared from '../shared_options';
import type { AlphaClipStrategy, PredictionType, TrainingScheduleInput } from '../shared_options';

/**
 * Options of `DdimScheduler` (and `DdimInverseScheduler`): Bumblebee's
 * `Bumblebee.Diffusion.DdimScheduler` options in camelCase, with the same defaults, plus the
 * diffusers options Bumblebee lacks.
 */
export interface DdimOptions extends TrainingScheduleInput {
  /**
   * Rescale the betas to a zero terminal SNR (arXiv 2305.08891, Algorithm 1): alpha-bar at
   * the last training step becomes 0, for models trained that way (pair with 'trailing'
   * spacing and 'angular_velocity'). Default false.
   */
  rescaleBetasZeroSnr?: boolean;
  /**
   * What the denoiser predicts: 'noise' (epsilon), 'angular_velocity' (v, Imagen Video
   * section 2.4; progressive distillation, arXiv 2202.00512, appendix D) or 'sample' (x0).
   * Default 'noise'.
   */
  predictionType?: PredictionType;
  /**
   * The alpha-bar past the end of the schedule: taken as the previous one on the last
   * sampling step (and as the starting one on the first step of an inversion): 'one'
   * (alpha-bar = 1, a clean end) or 'alpha_zero' (alpha-bar_0, as Stable Diffusion with
   * timestepsOffset 1). Diffusers' set_alpha_to_one true / false. Default 'one'.
   */
  alphaClipStrategy?: AlphaClipStrategy;
  /** Added to every 'leading' timestep (diffusers' steps_offset, which the other spacings ignore too). Default 0. */
  timestepsOffset?: number;
  /**
   * How the inference timesteps spread over the training steps (arXiv 2305.08891, table 2):
   * 'leading', 'trailing' or 'linspace', as diffusers (numpy rounding). Default 'leading'.
   */
  timestepSpacing?: TimestepSpacing;
  /**
   * Which noise level a step lands on: 'schedule' (the next timestep of the run, as DDIM
   * defines it) or 'fixed_stride' (t - floor(numTrainSteps / numSteps), as diffusers).
   * Identical for 'leading' spacing. Default 'schedule'.
   */
  previousTimestep?: PreviousTimestep;
  /** Clip the predicted x0 of DDIM eq. (12) to [-clipSampleRange, clipSampleRange]. Default true. */
  clipDenoisedSample?: boolean;
  /** The bound of clipDenoisedSample, > 0. Default 1. */
  clipSampleRange?: number;
  /**
   * Dynamic thresholding (Imagen, arXiv 2205.11487): per item of the first axis, s = the
   * dynamicThresholdingRatio quantile of |x0|, clamped to [1, sampleMaxValue]; x0 becomes
   * clamp(x0, -s, s) / s. Replaces clipDenoisedSample. Default false.
   */
  thresholding?: boolean;
  /** The quantile of dynamic thresholding, 0 < r < 1. Default 0.995. */
  dynamicThresholdingRatio?: number;
  /** The largest threshold s of dynamic thresholding, >= 1. Default 1. */
  sampleMaxValue?: number;
  /**
   * Re-derive the noise from the (clipped) predicted x0 and the sample before the update, as
   * OpenAI GLIDE does (diffusers' use_clipped_model_output). Default false.
   */
  rederiveNoise?: boolean;
  /** Weight of sigma_t in DDIM eq. (16), in [0, 1000]: 0 is deterministic DDIM, 1 is DDPM-like. Default 0. */
  eta?: number;
}

/** Every option with its value; trainedBetas is a frozen copy, or null for none. */
export type ResolvedDdimOptions = Readonly<Required<Omit<DdimOptions, 'trainedBetas'>>> & { readonly trainedBetas: readonly number[] | null };

const PREDICTION_TYPES: readonly PredictionType[] = ['noise', 'angular_velocity', 'sample'];

/**
 * The largest eta: 1000. Above 1 the step adds more noise than it removes (its direction term
 * floored at 0); beyond 1000 the noise dwarfs any sample, and toward 1e38 its weight overflows
 * float32.
 */
export const MAX_ETA = 1000;

export const DDIM_OPTIONS: OptionSpecs<ResolvedDdimOptions> = {
  ...shared.TRAINING_OPTIONS,
  rescaleBetasZeroSnr: shared.RESCALE_BETAS_ZERO_SNR,
  predictionType: shared.predictionTypeOption(PREDICTION_TYPES),
  alphaClipStrategy: shared.ALPHA_CLIP_STRATEGY,
  timestepsOffset: shared.TIMESTEPS_OFFSET,
  timestepSpacing: shared.TIMESTEP_SPACING,
  previousTimestep: shared.oneOf<PreviousTimestep>(['schedule', 'fixed_stride'], 'schedule'),
  clipDenoisedSample: shared.CLIP_DENOISED_SAMPLE,
  clipSampleRange: shared.CLIP_SAMPLE_RANGE,
  ...shared.THRESHOLDING_OPTIONS,
  rederiveNoise: shared.booleanOption(false),
  eta: { default: 0, check: (name, value) => checkNumberIn(name, value, { min: 0, max: MAX_ETA }) },
};

const K = SHARED_KEYS;
/** The keys of diffusers' DDIMInverseScheduler constructor that we map (it has no thresholding keys). */
const INVERSE_KEYS = [
  ...TRAINING_KEYS,
  K.rescaleBetasZeroSnr,
  predictionTypeKey(PREDICTION_TYPES),
  K.alphaClipStrategy,
  K.timestepsOffset,
  K.timestepSpacing,
  K.clipDenoisedSample,
  K.clipSampleRange,
];

export const DDIM_TABLE: SchedulerTable<ResolvedDdimOptions> = {
  className: 'DdimScheduler',
  diffusersClass: 'DDIMScheduler',
  options: DDIM_OPTIONS,
  keys: [...INVERSE_KEYS, ...THRESHOLDING_KEYS],
};

export const DDIM_INVERSE_TABLE: SchedulerTable<ResolvedDdimOptions> = {
  className: 'DdimInverseScheduler',
  diffusersClass: 'DDIMInverseScheduler',
  options: DDIM_OPTIONS,
  keys: INVERSE_KEYS,
};
