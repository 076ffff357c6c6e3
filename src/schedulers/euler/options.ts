import { show } from '../../errors';
import { predictionTypeKey, sigmaScheduleKeys, SHARED_KEYS, type DiffusersKey, type SchedulerTable, TRAINING_KEYS } from '../../config/diffusers_keys';
import type { TimestepSpacing } from '../../schedule/timesteps';
import { withDefault, type OptionSpec, type OptionSpecs } from '../options';
import * as shared from '../shared_options';
import type { PredictionType, TrainingScheduleInput } from '../shared_options';

/**
 * The options Euler and Euler ancestral share (diffusers' EulerAncestralDiscreteScheduler has
 * exactly these): the training schedule, what the model predicts, and how the inference
 * timesteps spread. Defaults as diffusers'.
 */
export interface EulerBaseOptions extends TrainingScheduleInput {
  /**
   * Rescale the betas to a zero terminal SNR (arXiv 2305.08891, Algorithm 1). Its last
   * alpha-bar, 0, becomes 2^-24 as in diffusers, so that the largest sigma is 4096 instead of
   * infinite. Pair with 'trailing' spacing. Default false.
   */
  rescaleBetasZeroSnr?: boolean;
  /**
   * What the denoiser predicts: 'noise' (epsilon), 'angular_velocity' (v, arXiv 2202.00512,
   * appendix D) or 'sample' (x0). Default 'noise'.
   */
  predictionType?: PredictionType;
  /**
   * How the inference timesteps spread over the training steps (arXiv 2305.08891, table 2):
   * 'linspace' (fractional timesteps from T - 1 to 0), 'leading' or 'trailing'. Default 'linspace'.
   */
  timestepSpacing?: TimestepSpacing;
  /** Added to every 'leading' timestep (diffusers' steps_offset). Default 0. */
  timestepsOffset?: number;
}

/**
 * How the noise levels of a run are placed, besides the timesteps: 'default' interpolates the
 * training sigmas at the timesteps; the others place numSteps levels between sigmaMin and
 * sigmaMax and derive each timestep from its level (diffusers' _sigma_to_t).
 */
export type EulerSigmaSchedule = 'default' | 'karras' | 'exponential' | 'beta';

/**
 * Options of `EulerScheduler`: the base options, how the sigmas are placed, and the churn of
 * Karras et al. (arXiv 2206.00364, Algorithm 2), which diffusers takes as step arguments.
 */
export interface EulerOptions extends EulerBaseOptions {
  /**
   * How the default schedule finds a level between the training sigmas: 'linear' in sigma at
   * the timesteps, or 'log_linear': numSteps + 1 levels evenly spaced in log sigma between the
   * training sigma_max and sigma_min (diffusers' path, which ends the run at sigma_min, not 0).
   * Default 'linear'.
   */
  interpolationType?: 'linear' | 'log_linear';
  /**
   * 'karras' (arXiv 2206.00364, eq. 5, rho 7), 'exponential' (evenly spaced in log sigma),
   * 'beta' (arXiv 2407.12173, Beta(0.6, 0.6) quantiles) or 'default'. Default 'default'.
   */
  sigmaSchedule?: EulerSigmaSchedule;
  /** The lowest level of 'karras', 'exponential' and 'beta'; null: the default schedule's last. Default null. */
  sigmaMin?: number | null;
  /** The highest level of 'karras', 'exponential' and 'beta'; null: the default schedule's first. Default null. */
  sigmaMax?: number | null;
  /**
   * 'discrete': the model gets training timesteps; 'continuous': with 'angular_velocity', it
   * gets 0.25 log sigma instead (diffusers; other prediction types keep discrete timesteps).
   * Default 'discrete'.
   */
  timestepType?: 'discrete' | 'continuous';
  /** The level a run ends at: 'zero' or 'sigma_min' (the training sigma of t = 0). Default 'zero'. */
  finalSigmasType?: 'zero' | 'sigma_min';
  /**
   * S_churn of Karras et al.: each step with sTmin <= sigma <= sTmax first raises the noise to
   * sigma_hat = sigma (1 + gamma), gamma = min(sChurn / numSteps, sqrt(2) - 1), with fresh
   * noise. >= 0; 0 is the plain (deterministic) Euler method. Default 0.
   */
  sChurn?: number;
  /** S_tmin: the lowest sigma that churns, >= 0. Default 0. */
  sTmin?: number;
  /** S_tmax: the highest sigma that churns, >= sTmin (Infinity: no bound). Default Infinity. */
  sTmax?: number;
  /** S_noise: the standard deviation of the churn's noise, >= 0. Default 1. */
  sNoise?: number;
}

/** Every base option with its value; trainedBetas is a frozen copy, or null for none. */
export type ResolvedEulerBaseOptions = Readonly<Required<Omit<EulerBaseOptions, 'trainedBetas'>>> & { readonly trainedBetas: readonly number[] | null };

/** Every Euler option with its value. */
export type ResolvedEulerOptions = ResolvedEulerBaseOptions & Readonly<Required<Omit<EulerOptions, keyof EulerBaseOptions>>>;

