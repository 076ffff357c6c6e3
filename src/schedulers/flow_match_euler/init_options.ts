import { arrayLikeValues, checkInteger, checkNumberIn, show } from '../../errors';
import { calculateShift } from '../../schedule/flow_shifts';
import type { InitOptions } from '../scheduler_base';
import type { ResolvedFlowMatchEulerOptions } from './options';

/** The schedule options of a flow-matching run, as diffusers' `set_timesteps` takes them. */
export interface FlowScheduleOptions {
  /**
   * The run's sigmas before the shifts, one per step, in (0, 1] and descending: as Flux's
   * pipeline passes `np.linspace(1, 1 / n, n)`. They are rounded to float32 and then shifted
   * (by `shift`, or by mu with useDynamicShifting), so the sigmas a run uses (`sigmasFor`) are
   * these only for shift 1 without dynamic shifting.
   */
  sigmas?: ArrayLike<number>;
  /** Or the run's model timesteps before the shifts, one per step, in (0, numTrainSteps] and descending: sigma = timestep / numTrainSteps. */
  timesteps?: ArrayLike<number>;
  /** Flux's shift parameter for useDynamicShifting (required with it, unless `imageSeqLen` is given; ignored without it, as diffusers). */
  mu?: number;
  /** Or the image's token count (a positive integer), from which mu is diffusers' pipelines' `calculate_shift`. */
  imageSeqLen?: number;
}

/** `init`'s options: where the noise comes from and where the run starts, and the schedule's. */
export interface FlowMatchEulerInitOptions extends InitOptions, FlowScheduleOptions {}

export const FLOW_SCHEDULE_OPTIONS = ['sigmas', 'timesteps', 'mu', 'imageSeqLen'] as const;

/** What the schedule options resolve to: float32 custom sigmas (or null for the default spacing) and mu (or null). */
export interface ResolvedSchedule {
  readonly custom: Float64Array | null;
  readonly mu: number | null;
}

/** An array of `count` numbers in (0, max], strictly descending. */
function checkDescending(name: string, value: unknown, count: number, max: number, maxName: string): number[] {
  const allowed = `an array of numSteps descending numbers in (0, ${maxName}]`;
  const values = arrayLikeValues(name, value, allowed);
  if (values.length !== count) throw new RangeError(`${name} must hold one value per step (numSteps = ${count}), got ${values.length}`);
  values.forEach((item, i) => {
    if (typeof item !== 'number') throw new TypeError(`${name}[${i}] must be a number in (0, ${maxName}], got ${show(item)}`);
    if (!(item > 0 && item <= max)) throw new RangeError(`${name}[${i}] must be a number in (0, ${maxName}], got ${show(item)}`);
    if (i > 0 && !(item < (values[i - 1] as number))) {
      throw new RangeError(`${name} must be descending: ${name}[${i}] = ${show(item)} is not below ${name}[${i - 1}] = ${show(values[i - 1])}`);
    }
  });
  return values as number[];
}

/**
 * mu of the run: `mu`, or calculate_shift of `imageSeqLen`, checked whether or not the options
 * use it; null without useDynamicShifting (diffusers ignores mu there).
 */
function resolveMu(options: ResolvedFlowMatchEulerOptions, opts: FlowScheduleOptions): number | null {
  const { mu, imageSeqLen } = opts;
  if (mu !== undefined && imageSeqLen !== undefined) throw new TypeError(`give mu or imageSeqLen (which computes mu), not both; got mu ${show(mu)} and imageSeqLen ${show(imageSeqLen)}`);
  let value: number | undefined;
  if (mu !== undefined) {
    value = options.timeShiftType === 'linear' ? checkNumberIn('mu', mu, { min: 0, openMin: true }) : checkNumberIn('mu', mu, {});
  } else if (imageSeqLen !== undefined) {
    checkInteger('imageSeqLen', imageSeqLen, 1);
    const { baseImageSeqLen, maxImageSeqLen, baseShift, maxShift } = options;
    if (baseShift === null || maxShift === null) throw new RangeError(`imageSeqLen needs baseShift and maxShift to compute mu, got baseShift ${show(baseShift)} and maxShift ${show(maxShift)}`);
    if (baseImageSeqLen === maxImageSeqLen) throw new RangeError(`imageSeqLen needs baseImageSeqLen and maxImageSeqLen to differ to compute mu, got ${baseImageSeqLen} for both`);
    value = calculateShift(imageSeqLen, baseImageSeqLen, maxImageSeqLen, baseShift, maxShift);
    if (options.timeShiftType === 'linear' && !(value > 0)) {
      throw new RangeError(`imageSeqLen ${imageSeqLen} gives mu = ${value}, but the linear time shift needs mu > 0 (see baseShift, maxShift)`);
    }
  }
  if (!options.useDynamicShifting) return null;
  if (value === undefined) throw new TypeError('mu (or imageSeqLen) must be given to init when useDynamicShifting is true: the shift depends on the image size');
  return value;
}

/** Checks `init`'s schedule options against numSteps and the scheduler's options. */
export function resolveSchedule(options: ResolvedFlowMatchEulerOptions, numSteps: number, opts: FlowScheduleOptions): ResolvedSchedule {
  const { sigmas, timesteps } = opts;
  if (sigmas !== undefined && timesteps !== undefined) {
    throw new TypeError('give sigmas or timesteps, not both (diffusers takes both and ignores the timesteps)');
  }
  let custom: Float64Array | null = null;
  if (sigmas !== undefined) {
    custom = Float64Array.from(checkDescending('sigmas', sigmas, numSteps, 1, '1'), Math.fround);
  } else if (timesteps !== undefined) {
    const { numTrainSteps } = options;
    // diffusers: np.array(timesteps).astype(np.float32) / num_train_timesteps, in float32.
    custom = Float64Array.from(checkDescending('timesteps', timesteps, numSteps, numTrainSteps, `numTrainSteps = ${numTrainSteps}`), (t) => Math.fround(Math.fround(t) / numTrainSteps));
  }
  return { custom, mu: resolveMu(options, opts) };
}
