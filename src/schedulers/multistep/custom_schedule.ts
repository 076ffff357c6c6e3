/**
 * A run's own schedule given to `init` (and `sigmasFor`): custom sigmas (every multistep class),
 * custom timesteps (DPM-Solver, as diffusers' set_timesteps(timesteps=...)) and the mu of
 * dynamic shifting, checked.
 */
import { arrayLikeValues, checkInteger, show } from '../../errors';
import type { ForwardProcess } from './levels';
import { nudgeFlowStart, timestepsOfFlowSigmas, timestepsOfSigmas, withFinalSigma, type RunSigmas } from './run_sigmas';
import type { VpTraining } from './training';

function arrayOf(name: string, value: unknown, allowed: string): number[] {
  const values = arrayLikeValues(name, value, `an array of ${allowed}`);
  values.forEach((entry, i) => {
    if (typeof entry !== 'number') throw new TypeError(`${name}[${i}] must be a number, got ${show(entry)}`);
  });
  return values as number[];
}

/**
 * Custom sigmas for a run of `numSteps` steps: numSteps values (the final sigma is then appended
 * as finalSigmasType says) or numSteps + 1 (the final one given), each finite, descending. The
 * run's checks (run_sigmas.ts) follow once they are rounded to float32.
 */
function customSigmas(value: unknown, numSteps: number): { given: number[]; hasFinal: boolean } {
  const given = arrayOf('sigmas', value, `${numSteps} or ${numSteps + 1} descending sigmas (numSteps, or numSteps + 1 with the final one)`);
  if (given.length !== numSteps && given.length !== numSteps + 1) {
    throw new RangeError(`sigmas must hold numSteps = ${numSteps} values, or numSteps + 1 with the final one, got ${given.length}`);
  }
  given.forEach((sigma, i) => {
    if (!Number.isFinite(sigma)) throw new RangeError(`sigmas[${i}] must be a finite number, got ${show(sigma)}`);
    if (i > 0 && !(sigma <= given[i - 1])) throw new RangeError(`sigmas must descend, got sigmas[${i - 1}] = ${given[i - 1]} then sigmas[${i}] = ${sigma}`);
  });
  return { given, hasFinal: given.length === numSteps + 1 };
}

/** Custom model timesteps for a run of `numSteps` steps: numSteps integers in [0, numTrainSteps - 1], strictly descending. */
export function customTimesteps(value: unknown, numSteps: number, numTrainSteps: number): Int32Array {
  const given = arrayOf('timesteps', value, `${numSteps} descending integers in [0, ${numTrainSteps - 1}]`);
  if (given.length !== numSteps) throw new RangeError(`timesteps must hold numSteps = ${numSteps} values, got ${given.length}`);
  given.forEach((timestep, i) => {
    checkInteger(`timesteps[${i}]`, timestep, 0, numTrainSteps - 1);
    if (i > 0 && !(timestep < given[i - 1])) throw new RangeError(`timesteps must descend strictly, got timesteps[${i - 1}] = ${given[i - 1]} then timesteps[${i}] = ${timestep}`);
  });
  return Int32Array.from(given);
}

/**
 * The run of custom sigmas: their timesteps from the float64 values as given (VP: the rounded
 * fractional training timestep, diffusers' `_sigma_to_t`; flow: int64(sigma * T)), a first flow
 * sigma of 1 moved to 1 - 1e-6 (as diffusers' UniPC does), the final sigma appended when not
 * given (`finalOf` the step sigmas), all rounded to float32.
 */
export function customSigmaRun(value: unknown, numSteps: number, process: ForwardProcess, training: VpTraining, finalOf: (stepSigmas: Float64Array) => number): RunSigmas {
  const { given, hasFinal } = customSigmas(value, numSteps);
  const stepSigmas = Float64Array.from(given.slice(0, numSteps));
  if (process === 'flow') nudgeFlowStart(stepSigmas);
  const numTrainSteps = training.sigmas.length;
  const timesteps = process === 'flow' ? timestepsOfFlowSigmas(stepSigmas, numTrainSteps) : timestepsOfSigmas(stepSigmas, training, 'round');
  return { sigmas: withFinalSigma(stepSigmas, hasFinal ? given[numSteps] : finalOf(stepSigmas)), timesteps };
}

/** init's `mu`: a finite number, given exactly when useDynamicShifting is on (`shift` says what it sets). */
export function dynamicShiftOf(useDynamicShifting: boolean, mu: unknown, shift: string): number | undefined {
  if (mu === undefined) {
    if (useDynamicShifting) throw new TypeError(`useDynamicShifting needs init option mu (${shift}), got none`);
    return undefined;
  }
  if (!useDynamicShifting) throw new TypeError(`mu goes with useDynamicShifting: true, got mu ${show(mu)} with useDynamicShifting false`);
  if (typeof mu !== 'number') throw new TypeError(`mu must be a finite number, got ${show(mu)}`);
  if (!Number.isFinite(mu)) throw new RangeError(`mu must be a finite number, got ${show(mu)}`);
  return mu;
}
