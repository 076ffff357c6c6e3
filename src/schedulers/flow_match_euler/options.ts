import { sigmaScheduleKeys, SHARED_KEYS, type SchedulerTable } from '../../config/diffusers_keys';
import { checkInteger, checkNumberIn, show } from '../../errors';
import type { OptionSpec, OptionSpecs } from '../options';
import * as shared from '../shared_options';

/** The sigma schedules a flow-matching run can be converted to after its shifts. */
export type FlowSigmaSchedule = 'default' | 'karras' | 'exponential' | 'beta';
/** How Flux's dynamic shift maps a sigma (diffusers' time_shift_type). */
export type TimeShiftType = 'exponential' | 'linear';

/**
 * Options of `FlowMatchEulerScheduler`: diffusers' FlowMatchEulerDiscreteScheduler config keys
 * in camelCase, with its defaults, plus `shiftSigmaMinOnce`.
 */
export interface FlowMatchEulerOptions {
  /** Timesteps the model was trained with: a model timestep is sigma * numTrainSteps. Default 1000. */
  numTrainSteps?: number;
  /**
   * SD3's resolution shift (arXiv 2403.03206, eq. 23 with m/n = shift): every sigma s becomes
   * shift * s / (1 + (shift - 1) * s), spending more steps at high noise; > 0. SD3 and
   * Z-Image use 3. Ignored with useDynamicShifting. Default 1 (no shift).
   */
  shift?: number;
  /**
   * Shift by `mu` given at init (Flux's resolution-dependent shift; see timeShiftType), or
   * computed from init's `imageSeqLen`, instead of by `shift`. Default false.
   */
  useDynamicShifting?: boolean;
  /** mu at baseImageSeqLen tokens, for init's `imageSeqLen` (Flux's calculate_shift); null: none. Default 0.5. */
  baseShift?: number | null;
  /** mu at maxImageSeqLen tokens, for init's `imageSeqLen`; null: none. Default 1.15. */
  maxShift?: number | null;
  /** The token count where mu is baseShift, integer >= 1. Default 256. */
  baseImageSeqLen?: number;
  /** The token count where mu is maxShift, integer >= 1. Default 4096. */
  maxImageSeqLen?: number;
  /**
   * Run on 1 - sigma, ascending to a final sigma of 1 (Mochi's and LongCat's convention: the
   * model input is sigma * x0 + (1 - sigma) * eps and the model predicts x0 - eps). Default false.
   */
  invertSigmas?: boolean;
  /**
   * Stretch the shifted sigmas so that the last one is this value, 0 < x < 1 (LTX-Video's
   * `stretch_shift_to_terminal`); null: no stretch. Default null.
   */
  shiftTerminal?: number | null;
  /**
   * Respace the shifted sigmas between their ends: 'karras' (arXiv 2206.00364, eq. 5, rho 7),
   * 'exponential' (even in log sigma) or 'beta' (arXiv 2407.12173, alpha = beta = 0.6), or
   * keep them ('default'). diffusers' use_karras_sigmas / use_exponential_sigmas / use_beta_sigmas.
   * Default 'default'.
   */
  sigmaSchedule?: FlowSigmaSchedule;
  /**
   * Flux's dynamic shift: 'exponential' maps s to e^mu / (e^mu + 1/s - 1) (SD3's shift with
   * shift = e^mu), 'linear' to mu / (mu + 1/s - 1). Default 'exponential'.
   */
  timeShiftType?: TimeShiftType;
  /**
   * Each step re-noises the predicted x0 to the next sigma with fresh noise from the run's
   * generator, (1 - s') * x0 + s' * z, instead of the Euler step x + (s' - s) * v. Default false.
   */
  stochasticSampling?: boolean;
  /**
   * Space the default timesteps between the unshifted ends of the training schedule (1 and
   * 1 / numTrainSteps) and shift them once, as the model cards describe: the last sigma is
   * shift(1 / T) (0.002994 for shift 3). diffusers' default path shifts the sigma_min end twice
   * (its issue #13243): its last sigma is shift(shift(1 / T)) (0.008929 for shift 3). No effect
   * with useDynamicShifting (whose ends diffusers leaves unshifted), custom sigmas or timesteps,
   * or shift 1. Not a diffusers key. Default false (diffusers' schedule).
   */
  shiftSigmaMinOnce?: boolean;
  /** What the model predicts: 'flow', the velocity eps - x0 (diffusers' flow_prediction). The only value. */
  predictionType?: 'flow';
}

