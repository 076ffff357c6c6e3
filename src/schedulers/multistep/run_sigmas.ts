/**
 * The noise levels of a multistep run, as diffusers' DPMSolverMultistepScheduler and
 * UniPCMultistepScheduler make them in `set_timesteps`: the pieces both classes share. Each
 * class's schedule.ts puts them together in the order its diffusers class does.
 */
import { show } from '../../errors';
import { karrasSigmas, placedSigmas, sigmaToTimestep } from '../../schedule/sigmas';
import { roundHalfToEven } from '../../schedule/numpy';
import type { ForwardProcess } from './levels';
import type { VpTraining } from './training';

/**
 * A run's schedule: numSteps + 1 sigmas (float32 values, diffusers' `scheduler.sigmas`, the final
 * one included) and the numSteps model timesteps (int32, diffusers' `scheduler.timesteps`).
 */
export interface RunSigmas {
  readonly sigmas: Float64Array;
  readonly timesteps: Int32Array;
}

/** The sigma schedules computed from the training sigmas' range (Karras, exponential, beta, Lu's uniform log-SNR). */
export type VpLevelSchedule = 'karras' | 'exponential' | 'beta' | 'lu_lambdas';

/**
 * `numSteps` sigmas, descending, between the training schedule's ends (or `bounds`, UniPC's
 * sigma_min / sigma_max), float64:
 * - 'karras': Karras et al. (arXiv 2206.00364, eq. 5), rho 7;
 * - 'exponential': evenly spaced in log sigma;
 * - 'beta': at the quantiles of Beta(0.6, 0.6) (arXiv 2407.12173);
 * - 'lu_lambdas': Lu et al.'s uniform log-SNR steps (DPM-Solver, arXiv 2206.00927, section 3.3),
 *   linear in the float32 log sigmas (diffusers' `_convert_to_lu`, rho 1), then exp.
 */
export function vpLevelSigmas(schedule: VpLevelSchedule, training: VpTraining, numSteps: number, bounds: { sigmaMin: number | null; sigmaMax: number | null } = { sigmaMin: null, sigmaMax: null }): Float64Array {
  const last = training.sigmas.length - 1;
  const sigmaMin = bounds.sigmaMin ?? training.sigmas[0];
  const sigmaMax = bounds.sigmaMax ?? training.sigmas[last];
  // Lu's schedule is Karras' ramp with rho 1, on the log sigmas.
  if (schedule === 'lu_lambdas') return karrasSigmas(training.logSigmas[0], training.logSigmas[last], numSteps, 1).map(Math.exp);
  return placedSigmas(schedule, sigmaMin, sigmaMax, numSteps);
}

/**
 * The model timesteps of VP sigmas: the fractional training timestep of each (diffusers'
 * `_sigma_to_t`), rounded half to even ('round') or truncated as numpy's astype(int64) does
 * where diffusers does not round ('truncate').
 */
export function timestepsOfSigmas(sigmas: ArrayLike<number>, training: VpTraining, rounding: 'round' | 'truncate'): Int32Array {
  const toInteger = rounding === 'round' ? roundHalfToEven : Math.trunc;
  return Int32Array.from(sigmas as ArrayLike<number>, (sigma) => toInteger(sigmaToTimestep(sigma, training.logSigmas)));
}

/** The model timesteps of flow sigmas: int64(sigma * numTrainSteps), truncated, as diffusers. */
export function timestepsOfFlowSigmas(sigmas: ArrayLike<number>, numTrainSteps: number): Int32Array {
  return Int32Array.from(sigmas as ArrayLike<number>, (sigma) => Math.trunc(sigma * numTrainSteps));
}

/**
 * diffusers' UniPC moves a first flow sigma of 1 (alpha = 0, lambda = -Infinity) to 1 - 1e-6
 * "to avoid inf torch.log(alpha_si)"; float64, before the float32 rounding.
 */
const FLOW_START_NUDGE = 1e-6;

export function nudgeFlowStart(sigmas: Float64Array): Float64Array {
  if (Math.abs(sigmas[0] - 1) < FLOW_START_NUDGE) sigmas[0] -= FLOW_START_NUDGE;
  return sigmas;
}

/** The run's sigmas: the schedule's numSteps values and the final one, rounded to float32 (numpy's astype(float32)). */
export function withFinalSigma(sigmas: ArrayLike<number>, final: number): Float64Array {
  return Float64Array.from([...Array.from(sigmas), final], Math.fround);
}

/**
 * Checks that a run can step through `sigmas` (numSteps + 1 values, float32): every one finite,
 * positive and below the one before it, except that the final one may be 0 and may equal the
 * one before (the Karras and flow schedules with finalSigmasType 'sigma_min' end on two equal
 * sigmas: the last step then moves nothing). Flow sigmas must also lie below 1. `where` says
 * which schedule made them, for the message.
 */
export function checkRunSigmas(sigmas: Float64Array, process: ForwardProcess, where: string): void {
  const last = sigmas.length - 1;
  sigmas.forEach((sigma, i) => {
    const lowest = i === last ? 0 : Number.MIN_VALUE;
    if (!(sigma >= lowest) || !Number.isFinite(sigma) || (process === 'flow' && !(sigma < 1))) {
      const allowed = process === 'flow' ? `in (0, 1)${i === last ? ' or 0' : ''}` : `positive and finite${i === last ? ', or 0' : ''}`;
      throw new RangeError(`${where}: sigma ${i} must be ${allowed}, got ${show(sigma)}`);
    }
    if (i > 0 && !(sigma < sigmas[i - 1] || (i === last && sigma === sigmas[i - 1]))) {
      throw new RangeError(`${where}: sigmas must descend (only the final one may equal the one before), got sigma ${i - 1} = ${sigmas[i - 1]} then sigma ${i} = ${sigma}`);
    }
  });
}
