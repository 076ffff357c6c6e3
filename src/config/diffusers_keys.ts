import type { DdimOptionName } from '../schedulers/ddim_options';

/**
 * The keys of a diffusers `scheduler_config.json` that DDIM reads, each with the option it
 * sets and, where the two spell values differently, the pairs (diffusers value, our value).
 * Both directions of the config interop read this one table.
 */
export interface DiffusersKey {
  readonly key: string;
  readonly option: DdimOptionName;
  readonly values?: readonly (readonly [unknown, string])[];
}

export const DIFFUSERS_KEYS: readonly DiffusersKey[] = [
  { key: 'num_train_timesteps', option: 'numTrainSteps' },
  { key: 'beta_start', option: 'betaStart' },
  { key: 'beta_end', option: 'betaEnd' },
  {
    key: 'beta_schedule',
    option: 'betaSchedule',
    values: [
      ['linear', 'linear'],
      ['scaled_linear', 'quadratic'],
      ['squaredcos_cap_v2', 'squared_cosine'],
    ],
  },
  { key: 'trained_betas', option: 'trainedBetas' },
  { key: 'rescale_betas_zero_snr', option: 'rescaleBetasZeroSnr' },
  {
    key: 'prediction_type',
    option: 'predictionType',
    values: [
      ['epsilon', 'noise'],
      ['v_prediction', 'angular_velocity'],
      ['sample', 'sample'],
    ],
  },
  {
    key: 'set_alpha_to_one',
    option: 'alphaClipStrategy',
    values: [
      [true, 'one'],
      [false, 'alpha_zero'],
    ],
  },
  { key: 'steps_offset', option: 'timestepsOffset' },
  {
    key: 'timestep_spacing',
    option: 'timestepSpacing',
    values: [
      ['leading', 'leading'],
      ['trailing', 'trailing'],
      ['linspace', 'linspace'],
    ],
  },
  { key: 'clip_sample', option: 'clipDenoisedSample' },
  { key: 'clip_sample_range', option: 'clipSampleRange' },
  { key: 'thresholding', option: 'thresholding' },
  { key: 'dynamic_thresholding_ratio', option: 'dynamicThresholdingRatio' },
  { key: 'sample_max_value', option: 'sampleMaxValue' },
];

/** The diffusers classes we write configs for, and the keys of DIFFUSERS_KEYS each one's constructor takes. */
export type DiffusersDdimClass = 'DDIMScheduler' | 'DDIMInverseScheduler';

const NOT_IN_INVERSE = ['thresholding', 'dynamic_thresholding_ratio', 'sample_max_value'];

export function keysOfClass(className: DiffusersDdimClass): readonly DiffusersKey[] {
  return className === 'DDIMScheduler' ? DIFFUSERS_KEYS : DIFFUSERS_KEYS.filter(({ key }) => !NOT_IN_INVERSE.includes(key));
}

/**
 * The private key under which a config we write keeps the options diffusers has no config key
 * for (eta, rederiveNoise, previousTimestep, and what the class lacks), when they differ from
 * the defaults. diffusers drops keys that start with '_' when it loads a config.
 */
export const OWN_OPTIONS_KEY = '_tfjs_diffusion_schedulers';
