import { arrayLikeValues, show } from '../../errors';

/** A schedule of the caller's, as diffusers' set_timesteps takes it (`sigmas=` or `timesteps=`). */
export interface CustomSchedule {
  /**
   * The noise levels of the run, descending: numSteps + 1 values (the final one included, as
   * `sigmasFor` returns them and diffusers takes them), or numSteps (the final one is then
   * appended as finalSigmasType says). Rounded to float32, as diffusers does.
   */
  sigmas?: ArrayLike<number>;
  /** The model timesteps of the run, numSteps values descending in [0, numTrainSteps - 1]; the sigmas are interpolated at them. */
  timesteps?: ArrayLike<number>;
}

function checkNumber(name: string, value: unknown, index: number, ok: (x: number) => boolean, allowed: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name}[${index}] must be ${allowed}, got ${show(value)}`);
  if (!ok(value)) throw new RangeError(`${name}[${index}] must be ${allowed}, got ${show(value)}`);
  return value;
}

/**
 * Checks custom sigmas for a run of `numSteps` steps and returns them as float32 values with
 * the final one: finite, >= 0, descending (each at most the one before; only the last may be
 * 0, since a step divides by its sigma), numSteps + 1 of them, or numSteps followed by
 * `finalSigma` (which must not exceed the last given).
 */
export function checkCustomSigmas(value: unknown, numSteps: number, finalSigma: number, finalSigmaName: string): Float32Array {
  const allowed = `numSteps + 1 (${numSteps + 1}) or numSteps (${numSteps}) descending numbers >= 0`;
  const given = arrayLikeValues('sigmas', value, `an array of ${allowed}`);
  if (given.length !== numSteps && given.length !== numSteps + 1) {
    throw new RangeError(`sigmas must hold numSteps + 1 (${numSteps + 1}) values, the final one included, or numSteps (${numSteps}), got ${given.length}`);
  }
  const sigmas = Float32Array.from(given, (sigma, i) => checkNumber('sigmas', sigma, i, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0'));
  for (let i = 1; i < sigmas.length; i++) {
    if (sigmas[i] > sigmas[i - 1]) throw new RangeError(`sigmas must be descending (each at most the one before), got sigmas[${i}] = ${given[i]} after sigmas[${i - 1}] = ${given[i - 1]}`);
  }
  const steps = given.length === numSteps ? sigmas.length : sigmas.length - 1;
  for (let i = 0; i < steps; i++) {
    if (sigmas[i] === 0) throw new RangeError(`sigmas[${i}] must be > 0 (only the final sigma may be 0: a step divides by its sigma), got ${given[i]}`);
  }
  if (given.length === numSteps + 1) return sigmas;
  if (Math.fround(finalSigma) > sigmas[numSteps - 1]) {
    throw new RangeError(
      `sigmas end at ${given[numSteps - 1]}, below the final sigma ${finalSigmaName} appends (${Math.fround(finalSigma)}); give numSteps + 1 sigmas with your own final one`,
    );
  }
  return Float32Array.from([...sigmas, finalSigma]);
}

/** Checks custom timesteps for a run of `numSteps` steps: numSteps finite values in [0, T - 1], strictly descending; float32 as diffusers. */
export function checkCustomTimesteps(value: unknown, numSteps: number, numTrainSteps: number): Float32Array {
  const last = numTrainSteps - 1;
  const allowed = `numSteps (${numSteps}) descending numbers in [0, ${last}]`;
  const given = arrayLikeValues('timesteps', value, `an array of ${allowed}`);
  if (given.length !== numSteps) throw new RangeError(`timesteps must hold numSteps (${numSteps}) values, got ${given.length}`);
  const timesteps = Float32Array.from(given, (t, i) => checkNumber('timesteps', t, i, (x) => x >= 0 && x <= last, `a number in [0, ${last}]`));
  for (let i = 1; i < timesteps.length; i++) {
    if (!(timesteps[i] < timesteps[i - 1])) throw new RangeError(`timesteps must be strictly descending, got timesteps[${i}] = ${given[i]} after timesteps[${i - 1}] = ${given[i - 1]}`);
  }
  return timesteps;
}
