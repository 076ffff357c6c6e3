import type { SchedulerTable } from '../../config/diffusers_keys';
import { EULER_BASE_KEYS, EULER_BASE_OPTIONS, type EulerBaseOptions, type ResolvedEulerBaseOptions } from '../euler/options';

/**
 * Options of `EulerAncestralScheduler`: Euler's base options (the training schedule,
 * predictionType, timestepSpacing, timestepsOffset, rescaleBetasZeroSnr), with diffusers'
 * defaults; no sigma schedules, as diffusers' EulerAncestralDiscreteScheduler.
 */
export type EulerAncestralOptions = EulerBaseOptions;
export type ResolvedEulerAncestralOptions = ResolvedEulerBaseOptions;

export const EULER_ANCESTRAL_TABLE: SchedulerTable<ResolvedEulerAncestralOptions> = {
  className: 'EulerAncestralScheduler',
  diffusersClass: 'EulerAncestralDiscreteScheduler',
  options: EULER_BASE_OPTIONS,
  keys: EULER_BASE_KEYS,
};
