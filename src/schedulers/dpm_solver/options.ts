import { predictionTypeKey, type SchedulerTable, SHARED_KEYS, sigmaScheduleKeys, THRESHOLDING_KEYS, TRAINING_KEYS } from '../../config/diffusers_keys';
import { show } from '../../errors';
import type { TimestepSpacing } from '../../schedule/timesteps';
import { withDefault, type OptionSpec, type OptionSpecs } from '../options';
import * as shared from '../shared_options';
import type { TrainingScheduleInput } from '../shared_options';
import * as multistep from '../multistep/options';
import type { DpmSolverSigmaSchedule, FinalSigmasType, MultistepPredictionType, TimeShiftType } from '../multistep/options';
import type { AlgorithmType, SolverType } from './coefficients';

/**
 * Options of `DpmSolverMultistepScheduler`: diffusers' DPMSolverMultistepScheduler config in
 * camelCase, with diffusers' defaults.
 */
export interface DpmSolverOptions extends TrainingScheduleInput {
  /**
   * The solver's order: 1 (DDIM), 2 (DPM-Solver++(2M), recommended for guided sampling) or 3
   * (for unconditional sampling). The first steps of a run take lower orders until enough
   * model outputs are known. Default 2.
   */
  solverOrder?: 1 | 2 | 3;
  /**
   * What the denoiser predicts: 'noise' (epsilon), 'angular_velocity' (v), 'sample' (x0), or
   * 'flow' (a rectified flow's velocity eps - x0, diffusers' flow_prediction; needs sigmaSchedule
   * 'flow' and a data-prediction algorithm). Default 'noise'.
   */
  predictionType?: MultistepPredictionType;
  /**
   * Dynamic thresholding (Imagen, arXiv 2205.11487) of each step's x0, per item of the first
   * axis: s = the dynamicThresholdingRatio quantile of |x0| clamped to [1, sampleMaxValue], x0
   * becomes clamp(x0, -s, s) / s. For pixel-space models. Default false.
   */
  thresholding?: boolean;
  /** The quantile of dynamic thresholding, 0 < r < 1. Default 0.995. */
  dynamicThresholdingRatio?: number;
  /** The largest threshold s, > 0 (below 1, s is this value itself, as in diffusers). Default 1. */
  sampleMaxValue?: number;
  /**
   * 'dpmsolver++' integrates the model's x0 (DPM-Solver++, arXiv 2211.01095), 'dpmsolver' its
   * eps (DPM-Solver, arXiv 2206.00927); the 'sde-' variants solve the diffusion SDE instead of
   * the ODE, with fresh noise every step from the run's generator. Default 'dpmsolver++'.
   */
  algorithmType?: AlgorithmType;
  /** The second-order update: 'midpoint' or 'heun' (arXiv 2211.01095, appendix). Default 'midpoint'. */
  solverType?: SolverType;
  /**
   * Below 15 steps, take a first-order last step and (order 3) a second-order step before it,
   * which stabilizes short runs. Default true.
   */
  lowerOrderFinal?: boolean;
  /** Take a first-order (Euler) last step at any step count: steadier, sometimes blurrier. Default false. */
  eulerAtFinal?: boolean;
  /**
   * The run's sigmas: 'default' (the training sigmas at the spaced timesteps), 'karras'
   * (arXiv 2206.00364), 'exponential', 'beta' (arXiv 2407.12173), 'lu_lambdas' (uniform
   * log-SNR, arXiv 2206.00927) or 'flow' (rectified-flow sigmas shifted by flowShift). The last
   * four set the timesteps from the sigmas. Default 'default'.
   */
  sigmaSchedule?: DpmSolverSigmaSchedule;
  /** The shift of flow sigmas (SD3, arXiv 2403.03206, eq. 23), > 0. Default 1. */
  flowShift?: number;
  /** The sigma of the end of the run: 'zero' (x0 itself) or 'sigma_min' (the training sigma at t = 0). Default 'zero'. */
  finalSigmasType?: FinalSigmasType;
  /**
   * The smallest log-SNR lambda(t) the timesteps may reach: the schedule starts at the last
   * timestep whose lambda is at least this (critical for 'squared_cosine'). Default -Infinity.
   */
  lambdaMinClipped?: number;
  /** 'linspace', 'leading' or 'trailing' (arXiv 2305.08891, table 2), over numSteps + 1 points. Default 'linspace'. */
  timestepSpacing?: TimestepSpacing;
  /** Added to every 'leading' timestep (diffusers' steps_offset). Default 0. */
  timestepsOffset?: number;
  /** Rescale the betas to a zero terminal SNR (arXiv 2305.08891, Algorithm 1; the last alpha-bar becomes 2^-24). Default false. */
  rescaleBetasZeroSnr?: boolean;
  /** Flux-style dynamic shifting of flow sigmas: init's `mu` sets the shift to e^mu. Default false. */
  useDynamicShifting?: boolean;
  /** The time shift of dynamic shifting: 'exponential' only (as diffusers). Default 'exponential'. */
  timeShiftType?: TimeShiftType;
}

