import { weightedSum, type Bound, type Value } from '../kernels/combination';
import type { PredictionType } from './shared_options';
import { sqrtDivisor } from './prediction_weights';

/**
 * The predicted x0 and eps of a model output as combination values, in the order diffusers
 * (and Bumblebee) evaluate them: a quotient as its numerator first, then one scaling,
 *
 *   'noise':            x0 = (x - sqrt(1 - a) p) / sqrt(a)
 *   'sample':           eps = (x - sqrt(a) p) / sqrt(1 - a)
 *   'angular_velocity': x0 = sqrt(a) x - sqrt(1 - a) p,  eps = sqrt(a) p + sqrt(1 - a) x
 *
 * rather than as one weighted sum of x and p (prediction_weights.ts): where a is small (t near
 * the end of the schedule) the weights x / sqrt(a) and p sqrt(1 - a) / sqrt(a) are 1 / sqrt(a)
 * times larger than their difference, and their float32 cancellation costs that factor in
 * precision (LCM's one step from t = 999 on a squared-cosine schedule: 2e4).
 */

/** The values ending in x0 (named `name`, bounded by `bound`) from `sample` and the model's `output` at alpha-bar a. */
export function predictedOriginalValues(name: string, predictionType: PredictionType, alphaBar: number, sample: string, output: string, bound?: Bound): Value[] {
  switch (predictionType) {
    case 'noise':
      return [
        weightedSum(`${name}Numerator`, [
          [sample, 1],
          [output, -Math.sqrt(1 - alphaBar)],
        ]),
        weightedSum(name, [[`${name}Numerator`, 1 / sqrtDivisor(alphaBar)]], bound),
      ];
    case 'angular_velocity':
      return [
        weightedSum(
          name,
          [
            [sample, Math.sqrt(alphaBar)],
            [output, -Math.sqrt(1 - alphaBar)],
          ],
          bound,
        ),
      ];
    case 'sample':
      return [weightedSum(name, [[output, 1]], bound)];
  }
}

/** The values ending in eps (named `name`) from `sample` and the model's `output` at alpha-bar a. */
export function predictedNoiseValues(name: string, predictionType: PredictionType, alphaBar: number, sample: string, output: string): Value[] {
  switch (predictionType) {
    case 'noise':
      return [weightedSum(name, [[output, 1]])];
    case 'angular_velocity':
      return [
        weightedSum(name, [
          [output, Math.sqrt(alphaBar)],
          [sample, Math.sqrt(1 - alphaBar)],
        ]),
      ];
    case 'sample':
      return [
        weightedSum(`${name}Numerator`, [
          [sample, 1],
          [output, -Math.sqrt(alphaBar)],
        ]),
        weightedSum(name, [[`${name}Numerator`, 1 / sqrtDivisor(1 - alphaBar)]]),
      ];
  }
}
