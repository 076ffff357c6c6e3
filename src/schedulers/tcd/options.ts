import { checkNumberIn } from '../../errors';
import type { SchedulerTable } from '../../config/diffusers_keys';
import type { OptionSpecs } from '../options';
import { LCM_KEYS, LCM_OPTIONS, type LcmOptions, type ResolvedLcmOptions } from '../lcm/options';

/**
 * Options of `TcdScheduler`: those of `LcmScheduler`, with its defaults, plus `gamma`.
 * diffusers' TCDScheduler step reads neither the x0 bound (clipDenoisedSample, clipSampleRange,
 * thresholding, dynamicThresholdingRatio, sampleMaxValue) nor boundaryConditionTimestepScale,
 * nor (like LCM) timestepsOffset and timestepSpacing: they are kept for the config round trip
 * and change no number.
 */
export interface TcdOptions extends LcmOptions {
  /**
   * gamma of trajectory consistency distillation's strategic stochastic sampling (arXiv
   * 2402.19159, section 3.3): each step goes to s = floor((1 - gamma) t_next) along the
   * trajectory, then forward to t_next with fresh noise. 0 is deterministic, 1 fully
   * stochastic. diffusers' step argument `eta`. 0 <= gamma <= 1. Default 0.3.
   */
  gamma?: number;
}

export type ResolvedTcdOptions = ResolvedLcmOptions & { readonly gamma: number };

export const TCD_OPTIONS: OptionSpecs<ResolvedTcdOptions> = {
  ...LCM_OPTIONS,
  gamma: { default: 0.3, check: (name, value) => checkNumberIn(name, value, { min: 0, max: 1 }) },
};

/** diffusers' TCDScheduler.__init__ (scheduling_tcd.py) takes LCMScheduler's keys; gamma has none (a step argument there). */
export const TCD_TABLE: SchedulerTable<ResolvedTcdOptions> = {
  className: 'TcdScheduler',
  diffusersClass: 'TCDScheduler',
  options: TCD_OPTIONS,
  keys: LCM_KEYS,
};
