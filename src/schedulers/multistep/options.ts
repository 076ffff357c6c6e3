/**
 * The options DpmSolverMultistepScheduler and UniPcMultistepScheduler share: their names,
 * checks, defaults and diffusers config keys (../shared/API.md, "Shared vocabulary").
 */
import { checkInteger, checkNumberIn, show } from '../../errors';
import type { DiffusersKey } from '../../config/diffusers_keys';
import type { OptionSpec } from '../options';
import { booleanOption, oneOf } from '../shared_options';

/** What the model predicts: the shared four ('flow' is diffusers' flow_prediction: v = eps - x0). */
export type MultistepPredictionType = 'noise' | 'angular_velocity' | 'sample' | 'flow';
export const MULTISTEP_PREDICTION_TYPES: readonly MultistepPredictionType[] = ['noise', 'angular_velocity', 'sample', 'flow'];

/**
 * How a run's sigmas are made: 'default' (the training sigmas at the spaced timesteps),
 * 'karras', 'exponential', 'beta', 'lu_lambdas' (DPM-Solver only), 'flow' (rectified-flow
 * sigmas shifted by flowShift), and UniPC's 'flow_karras' (Karras sigmas mapped to the flow,
 * diffusers' use_flow_sigmas with use_karras_sigmas).
 */
export type SigmaSchedule = 'default' | 'karras' | 'exponential' | 'beta' | 'lu_lambdas' | 'flow' | 'flow_karras';
/** DPM-Solver's sigma schedules (diffusers' DPMSolverMultistepScheduler has no flow + Karras). */
export type DpmSolverSigmaSchedule = Exclude<SigmaSchedule, 'flow_karras'>;
/** UniPC's sigma schedules (diffusers' UniPCMultistepScheduler has no Lu lambdas). */
export type UniPcSigmaSchedule = Exclude<SigmaSchedule, 'lu_lambdas'>;

/** The final sigma a run steps to: 0 (the clean end) or the training schedule's smallest. */
export type FinalSigmasType = 'zero' | 'sigma_min';

/** The time shift of dynamic shifting (Flux): e^mu / (e^mu + 1/t - 1), or mu / (mu + 1/t - 1). */
export type { TimeShiftType } from '../../schedule/flow_shifts';
import type { TimeShiftType } from '../../schedule/flow_shifts';

export const SOLVER_ORDER: OptionSpec<1 | 2 | 3> = { default: 2, check: (name, value) => checkInteger(name, value, 1, 3) as 1 | 2 | 3 };
export const LOWER_ORDER_FINAL = booleanOption(true);
export function sigmaScheduleOption<T extends SigmaSchedule>(schedules: readonly T[]): OptionSpec<T> {
  return oneOf(schedules, 'default' as T);
}
export const FLOW_SHIFT: OptionSpec<number> = { default: 1, check: (name, value) => checkNumberIn(name, value, { min: 0, openMin: true }) };
export const FINAL_SIGMAS_TYPE = oneOf<FinalSigmasType>(['zero', 'sigma_min'], 'zero');
export const USE_DYNAMIC_SHIFTING = booleanOption(false);
export function timeShiftTypeOption(types: readonly TimeShiftType[]): OptionSpec<TimeShiftType> {
  return oneOf(types, 'exponential');
}

/** The diffusers keys of the options above. */
export const MULTISTEP_KEYS = {
  solverOrder: { key: 'solver_order', option: 'solverOrder' },
  lowerOrderFinal: { key: 'lower_order_final', option: 'lowerOrderFinal' },
  flowShift: { key: 'flow_shift', option: 'flowShift' },
  finalSigmasType: { key: 'final_sigmas_type', option: 'finalSigmasType' },
  useDynamicShifting: { key: 'use_dynamic_shifting', option: 'useDynamicShifting' },
  timeShiftType: { key: 'time_shift_type', option: 'timeShiftType' },
} as const satisfies Record<string, DiffusersKey>;

/**
 * The checks every multistep configuration must pass once all options are resolved, each
 * naming both options: flow predictions need flow sigmas (x0 = x - sigma * v holds on the
 * rectified flow only), and dynamic shifting moves flow sigmas only.
 */
export function checkMultistepCombination(className: string, options: { predictionType: string; sigmaSchedule: SigmaSchedule; useDynamicShifting: boolean }): void {
  const flowSigmas = options.sigmaSchedule === 'flow' || options.sigmaSchedule === 'flow_karras';
  if (options.predictionType === 'flow' && !flowSigmas) {
    throw new RangeError(`${className}: predictionType 'flow' needs sigmaSchedule 'flow' (a rectified-flow schedule), got sigmaSchedule ${show(options.sigmaSchedule)}`);
  }
  if (options.useDynamicShifting && options.sigmaSchedule !== 'flow') {
    throw new RangeError(`${className}: useDynamicShifting shifts flow sigmas; it needs sigmaSchedule 'flow', got ${show(options.sigmaSchedule)}`);
  }
}
