import { checkBoolean, checkInteger, checkNumberIn, checkOneOf, show } from '../errors';
import type { BetaSchedule } from '../schedule/betas';
import type { PreviousTimestep } from '../schedule/previous_timesteps';
import type { TimestepSpacing } from '../schedule/timesteps';
import { checkTrainedBetas } from './trained_betas';

export type PredictionType = 'noise' | 'angular_velocity' | 'sample';
export type AlphaClipStrategy = 'one' | 'alpha_zero';

/**
 * Options of `DdimScheduler` (and `DdimInverseScheduler`): Bumblebee's
 * `Bumblebee.Diffusion.DdimScheduler` options in camelCase, with the same defaults, plus the
 * diffusers options Bumblebee lacks.
 */
export interface DdimOptions {
  /** Diffusion steps the model was trained with. Default 1000. */
  numTrainSteps?: number;
  /**
   * Maps [betaStart, betaEnd] to the training betas: 'linear' (DDPM), 'quadratic' (latent
   * diffusion, diffusers' scaled_linear) or 'squared_cosine' (arXiv 2102.09672, diffusers'
   * squaredcos_cap_v2, max beta 0.999; ignores betaStart and betaEnd). Default 'linear'.
   */
  betaSchedule?: BetaSchedule;
  /** First beta of the linear and quadratic schedules, 0 < x < 1. Default 0.0001. */
  betaStart?: number;
  /** Last beta of the linear and quadratic schedules, 0 < x < 1. Default 0.02. */
  betaEnd?: number;
  /**
   * The training betas themselves, numTrainSteps values in [0, 1] (rounded to float32);
   * replaces betaSchedule, betaStart and betaEnd. Default none.
   */
  trainedBetas?: ArrayLike<number> | null;
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
  /** Weight of sigma_t in DDIM eq. (16): 0 is deterministic DDIM, 1 is DDPM-like. Default 0. */
  eta?: number;
}

/** Every option with its value; trainedBetas is a frozen copy, or null for none. */
export type ResolvedDdimOptions = Readonly<Required<Omit<DdimOptions, 'trainedBetas'>>> & { readonly trainedBetas: readonly number[] | null };

export const DDIM_DEFAULTS: ResolvedDdimOptions = Object.freeze({
  numTrainSteps: 1000,
  betaSchedule: 'linear',
  betaStart: 0.0001,
  betaEnd: 0.02,
  trainedBetas: null,
  rescaleBetasZeroSnr: false,
  predictionType: 'noise',
  alphaClipStrategy: 'one',
  timestepsOffset: 0,
  timestepSpacing: 'leading',
  previousTimestep: 'schedule',
  clipDenoisedSample: true,
  clipSampleRange: 1,
  thresholding: false,
  dynamicThresholdingRatio: 0.995,
  sampleMaxValue: 1,
  rederiveNoise: false,
  eta: 0,
});

export type DdimOptionName = keyof ResolvedDdimOptions;

const BETA_SCHEDULES: readonly BetaSchedule[] = ['linear', 'quadratic', 'squared_cosine'];
const PREDICTION_TYPES: readonly PredictionType[] = ['noise', 'angular_velocity', 'sample'];
const ALPHA_CLIP_STRATEGIES: readonly AlphaClipStrategy[] = ['one', 'alpha_zero'];
const TIMESTEP_SPACINGS: readonly TimestepSpacing[] = ['leading', 'trailing', 'linspace'];
const PREVIOUS_TIMESTEP_RULES: readonly PreviousTimestep[] = ['schedule', 'fixed_stride'];

/** How resolveDdimOptions names things in its errors. */
export interface OptionsContext {
  /** The class whose options these are, for the unknown-option message. */
  readonly className: string;
  /** The name an error gives an option (e.g. the diffusers config key it came from). */
  readonly nameOf: (option: DdimOptionName) => string;
}

const OWN_NAMES: OptionsContext = { className: 'DdimScheduler', nameOf: (option) => option };

/**
 * Fills in defaults and checks every option; throws a TypeError or RangeError naming the
 * option (as `context.nameOf` says), the value received and what is allowed.
 */
export function resolveDdimOptions(options: unknown = {}, context: OptionsContext = OWN_NAMES): ResolvedDdimOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object of ${context.className} options, got ${show(options)}`);
  }
  const known = Object.keys(DDIM_DEFAULTS);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new TypeError(`unknown ${context.className} option ${show(name)}; the options are ${known.join(', ')}`);
  }
  const given: Record<string, unknown> = { ...DDIM_DEFAULTS };
  for (const [name, value] of Object.entries(options)) if (value !== undefined) given[name] = value;
  const name = context.nameOf;
  const openUnit = { min: 0, max: 1, openMin: true, openMax: true };
  const numTrainSteps = checkInteger(name('numTrainSteps'), given.numTrainSteps, 1);
  return Object.freeze({
    numTrainSteps,
    betaSchedule: checkOneOf(name('betaSchedule'), given.betaSchedule, BETA_SCHEDULES),
    betaStart: checkNumberIn(name('betaStart'), given.betaStart, openUnit),
    betaEnd: checkNumberIn(name('betaEnd'), given.betaEnd, openUnit),
    trainedBetas: given.trainedBetas === null ? null : checkTrainedBetas(name('trainedBetas'), given.trainedBetas, numTrainSteps, name('numTrainSteps')),
    rescaleBetasZeroSnr: checkBoolean(name('rescaleBetasZeroSnr'), given.rescaleBetasZeroSnr),
    predictionType: checkOneOf(name('predictionType'), given.predictionType, PREDICTION_TYPES),
    alphaClipStrategy: checkOneOf(name('alphaClipStrategy'), given.alphaClipStrategy, ALPHA_CLIP_STRATEGIES),
    timestepsOffset: checkInteger(name('timestepsOffset'), given.timestepsOffset, 0, numTrainSteps - 1),
    timestepSpacing: checkOneOf(name('timestepSpacing'), given.timestepSpacing, TIMESTEP_SPACINGS),
    previousTimestep: checkOneOf(name('previousTimestep'), given.previousTimestep, PREVIOUS_TIMESTEP_RULES),
    clipDenoisedSample: checkBoolean(name('clipDenoisedSample'), given.clipDenoisedSample),
    clipSampleRange: checkNumberIn(name('clipSampleRange'), given.clipSampleRange, { min: 0, openMin: true }),
    thresholding: checkBoolean(name('thresholding'), given.thresholding),
    dynamicThresholdingRatio: checkNumberIn(name('dynamicThresholdingRatio'), given.dynamicThresholdingRatio, openUnit),
    sampleMaxValue: checkNumberIn(name('sampleMaxValue'), given.sampleMaxValue, { min: 1 }),
    rederiveNoise: checkBoolean(name('rederiveNoise'), given.rederiveNoise),
    eta: checkNumberIn(name('eta'), given.eta, { min: 0 }),
  });
}