const PREDICTION_TYPES: readonly PredictionType[] = ['noise', 'angular_velocity', 'sample'];
const SIGMA_SCHEDULES: readonly EulerSigmaSchedule[] = ['default', 'karras', 'exponential', 'beta'];

export const EULER_BASE_OPTIONS: OptionSpecs<ResolvedEulerBaseOptions> = {
  ...shared.TRAINING_OPTIONS,
  rescaleBetasZeroSnr: shared.RESCALE_BETAS_ZERO_SNR,
  predictionType: shared.predictionTypeOption(PREDICTION_TYPES),
  timestepSpacing: withDefault(shared.TIMESTEP_SPACING, 'linspace'),
  timestepsOffset: shared.TIMESTEPS_OFFSET,
};

/** A positive finite number, or null for "the schedule's own". */
function optionalSigma(name: string, value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number > 0 or null, got ${show(value)}`);
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a number > 0 or null, got ${show(value)}`);
  return value;
}

/** A number >= 0, Infinity allowed where `infinite`. */
function nonNegative(name: string, value: unknown, infinite: boolean): number {
  const allowed = `a number >= 0${infinite ? ' (Infinity allowed)' : ''}`;
  if (typeof value !== 'number') throw new TypeError(`${name} must be ${allowed}, got ${show(value)}`);
  if (!(value >= 0) || (!infinite && value === Infinity)) throw new RangeError(`${name} must be ${allowed}, got ${show(value)}`);
  return value;
}

const SIGMA_MAX: OptionSpec<number | null> = {
  default: null,
  check: (name, value, resolved, nameOf) => {
    const sigmaMax = optionalSigma(name, value);
    const sigmaMin = resolved.sigmaMin as number | null;
    if (sigmaMax !== null && sigmaMin !== null && !(sigmaMin < sigmaMax)) {
      throw new RangeError(`${name} must be above ${nameOf('sigmaMin')} (${sigmaMin}), got ${show(sigmaMax)}`);
    }
    return sigmaMax;
  },
};

const S_TMAX: OptionSpec<number> = {
  default: Infinity,
  check: (name, value, resolved, nameOf) => {
    const sTmax = nonNegative(name, value, true);
    if (sTmax < (resolved.sTmin as number)) throw new RangeError(`${name} must be >= ${nameOf('sTmin')} (${String(resolved.sTmin)}), got ${show(sTmax)}`);
    return sTmax;
  },
};

export const EULER_OPTIONS: OptionSpecs<ResolvedEulerOptions> = {
  ...EULER_BASE_OPTIONS,
  interpolationType: shared.oneOf(['linear', 'log_linear'], 'linear'),
  sigmaSchedule: shared.oneOf(SIGMA_SCHEDULES, 'default'),
  sigmaMin: { default: null, check: optionalSigma },
  sigmaMax: SIGMA_MAX,
  timestepType: shared.oneOf(['discrete', 'continuous'], 'discrete'),
  finalSigmasType: shared.oneOf(['zero', 'sigma_min'], 'zero'),
  sChurn: { default: 0, check: (name, value) => nonNegative(name, value, false) },
  sTmin: { default: 0, check: (name, value) => nonNegative(name, value, false) },
  sTmax: S_TMAX,
  sNoise: { default: 1, check: (name, value) => nonNegative(name, value, false) },
};

const K = SHARED_KEYS;
/** The keys of diffusers' EulerAncestralDiscreteScheduler constructor (all shared with Euler's). */
export const EULER_BASE_KEYS: readonly DiffusersKey[] = [
  ...TRAINING_KEYS,
  predictionTypeKey(PREDICTION_TYPES),
  K.timestepSpacing,
  K.timestepsOffset,
  K.rescaleBetasZeroSnr,
];

export const EULER_TABLE: SchedulerTable<ResolvedEulerOptions> = {
  className: 'EulerScheduler',
  diffusersClass: 'EulerDiscreteScheduler',
  options: EULER_OPTIONS,
  keys: [
    ...EULER_BASE_KEYS,
    {
      key: 'interpolation_type',
      option: 'interpolationType',
      values: [
        ['linear', 'linear'],
        ['log_linear', 'log_linear'],
      ],
    },
    { key: 'sigma_min', option: 'sigmaMin' },
    { key: 'sigma_max', option: 'sigmaMax' },
    {
      key: 'timestep_type',
      option: 'timestepType',
      values: [
        ['discrete', 'discrete'],
        ['continuous', 'continuous'],
      ],
    },
    {
      key: 'final_sigmas_type',
      option: 'finalSigmasType',
      values: [
        ['zero', 'zero'],
        ['sigma_min', 'sigma_min'],
      ],
    },
  ],
  // sChurn, sTmin, sTmax, sNoise are step arguments in diffusers: no config key (they travel
  // under the own-options key when they differ from the defaults).
  composites: [sigmaScheduleKeys(['karras', 'exponential', 'beta'])],
};
