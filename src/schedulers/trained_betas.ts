import { show } from '../errors';

/**
 * Checks `trainedBetas`: an array (or typed array) of `numTrainSteps` finite numbers in [0, 1].
 * Returns a frozen plain copy, so later changes to the caller's array change nothing.
 */
export function checkTrainedBetas(name: string, value: unknown, numTrainSteps: number, numTrainStepsName: string): readonly number[] {
  const isArrayLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!isArrayLike) throw new TypeError(`${name} must be an array of ${numTrainStepsName} numbers in [0, 1], got ${show(value)}`);
  const betas = Array.from(value as ArrayLike<unknown>);
  if (betas.length !== numTrainSteps) {
    throw new RangeError(`${name} must hold ${numTrainStepsName} = ${numTrainSteps} values, got ${betas.length}; set ${numTrainStepsName} to the length of ${name}`);
  }
  betas.forEach((beta, t) => {
    if (typeof beta !== 'number') throw new TypeError(`${name}[${t}] must be a number in [0, 1], got ${show(beta)}`);
    if (!(beta >= 0 && beta <= 1)) throw new RangeError(`${name}[${t}] must be a number in [0, 1], got ${show(beta)}`);
  });
  return Object.freeze(betas as number[]);
}
