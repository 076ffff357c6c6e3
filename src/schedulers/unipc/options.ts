import { type CompositeKey, predictionTypeKey, type SchedulerTable, SHARED_KEYS, sigmaScheduleKeys, THRESHOLDING_KEYS, TRAINING_KEYS } from '../../config/diffusers_keys';
import { checkNumberIn, show } from '../../errors';
import type { TimestepSpacing } from '../../schedule/timesteps';
import { withDefault, type OptionSpec, type OptionSpecs } from '../options';
import * as shared from '../shared_options';
import type { TrainingScheduleInput } from '../shared_options';
import * as multistep from '../multistep/options';
import type { FinalSigmasType, MultistepPredictionType, TimeShiftType, UniPcSigmaSchedule } from '../multistep/options';
import type { UniPcSolverType } from './coefficients';

/**
 * Options of `UniPcMultistepScheduler`: diffusers' UniPCMultistepScheduler config in camelCase,
 * with diffusers' defaults.
 */
export interface UniPcOptions extends TrainingScheduleInput {
  /** The order p of UniP-p (the corrector UniC then reaches order p + 1), 1 to 3. Default 2. */
  solverOrder?: 1 | 2 | 3;
  /**
   * What the denoiser predicts: 'noise' (epsilon), 'angular_velocity' (v), 'sample' (x0), or
   * 'flow' (a rectified flow's velocity eps - x0, diffusers' flow_prediction; needs a flow
   * sigmaSchedule and predictX0). Default 'noise'.
   */
  predictionType?: MultistepPredictionType;
  /** Dynamic thresholding (Imagen, arXiv 2205.11487) of each step's x0 (predictX0 only). Default false. */
  thresholding?: boolean;
  /** The quantile of dynamic thresholding, 0 < r < 1. Default 0.995. */
  dynamicThresholdingRatio?: number;
  /** The largest threshold s, > 0 (below 1, s is this value itself, as in diffusers). Default 1. */
  sampleMaxValue?: number;
  /** Integrate the model's x0 (UniPC with data prediction, the paper's choice for guided sampling) rather than its eps. Default true. */
  predictX0?: boolean;
  /**
   * B(h) of the paper's section 3.3: 'bh1' (B(h) = h, for unconditional sampling) or 'bh2'
   * (B(h) = e^h - 1, for guided sampling). Default 'bh2'.
   */
  solverType?: UniPcSolverType;
  /** Lower the order of the last steps to the steps left (stabilizes runs under 10 steps). Default true. */
  lowerOrderFinal?: boolean;
  /**
   * Step indices after which no corrector runs: the corrector at step i corrects the sample of
   * step i - 1 unless i - 1 is listed (diffusers' disable_corrector; large guidance scales can
   * distort it). Default [].
   */
  disableCorrector?: readonly number[];
  /**
   * The run's sigmas: 'default', 'karras', 'exponential', 'beta', 'flow' (rectified-flow
   * sigmas shifted by flowShift), or 'flow_karras' (Karras sigmas between sigmaMin and
   * sigmaMax mapped to the flow by s / (1 + s); diffusers' use_flow_sigmas with
   * use_karras_sigmas). Default 'default'.
   */
  sigmaSchedule?: UniPcSigmaSchedule;
  /** The shift of flow sigmas (SD3, arXiv 2403.03206, eq. 23), > 0. Default 1. */
  flowShift?: number;
  /** 'linspace', 'leading' or 'trailing' (arXiv 2305.08891, table 2), over numSteps + 1 points. Default 'linspace'. */
  timestepSpacing?: TimestepSpacing;
  /** Added to every 'leading' timestep (diffusers' steps_offset). Default 0. */
  timestepsOffset?: number;
  /**
   * The sigma of the end of the run: 'zero' (x0 itself) or 'sigma_min' (the training sigma at
   * t = 0 for 'default', else the schedule's last sigma again: a last step that moves nothing).
   * Default 'zero'.
   */
  finalSigmasType?: FinalSigmasType;
  /** Rescale the betas to a zero terminal SNR (arXiv 2305.08891, Algorithm 1; the last alpha-bar becomes 2^-24). Default false. */
  rescaleBetasZeroSnr?: boolean;
  /** Flux-style dynamic shifting of flow sigmas by init's `mu` (see timeShiftType). Default false. */
  useDynamicShifting?: boolean;
  /** The time shift of dynamic shifting: 'exponential' (e^mu / (e^mu + 1/t - 1)) or 'linear' (mu / (mu + 1/t - 1)). Default 'exponential'. */
  timeShiftType?: TimeShiftType;
  /** The smallest sigma of the Karras, exponential and beta schedules, > 0; null: the training schedule's. Default null. */
  sigmaMin?: number | null;
  /** The largest sigma of those schedules, > 0; null: the training schedule's. Default null. */
  sigmaMax?: number | null;
  /** Stretch flow sigmas so that the last is this, 0 < x < 1 (LTX-Video); null: no stretch. Default null. */
  shiftTerminal?: number | null;
}

