import { checkBoolean, checkInteger, checkNumberIn, checkOneOf, show } from '../errors';
import type { BetaSchedule } from '../schedule/betas';

export type PredictionType = 'noise' | 'angular_velocity';
export type AlphaClipStrategy = 'one' | 'alpha_zero';

/**
 * Options of `DdimScheduler`: Bumblebee's `Bumblebee.Diffusion.DdimScheduler` options in
 * camelCase, with the same defaults.
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
   * What the denoiser predicts: 'noise' (epsilon) or 'angular_velocity' (v, Imagen Video
   * section 2.4; progressive distillation, arXiv 2202.00512, appendix D). Default 'noise'.
   */
  predictionType?: PredictionType;
  /**
   * The alpha-bar used as the previous one on the last step, where t - gap < 0: 'one'
   * (alpha-bar = 1, a clean end) or 'alpha_zero' (alpha-bar_0, as Stable Diffusion with
   * timestepsOffset 1). Diffusers' set_alpha_to_one true / false. Default 'one'.
   */
  alphaClipStrategy?: AlphaClipStrategy;
  /** Added to every inference timestep (diffusers' steps_offset). Default 0. */
  timestepsOffset?: number;
  /** Clip the predicted x0 of DDIM eq. (12) to [-1, 1] for numerical stability. Default true. */
  clipDenoisedSample?: boolean;
  /**
   * Re-derive the noise from the (clipped) predicted x0 and the sample before the update, as
   * OpenAI GLIDE does (diffusers' use_clipped_model_output). Default false.
   */
  rederiveNoise?: boolean;
  /** Weight of sigma_t in DDIM eq. (16): 0 is deterministic DDIM, 1 is DDPM-like. Default 0. */
  eta?: number;
}

export type ResolvedDdimOptions = Readonly<Required<DdimOptions>>;

export const DDIM_DEFAULTS: ResolvedDdimOptions = Object.freeze({
  numTrainSteps: 1000,
  betaSchedule: 'linear',
  betaStart: 0.0001,
  betaEnd: 0.02,
  predictionType: 'noise',
  alphaClipStrategy: 'one',
  timestepsOffset: 0,
  clipDenoisedSample: true,
  rederiveNoise: false,
  eta: 0,
});

const BETA_SCHEDULES: readonly BetaSchedule[] = ['linear', 'quadratic', 'squared_cosine'];
const PREDICTION_TYPES: readonly PredictionType[] = ['noise', 'angular_velocity'];
const ALPHA_CLIP_STRATEGIES: readonly AlphaClipStrategy[] = ['one', 'alpha_zero'];

/** Fills in defaults and checks every option; throws a TypeError or RangeError naming the option. */
export function resolveDdimOptions(options: unknown = {}): ResolvedDdimOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object of DdimScheduler options, got ${show(options)}`);
  }
  const known = Object.keys(DDIM_DEFAULTS);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new TypeError(`unknown DdimScheduler option ${show(name)}; the options are ${known.join(', ')}`);
  }
  const given: Record<string, unknown> = { ...DDIM_DEFAULTS };
  for (const [name, value] of Object.entries(options)) if (value !== undefined) given[name] = value;
  const openUnit = { min: 0, max: 1, openMin: true, openMax: true };
  const numTrainSteps = checkInteger('numTrainSteps', given.numTrainSteps, 1);
  return Object.freeze({
    numTrainSteps,
    betaSchedule: checkOneOf('betaSchedule', given.betaSchedule, BETA_SCHEDULES),
    betaStart: checkNumberIn('betaStart', given.betaStart, openUnit),
    betaEnd: checkNumberIn('betaEnd', given.betaEnd, openUnit),
    predictionType: checkOneOf('predictionType', given.predictionType, PREDICTION_TYPES),
    alphaClipStrategy: checkOneOf('alphaClipStrategy', given.alphaClipStrategy, ALPHA_CLIP_STRATEGIES),
    timestepsOffset: checkInteger('timestepsOffset', given.timestepsOffset, 0, numTrainSteps - 1),
    clipDenoisedSample: checkBoolean('clipDenoisedSample', given.clipDenoisedSample),
    rederiveNoise: checkBoolean('rederiveNoise', given.rederiveNoise),
    eta: checkNumberIn('eta', given.eta, { min: 0 }),
  });
}
