import { predictionTypeKey, SHARED_KEYS, type SchedulerTable, TRAINING_KEYS } from '../../config/diffusers_keys';
import type { TimestepSpacing } from '../../schedule/timesteps';
import { withDefault, type OptionSpecs } from '../options';
import * as shared from '../shared_options';
import type { AlphaClipStrategy, TrainingScheduleInput } from '../shared_options';

/** What a PNDM model predicts: the noise (epsilon) or the velocity v. */
export type PndmPredictionType = 'noise' | 'angular_velocity';

/**
 * Options of `PndmScheduler`: Bumblebee's `Bumblebee.Diffusion.PndmScheduler` options in
 * camelCase, with the same defaults, plus diffusers' trainedBetas and timestepSpacing.
 */
export interface PndmOptions extends TrainingScheduleInput {
  /**
   * What the denoiser predicts: 'noise' (epsilon) or 'angular_velocity' (v, Imagen Video
   * section 2.4; progressive distillation, arXiv 2202.00512, appendix D). Default 'noise'.
   */
  predictionType?: PndmPredictionType;
  /**
   * The alpha-bar past the end of the schedule, where a step lands below t = 0: 'one' (1) or
   * 'alpha_zero' (alpha-bar_0). Diffusers' set_alpha_to_one true / false. Default 'alpha_zero'.
   */
  alphaClipStrategy?: AlphaClipStrategy;
  /**
   * Added to every 'leading' timestep (diffusers' steps_offset). With 'alpha_zero', an offset of
   * 1 makes the last step go from t = 1 to alpha-bar_0, as Stable Diffusion. Default 0.
   */
  timestepsOffset?: number;
  /**
   * How the step timesteps spread over the training steps (arXiv 2305.08891, table 2):
   * 'leading' (Bumblebee's), 'trailing' or 'linspace', as diffusers. Default 'leading'.
   */
  timestepSpacing?: TimestepSpacing;
  /**
   * Warm up with lower-order linear multistep (PLMS, crowsonkb's sampler; 2, 1, 1 model calls)
   * instead of the Runge-Kutta steps of F-PNDM (4 model calls each, arXiv 2202.09778,
   * Algorithm 2). Diffusers' skip_prk_steps, which Stable Diffusion's configs set. Default false.
   */
  reduceWarmup?: boolean;
}

/** Every option with its value; trainedBetas is a frozen copy, or null for none. */
export type ResolvedPndmOptions = Readonly<Required<Omit<PndmOptions, 'trainedBetas'>>> & { readonly trainedBetas: readonly number[] | null };

const PREDICTION_TYPES: readonly PndmPredictionType[] = ['noise', 'angular_velocity'];

export const PNDM_OPTIONS: OptionSpecs<ResolvedPndmOptions> = {
  ...shared.TRAINING_OPTIONS,
  predictionType: shared.predictionTypeOption(PREDICTION_TYPES),
  alphaClipStrategy: withDefault(shared.ALPHA_CLIP_STRATEGY, 'alpha_zero'),
  timestepsOffset: shared.TIMESTEPS_OFFSET,
  timestepSpacing: shared.TIMESTEP_SPACING,
  reduceWarmup: shared.booleanOption(false),
};

const K = SHARED_KEYS;

/** The parameters of diffusers' PNDMScheduler.__init__ (scheduling_pndm.py). */
export const PNDM_TABLE: SchedulerTable<ResolvedPndmOptions> = {
  className: 'PndmScheduler',
  diffusersClass: 'PNDMScheduler',
  options: PNDM_OPTIONS,
  keys: [
    ...TRAINING_KEYS,
    { key: 'skip_prk_steps', option: 'reduceWarmup' },
    K.alphaClipStrategy,
    predictionTypeKey(PREDICTION_TYPES),
    K.timestepSpacing,
    K.timestepsOffset,
  ],
};
