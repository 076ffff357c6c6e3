import { checkInteger, checkNumberIn } from '../../errors';
import { type DiffusersKey, predictionTypeKey, type SchedulerTable, SHARED_KEYS, THRESHOLDING_KEYS, TRAINING_KEYS } from '../../config/diffusers_keys';
import type { TimestepSpacing } from '../../schedule/timesteps';
import { withDefault, type OptionSpec, type OptionSpecs } from '../options';
import * as shared from '../shared_options';
import type { AlphaClipStrategy, PredictionType, TrainingScheduleInput } from '../shared_options';

/**
 * Options of `LcmScheduler`: Bumblebee's `Bumblebee.Diffusion.LcmScheduler` options in
 * camelCase, with the same defaults, plus the options of diffusers' `LCMScheduler` that
 * Bumblebee lacks.
 */
export interface LcmOptions extends TrainingScheduleInput {
  /**
   * Rescale the betas to a zero terminal SNR (arXiv 2305.08891, Algorithm 1); alpha-bar_{T-1}
   * becomes 0, so pair it with 'angular_velocity' (a noise prediction cannot give x0 there).
   * Default false.
   */
  rescaleBetasZeroSnr?: boolean;
  /**
   * What the consistency model's denoiser predicts: 'noise' (epsilon), 'angular_velocity'
   * (v, arXiv 2202.00512, appendix D) or 'sample' (x0). Default 'noise'.
   */
  predictionType?: PredictionType;
  /**
   * The alpha-bar past the end of the schedule: 'one' or 'alpha_zero' (diffusers'
   * set_alpha_to_one). A run never lands below t = 0 (the last step keeps its own alpha-bar,
   * as Bumblebee and diffusers), so it changes no number. Default 'one'.
   */
  alphaClipStrategy?: AlphaClipStrategy;
  /** Clip the predicted x0 to [-clipSampleRange, clipSampleRange] before the boundary condition. Default false. */
  clipDenoisedSample?: boolean;
  /** The bound of clipDenoisedSample, > 0. Default 1. */
  clipSampleRange?: number;
  /**
   * Dynamic thresholding of the predicted x0 (Imagen, arXiv 2205.11487), per item of the first
   * axis; replaces clipDenoisedSample. Default false.
   */
  thresholding?: boolean;
  /** The quantile of dynamic thresholding, 0 < r < 1. Default 0.995. */
  dynamicThresholdingRatio?: number;
  /** The largest threshold s of dynamic thresholding, >= 1. Default 1. */
  sampleMaxValue?: number;
  /**
   * The number of steps of the distillation schedule (LCM, arXiv 2310.04378, section 4.3: the
   * skipping step k = floor(numTrainSteps / numOriginalSteps)); a run takes its timesteps from
   * it. Diffusers' original_inference_steps. Integer in [1, numTrainSteps]. Default 50.
   */
  numOriginalSteps?: number;
  /**
   * s in the consistency model's boundary condition (arXiv 2303.01469, appendix C, with the
   * timestep scaled as LCM does): c_skip = sigma_d^2 / ((s t)^2 + sigma_d^2),
   * c_out = s t / sqrt((s t)^2 + sigma_d^2), sigma_d = 0.5. Diffusers' timestep_scaling. > 0.
   * Default 10.
   */
  boundaryConditionTimestepScale?: number;
  /** Diffusers' steps_offset: kept for the config round trip; its LCMScheduler does not use it, nor do we. Default 0. */
  timestepsOffset?: number;
  /** Diffusers' timestep_spacing: kept for the config round trip; its LCMScheduler does not use it, nor do we. Default 'leading'. */
  timestepSpacing?: TimestepSpacing;
}

/** Every option with its value; trainedBetas is a frozen copy, or null for none. */
export type ResolvedLcmOptions = Readonly<Required<Omit<LcmOptions, 'trainedBetas'>>> & { readonly trainedBetas: readonly number[] | null };

const PREDICTION_TYPES: readonly PredictionType[] = ['noise', 'angular_velocity', 'sample'];

const NUM_ORIGINAL_STEPS: OptionSpec<number> = {
  default: 50,
  check: (name, value, resolved) => checkInteger(name, value, 1, resolved.numTrainSteps as number),
};

export const LCM_OPTIONS: OptionSpecs<ResolvedLcmOptions> = {
  numTrainSteps: shared.NUM_TRAIN_STEPS,
  betaSchedule: withDefault(shared.BETA_SCHEDULE, 'quadratic'),
  betaStart: withDefault(shared.BETA_START, 0.00085),
  betaEnd: withDefault(shared.BETA_END, 0.012),
  trainedBetas: shared.TRAINED_BETAS,
  rescaleBetasZeroSnr: shared.RESCALE_BETAS_ZERO_SNR,
  predictionType: shared.predictionTypeOption(PREDICTION_TYPES),
  alphaClipStrategy: shared.ALPHA_CLIP_STRATEGY,
  clipDenoisedSample: withDefault(shared.CLIP_DENOISED_SAMPLE, false),
  clipSampleRange: shared.CLIP_SAMPLE_RANGE,
  ...shared.THRESHOLDING_OPTIONS,
  numOriginalSteps: NUM_ORIGINAL_STEPS,
  boundaryConditionTimestepScale: { default: 10, check: (name, value) => checkNumberIn(name, value, { min: 0, openMin: true }) },
  timestepsOffset: shared.TIMESTEPS_OFFSET,
  timestepSpacing: shared.TIMESTEP_SPACING,
};

const K = SHARED_KEYS;

/** The parameters of diffusers' LCMScheduler.__init__ (scheduling_lcm.py); TCDScheduler's are the same. */
export const LCM_KEYS: readonly DiffusersKey[] = [
  ...TRAINING_KEYS,
  { key: 'original_inference_steps', option: 'numOriginalSteps' },
  K.clipDenoisedSample,
  K.clipSampleRange,
  K.alphaClipStrategy,
  K.timestepsOffset,
  predictionTypeKey(PREDICTION_TYPES),
  ...THRESHOLDING_KEYS,
  K.timestepSpacing,
  { key: 'timestep_scaling', option: 'boundaryConditionTimestepScale' },
  K.rescaleBetasZeroSnr,
];

export const LCM_TABLE: SchedulerTable<ResolvedLcmOptions> = {
  className: 'LcmScheduler',
  diffusersClass: 'LCMScheduler',
  options: LCM_OPTIONS,
  keys: LCM_KEYS,
};
