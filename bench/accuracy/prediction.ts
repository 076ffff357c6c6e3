/**
 * What a model of each prediction type answers, from the exact E[x0 | x] and E[eps | x] at the
 * level (alpha, sigma) of its input (x = alpha x0 + sigma eps; the maps are linear, so the
 * conditional means carry over): 'noise' eps, 'sample' x0, 'flow' eps - x0 (the rectified
 * flow's velocity dx/dsigma), 'angular_velocity' (alpha eps - sigma x0) / sqrt(alpha^2 + sigma^2)
 * (v-prediction, arXiv 2202.00512 sec. 4, on the process scaled to alpha^2 + sigma^2 = 1).
 */
import type { NoiseLevel } from '../../src/schedulers/plan';
import type { HostModel } from './host_plans';
import { posterior, type MixtureProblem } from './problems';

export function predictionOf(predictionType: string, { alpha, sigma }: NoiseLevel, denoised: Float64Array, noise: Float64Array): Float64Array {
  switch (predictionType) {
    case 'noise':
      return noise;
    case 'sample':
      return denoised;
    case 'flow':
      return noise.map((eps, i) => eps - denoised[i]);
    case 'angular_velocity': {
      const norm = Math.hypot(alpha, sigma);
      return noise.map((eps, i) => (alpha * eps - sigma * denoised[i]) / norm);
    }
    default:
      throw new RangeError(`no exact prediction of type ${JSON.stringify(predictionType)}`);
  }
}

/** The exact model of `problem` for a scheduler of `predictionType`. */
export function exactModel(problem: MixtureProblem, predictionType: string): HostModel {
  return (input, level) => {
    const { denoised, noise } = posterior(problem, input, level);
    return predictionOf(predictionType, level, denoised, noise);
  };
}