/** Every option with its value; trainedBetas is a frozen copy, or null for none. */
export type ResolvedUniPcOptions = Readonly<Required<Omit<UniPcOptions, 'trainedBetas'>>> & { readonly trainedBetas: readonly number[] | null };

function nullableNumber(bounds: Parameters<typeof checkNumberIn>[2]): OptionSpec<number | null> {
  return { default: null, check: (name, value) => (value === null ? null : checkNumberIn(name, value, bounds)) };
}

const DISABLE_CORRECTOR: OptionSpec<readonly number[]> = {
  default: Object.freeze([]),
  check: (name, value) => {
    if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of step indices (integers >= 0), got ${show(value)}`);
    value.forEach((index, i) => {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
        throw new (typeof index === 'number' ? RangeError : TypeError)(`${name}[${i}] must be a step index (an integer >= 0), got ${show(index)}`);
      }
    });
    return Object.freeze([...(value as number[])]);
  },
};

export const UNIPC_OPTIONS: OptionSpecs<ResolvedUniPcOptions> = {
  ...shared.TRAINING_OPTIONS,
  solverOrder: multistep.SOLVER_ORDER,
  predictionType: shared.predictionTypeOption(multistep.MULTISTEP_PREDICTION_TYPES),
  ...shared.THRESHOLDING_OPTIONS,
  predictX0: shared.booleanOption(true),
  solverType: shared.oneOf<UniPcSolverType>(['bh1', 'bh2'], 'bh2'),
  lowerOrderFinal: multistep.LOWER_ORDER_FINAL,
  disableCorrector: DISABLE_CORRECTOR,
  sigmaSchedule: multistep.sigmaScheduleOption<UniPcSigmaSchedule>(['default', 'karras', 'exponential', 'beta', 'flow', 'flow_karras']),
  flowShift: multistep.FLOW_SHIFT,
  timestepSpacing: withDefault(shared.TIMESTEP_SPACING, 'linspace'),
  timestepsOffset: shared.TIMESTEPS_OFFSET,
  finalSigmasType: multistep.FINAL_SIGMAS_TYPE,
  rescaleBetasZeroSnr: shared.RESCALE_BETAS_ZERO_SNR,
  useDynamicShifting: multistep.USE_DYNAMIC_SHIFTING,
  timeShiftType: multistep.timeShiftTypeOption(['exponential', 'linear']),
  sigmaMin: nullableNumber({ min: 0, openMin: true }),
  sigmaMax: nullableNumber({ min: 0, openMin: true }),
  shiftTerminal: nullableNumber({ min: 0, max: 1, openMin: true, openMax: true }),
};

/**
 * sigmaSchedule from diffusers' booleans: one of use_karras_sigmas, use_exponential_sigmas,
 * use_beta_sigmas, use_flow_sigmas, or use_flow_sigmas with use_karras_sigmas ('flow_karras'),
 * the one pair diffusers' UniPC takes together.
 */
function uniPcSigmaScheduleKeys(): CompositeKey {
  const single = sigmaScheduleKeys(['karras', 'exponential', 'beta', 'flow']);
  return {
    ...single,
    read(entries) {
      if (entries.use_flow_sigmas === true && entries.use_karras_sigmas === true) {
        single.read({ ...entries, use_flow_sigmas: false }); // throws when a third schedule is set too
        return 'flow_karras';
      }
      return single.read(entries);
    },
    write: (value) => (value === 'flow_karras' ? { ...single.write('default'), use_flow_sigmas: true, use_karras_sigmas: true } : single.write(value)),
  };
}

const K = SHARED_KEYS;
const M = multistep.MULTISTEP_KEYS;

export const UNIPC_TABLE: SchedulerTable<ResolvedUniPcOptions> = {
  className: 'UniPcMultistepScheduler',
  diffusersClass: 'UniPCMultistepScheduler',
  options: UNIPC_OPTIONS,
  keys: [
    ...TRAINING_KEYS,
    M.solverOrder,
    predictionTypeKey(multistep.MULTISTEP_PREDICTION_TYPES),
    ...THRESHOLDING_KEYS,
    { key: 'predict_x0', option: 'predictX0' },
    {
      key: 'solver_type',
      option: 'solverType',
      // diffusers replaces DPM-Solver's 'midpoint' / 'heun' and DEIS's 'logrho' by 'bh2'.
      values: [['bh1', 'bh1'], ['bh2', 'bh2'], ['midpoint', 'bh2'], ['heun', 'bh2'], ['logrho', 'bh2']],
    },
    M.lowerOrderFinal,
    { key: 'disable_corrector', option: 'disableCorrector' },
    M.flowShift,
    K.timestepSpacing,
    K.timestepsOffset,
    M.finalSigmasType,
    K.rescaleBetasZeroSnr,
    M.useDynamicShifting,
    M.timeShiftType,
    { key: 'sigma_min', option: 'sigmaMin' },
    { key: 'sigma_max', option: 'sigmaMax' },
    { key: 'shift_terminal', option: 'shiftTerminal' },
  ],
  composites: [uniPcSigmaScheduleKeys()],
};
