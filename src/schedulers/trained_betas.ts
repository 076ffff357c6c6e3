import { arrayLikeValues, show } from '../errors';

/**
 * Checks `trainedBetas`: an array (or typed array) of `numTrainSteps` finite numbers in [0, 1].
 * Returns a frozen plain copy, so later changes to the caller's array change nothing.
 */
export function checkTrainedBetas(name: string, value: unknown, numTrainSteps: number, numTrainStepsName: string): readonly number[] {
  const betas = arrayLikeValues(name, value, `an array of ${numTrainStepsName} numbers in [0, 1]`);
  if (betas.length !== numTrainSteps) {
    throw new RangeError(`${name} must hold ${numTrainStepsName} = ${numTrainSteps} values, got ${betas.length}; set ${numTrainStepsName} to the length of ${name}`);
  }
  betas.forEach((beta, t) => {
    if (typeof beta !== 'number') throw new TypeError(`${name}[${t}] must be a number in [0, 1], got ${show(beta)}`);
    if (!(beta >= 0 && beta <= 1)) throw new RangeError(`${name}[${t}] must be a number in [0, 1], got ${show(beta)}`);
  });
  return Object.freeze(betas as number[]);
}
