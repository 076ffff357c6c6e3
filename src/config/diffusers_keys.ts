import { show } from '../errors';
import type { OptionSpecs } from '../schedulers/options';

/**
 * A key of a diffusers `scheduler_config.json` that sets one option, with, where the two spell
 * values differently, the pairs (diffusers value, our value).
 */
export interface DiffusersKey {
  readonly key: string;
  readonly option: string;
  readonly values?: readonly (readonly [unknown, string])[];
}

/** An option that diffusers spreads over several keys (sigmaSchedule over use_karras_sigmas, ...). */
export interface CompositeKey {
  readonly keys: readonly string[];
  readonly option: string;
  /** The option's value from the config entries, or undefined when none of the keys is set. */
  read(entries: Readonly<Record<string, unknown>>): unknown;
  /** The keys that stand for `value`. */
  write(value: unknown): Record<string, unknown>;
}

/**
 * Everything that ties one of our classes to its diffusers class: the options table and the
 * config keys its constructor takes. Both directions of the config interop read this one table.
 */
export interface SchedulerTable<Options> {
  /** Our class name, in error messages. */
  readonly className: string;
  /** diffusers' class, written as `_class_name`. */
  readonly diffusersClass: string;
  readonly options: OptionSpecs<Options>;
  readonly keys: readonly DiffusersKey[];
  readonly composites?: readonly CompositeKey[];
}

/**
 * The private key under which a config we write keeps the options diffusers has no config key
 * for (e.g. DDIM's eta), when they differ from the defaults. diffusers drops keys that start
 * with '_' when it loads a config.
 */
export const OWN_OPTIONS_KEY = '_tfjs_diffusion_schedulers';

/** The keys every DDPM-family class shares (../shared/API.md, "Shared vocabulary"), by option name. */
export const SHARED_KEYS = {
  numTrainSteps: { key: 'num_train_timesteps', option: 'numTrainSteps' },
  betaStart: { key: 'beta_start', option: 'betaStart' },
  betaEnd: { key: 'beta_end', option: 'betaEnd' },
  betaSchedule: {
    key: 'beta_schedule',
    option: 'betaSchedule',
    values: [
      ['linear', 'linear'],
      ['scaled_linear', 'quadratic'],
      ['squaredcos_cap_v2', 'squared_cosine'],
    ],
  },
  trainedBetas: { key: 'trained_betas', option: 'trainedBetas' },
  rescaleBetasZeroSnr: { key: 'rescale_betas_zero_snr', option: 'rescaleBetasZeroSnr' },
  alphaClipStrategy: {
    key: 'set_alpha_to_one',
    option: 'alphaClipStrategy',
    values: [
      [true, 'one'],
      [false, 'alpha_zero'],
    ],
  },
  timestepsOffset: { key: 'steps_offset', option: 'timestepsOffset' },
  timestepSpacing: {
    key: 'timestep_spacing',
    option: 'timestepSpacing',
    values: [
      ['leading', 'leading'],
      ['trailing', 'trailing'],
      ['linspace', 'linspace'],
    ],
  },
  clipDenoisedSample: { key: 'clip_sample', option: 'clipDenoisedSample' },
  clipSampleRange: { key: 'clip_sample_range', option: 'clipSampleRange' },
  thresholding: { key: 'thresholding', option: 'thresholding' },
  dynamicThresholdingRatio: { key: 'dynamic_thresholding_ratio', option: 'dynamicThresholdingRatio' },
  sampleMaxValue: { key: 'sample_max_value', option: 'sampleMaxValue' },
} as const satisfies Record<string, DiffusersKey>;

/** The keys of the training schedule, which every DDPM-family class's constructor takes. */
export const TRAINING_KEYS: readonly DiffusersKey[] = [SHARED_KEYS.numTrainSteps, SHARED_KEYS.betaStart, SHARED_KEYS.betaEnd, SHARED_KEYS.betaSchedule, SHARED_KEYS.trainedBetas];

/** The keys of dynamic thresholding's three options. */
export const THRESHOLDING_KEYS: readonly DiffusersKey[] = [SHARED_KEYS.thresholding, SHARED_KEYS.dynamicThresholdingRatio, SHARED_KEYS.sampleMaxValue];

const PREDICTION_TYPE_VALUES: ReadonlyArray<readonly [string, string]> = [
  ['epsilon', 'noise'],
  ['v_prediction', 'angular_velocity'],
  ['sample', 'sample'],
  ['flow_prediction', 'flow'],
];

/** prediction_type with the values a class answers (ours: 'noise', 'angular_velocity', 'sample', 'flow'). */
export function predictionTypeKey(ours: readonly string[]): DiffusersKey {
  return { key: 'prediction_type', option: 'predictionType', values: PREDICTION_TYPE_VALUES.filter(([, value]) => ours.includes(value)) };
}

/** The sigma schedules and the diffusers boolean that selects each. */
const SIGMA_SCHEDULE_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['karras', 'use_karras_sigmas'],
  ['exponential', 'use_exponential_sigmas'],
  ['beta', 'use_beta_sigmas'],
  ['lu_lambdas', 'use_lu_lambdas'],
  ['flow', 'use_flow_sigmas'],
];

/**
 * sigmaSchedule ('default' or one of `schedules`) from diffusers' booleans: the class's
 * constructor has one boolean per schedule; at most one may be true.
 */
export function sigmaScheduleKeys(schedules: readonly string[]): CompositeKey {
  const pairs = SIGMA_SCHEDULE_KEYS.filter(([schedule]) => schedules.includes(schedule));
  return {
    keys: pairs.map(([, key]) => key),
    option: 'sigmaSchedule',
    read(entries) {
      const set = pairs.filter(([, key]) => entries[key] !== undefined && entries[key] !== null);
      for (const [, key] of set) if (typeof entries[key] !== 'boolean') throw new TypeError(`${key} must be true or false, got ${show(entries[key])}`);
      const chosen = set.filter(([, key]) => entries[key] === true);
      if (chosen.length > 1) {
        throw new RangeError(`${chosen.map(([, key]) => key).join(' and ')} are all true; a config selects at most one sigma schedule`);
      }
      if (chosen.length === 1) return chosen[0][0];
      return set.length > 0 ? 'default' : undefined;
    },
    write: (value) => Object.fromEntries(pairs.map(([schedule, key]) => [key, schedule === value])),
  };
}
