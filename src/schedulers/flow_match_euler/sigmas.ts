/**
 * The sigmas and model timesteps of a flow-matching run, as diffusers'
 * FlowMatchEulerDiscreteScheduler `set_timesteps` makes them, in its precision: the default
 * spacing and its shifts in float64, custom sigmas or timesteps in float32 (numpy keeps their
 * dtype), the result rounded to float32 and the timesteps float32(sigma) * numTrainSteps in
 * float32.
 */
import { FLOAT32, FLOAT64 } from '../../schedule/float32';
import { shiftFlowSigma, stretchToTerminal, timeShift } from '../../schedule/flow_shifts';
import { linspaceValues } from '../../schedule/numpy';
import { placedSigmas } from '../../schedule/sigmas';
import type { ResolvedSchedule } from './init_options';
import type { ResolvedFlowMatchEulerOptions } from './options';

/** A run's schedule: sigmas (float32, numSteps + 1 with the final one) and model timesteps (float32, numSteps). */
export interface FlowSchedule {
  readonly sigmas: Float32Array;
  readonly timesteps: Float32Array;
}

/**
 * The ends of the training schedule diffusers' `__init__` leaves in sigma_max and sigma_min:
 * the training sigmas t / T (float32) for t = T and t = 1, shifted by `shift` in float32 (as
 * torch) unless useDynamicShifting. `shiftSigmaMinOnce` takes them unshifted, so that the
 * default path shifts them once (the dynamic path always does).
 */
function trainingEnds(options: ResolvedFlowMatchEulerOptions): { sigmaMax: number; sigmaMin: number } {
  const { numTrainSteps, shift, useDynamicShifting, shiftSigmaMinOnce } = options;
  const top = Math.fround(numTrainSteps / numTrainSteps);
  const bottom = Math.fround(1 / numTrainSteps);
  if (useDynamicShifting || shiftSigmaMinOnce) return { sigmaMax: top, sigmaMin: bottom };
  return { sigmaMax: shiftFlowSigma(top, shift, FLOAT32), sigmaMin: shiftFlowSigma(bottom, shift, FLOAT32) };
}

/** The sigmas converted to the options' sigma schedule, between their own ends (diffusers' _convert_to_*). */
function respaced(options: ResolvedFlowMatchEulerOptions, sigmas: Float64Array): Float64Array {
  if (options.sigmaSchedule === 'default') return sigmas;
  return placedSigmas(options.sigmaSchedule, sigmas[sigmas.length - 1], sigmas[0], sigmas.length);
}

/** The schedule of a `numSteps`-step run (diffusers' set_timesteps, steps 1 to 6); numSteps already checked. */
export function flowMatchSchedule(options: ResolvedFlowMatchEulerOptions, numSteps: number, { custom, mu }: ResolvedSchedule): FlowSchedule {
  const { numTrainSteps, shift, shiftTerminal, invertSigmas, timeShiftType } = options;
  // 1. The unshifted sigmas: custom ones (float32 from here on), or timesteps spaced evenly
  //    between the training ends (float64).
  const round = custom === null ? FLOAT64 : FLOAT32;
  let sigmas: Float64Array;
  if (custom !== null) {
    sigmas = custom;
  } else {
    const { sigmaMax, sigmaMin } = trainingEnds(options);
    sigmas = linspaceValues(sigmaMax * numTrainSteps, sigmaMin * numTrainSteps, numSteps).map((t) => t / numTrainSteps);
  }
  // 2. The shift: Flux's by mu, or SD3's by `shift`.
  sigmas = sigmas.map((sigma) => (mu === null ? shiftFlowSigma(sigma, shift, round) : timeShift(timeShiftType, mu, sigma, round)));
  // 3. LTX-Video's stretch to shiftTerminal.
  if (shiftTerminal !== null) {
    if (!(sigmas[sigmas.length - 1] < 1)) {
      throw new RangeError(`shiftTerminal ${shiftTerminal} stretches the sigmas so that the last becomes it, which needs a last sigma below 1; this ${numSteps}-step schedule ends at 1 (use 2 steps or more)`);
    }
    sigmas = stretchToTerminal(sigmas, shiftTerminal, round);
  }
  // 4. Karras, exponential or beta spacing between the ends.
  sigmas = respaced(options, sigmas);
  // 5, 6. float32, the timesteps as float32 products, and the final sigma (1 when inverted, Mochi).
  const final = invertSigmas ? 1 : 0;
  const stepSigmas = Float32Array.from(sigmas, (sigma) => (invertSigmas ? Math.fround(1 - Math.fround(sigma)) : Math.fround(sigma)));
  const timesteps = stepSigmas.map((sigma) => Math.fround(sigma * numTrainSteps));
  const all = new Float32Array(numSteps + 1);
  all.set(stepSigmas);
  all[numSteps] = final;
  return { sigmas: all, timesteps };
}