/** Every option with its value; trainedBetas is a frozen copy, or null for none. */
export type ResolvedDpmSolverOptions = Readonly<Required<Omit<DpmSolverOptions, 'trainedBetas'>>> & { readonly trainedBetas: readonly number[] | null };

const LAMBDA_MIN_CLIPPED: OptionSpec<number> = {
  default: -Infinity,
  // -Infinity (no clipping) or a finite log-SNR; diffusers writes -Infinity, which a config
  // read as JSON may carry as null.
  check: (name, value) => {
    if (value === null || value === -Infinity) return -Infinity;
    if (typeof value !== 'number') throw new TypeError(`${name} must be a finite number or -Infinity, got ${show(value)}`);
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number or -Infinity, got ${show(value)}`);
    return value;
  },
};

export const DPM_SOLVER_OPTIONS: OptionSpecs<ResolvedDpmSolverOptions> = {
  ...shared.TRAINING_OPTIONS,
  solverOrder: multistep.SOLVER_ORDER,
  predictionType: shared.predictionTypeOption(multistep.MULTISTEP_PREDICTION_TYPES),
  ...shared.THRESHOLDING_OPTIONS,
  algorithmType: shared.oneOf<AlgorithmType>(['dpmsolver++', 'sde-dpmsolver++', 'dpmsolver', 'sde-dpmsolver'], 'dpmsolver++'),
  solverType: shared.oneOf<SolverType>(['midpoint', 'heun'], 'midpoint'),
  lowerOrderFinal: multistep.LOWER_ORDER_FINAL,
  eulerAtFinal: shared.booleanOption(false),
  sigmaSchedule: multistep.sigmaScheduleOption<DpmSolverSigmaSchedule>(['default', 'karras', 'exponential', 'beta', 'lu_lambdas', 'flow']),
  flowShift: multistep.FLOW_SHIFT,
  finalSigmasType: multistep.FINAL_SIGMAS_TYPE,
  lambdaMinClipped: LAMBDA_MIN_CLIPPED,
  timestepSpacing: withDefault(shared.TIMESTEP_SPACING, 'linspace'),
  timestepsOffset: shared.TIMESTEPS_OFFSET,
  rescaleBetasZeroSnr: shared.RESCALE_BETAS_ZERO_SNR,
  useDynamicShifting: multistep.USE_DYNAMIC_SHIFTING,
  timeShiftType: multistep.timeShiftTypeOption(['exponential']),
};

const K = SHARED_KEYS;
const M = multistep.MULTISTEP_KEYS;

export const DPM_SOLVER_TABLE: SchedulerTable<ResolvedDpmSolverOptions> = {
  className: 'DpmSolverMultistepScheduler',
  diffusersClass: 'DPMSolverMultistepScheduler',
  options: DPM_SOLVER_OPTIONS,
  keys: [
    ...TRAINING_KEYS,
    M.solverOrder,
    predictionTypeKey(multistep.MULTISTEP_PREDICTION_TYPES),
    ...THRESHOLDING_KEYS,
    {
      key: 'algorithm_type',
      option: 'algorithmType',
      // diffusers replaces 'deis' (a DEISMultistepScheduler config) by 'dpmsolver++'.
      values: [['dpmsolver++', 'dpmsolver++'], ['sde-dpmsolver++', 'sde-dpmsolver++'], ['dpmsolver', 'dpmsolver'], ['sde-dpmsolver', 'sde-dpmsolver'], ['deis', 'dpmsolver++']],
    },
    {
      key: 'solver_type',
      option: 'solverType',
      // diffusers replaces DEIS's 'logrho' and UniPC's 'bh1' / 'bh2' by 'midpoint'.
      values: [['midpoint', 'midpoint'], ['heun', 'heun'], ['logrho', 'midpoint'], ['bh1', 'midpoint'], ['bh2', 'midpoint']],
    },
    M.lowerOrderFinal,
    { key: 'euler_at_final', option: 'eulerAtFinal' },
    M.flowShift,
    M.finalSigmasType,
    { key: 'lambda_min_clipped', option: 'lambdaMinClipped' },
    K.timestepSpacing,
    K.timestepsOffset,
    K.rescaleBetasZeroSnr,
    M.useDynamicShifting,
    M.timeShiftType,
  ],
  composites: [sigmaScheduleKeys(['karras', 'exponential', 'beta', 'lu_lambdas', 'flow'])],
};