/** Every option with its value. */
export type ResolvedFlowMatchEulerOptions = Readonly<Required<FlowMatchEulerOptions>>;

const nullableNumber = (fallback: number): OptionSpec<number | null> => ({
  default: fallback,
  check: (name, value) => (value === null ? null : checkNumberIn(name, value, {})),
});

export const FLOW_MATCH_EULER_OPTIONS: OptionSpecs<ResolvedFlowMatchEulerOptions> = {
  numTrainSteps: shared.NUM_TRAIN_STEPS,
  shift: { default: 1, check: (name, value) => checkNumberIn(name, value, { min: 0, openMin: true }) },
  useDynamicShifting: shared.booleanOption(false),
  baseShift: nullableNumber(0.5),
  maxShift: nullableNumber(1.15),
  baseImageSeqLen: { default: 256, check: (name, value) => checkInteger(name, value, 1) },
  maxImageSeqLen: { default: 4096, check: (name, value) => checkInteger(name, value, 1) },
  invertSigmas: shared.booleanOption(false),
  shiftTerminal: {
    default: null,
    check: (name, value) => (value === null ? null : checkNumberIn(name, value, { min: 0, max: 1, openMin: true, openMax: true })),
  },
  sigmaSchedule: shared.oneOf<FlowSigmaSchedule>(['default', 'karras', 'exponential', 'beta'], 'default'),
  timeShiftType: shared.oneOf<TimeShiftType>(['exponential', 'linear'], 'exponential'),
  stochasticSampling: {
    default: false,
    check: (name, value, resolved, nameOf) => {
      const stochastic = shared.booleanOption(false).check(name, value, resolved, nameOf);
      if (stochastic && resolved.invertSigmas === true) {
        // diffusers' stochastic step takes x0 = x - sigma * v, the non-inverted convention: with
        // inverted sigmas it re-noises a wrong x0 (its formula, not a sampler).
        throw new RangeError(`${name} cannot be combined with ${nameOf('invertSigmas')}: the stochastic step assumes x = (1 - sigma) x0 + sigma eps, got ${show(value)} with inverted sigmas`);
      }
      return stochastic;
    },
  },
  shiftSigmaMinOnce: shared.booleanOption(false),
  predictionType: shared.predictionTypeOption(['flow'] as const),
};

const K = SHARED_KEYS;

export const FLOW_MATCH_EULER_TABLE: SchedulerTable<ResolvedFlowMatchEulerOptions> = {
  className: 'FlowMatchEulerScheduler',
  diffusersClass: 'FlowMatchEulerDiscreteScheduler',
  options: FLOW_MATCH_EULER_OPTIONS,
  keys: [
    K.numTrainSteps,
    { key: 'shift', option: 'shift' },
    { key: 'use_dynamic_shifting', option: 'useDynamicShifting' },
    { key: 'base_shift', option: 'baseShift' },
    { key: 'max_shift', option: 'maxShift' },
    { key: 'base_image_seq_len', option: 'baseImageSeqLen' },
    { key: 'max_image_seq_len', option: 'maxImageSeqLen' },
    { key: 'invert_sigmas', option: 'invertSigmas' },
    { key: 'shift_terminal', option: 'shiftTerminal' },
    {
      key: 'time_shift_type',
      option: 'timeShiftType',
      values: [
        ['exponential', 'exponential'],
        ['linear', 'linear'],
      ],
    },
    { key: 'stochastic_sampling', option: 'stochasticSampling' },
  ],
  composites: [sigmaScheduleKeys(['karras', 'exponential', 'beta'])],
};
