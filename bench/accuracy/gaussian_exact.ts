/**
 * The exact probability-flow ODE solution for Gaussian data x0 ~ N(m, diag(v)), in closed form.
 *
 * The forward process x_t = alpha_t x0 + sigma_t eps (the VP process of DDPM, alpha^2 + sigma^2
 * = 1; the rectified flow, alpha + sigma = 1; or any rescaling of them, such as Euler's
 * variance-exploding view (1, sigma / alpha)) has the probability-flow ODE
 *   dx/dt = alpha'_t E[x0 | x_t = x] + sigma'_t E[eps | x_t = x]
 * (Song et al., arXiv 2011.13456, eq. 13, written for this process: DDIM's ODE, arXiv
 * 2010.02502 eq. 14; the rectified flow's velocity E[eps - x0 | x], arXiv 2209.03003 eq. 1).
 * Per coordinate, with S_t^2 = alpha_t^2 v + sigma_t^2 the variance of x_t, the Gaussian
 * conditional means are E[x0 | x] = m + alpha v / S^2 (x - alpha m) and E[eps | x] =
 * sigma / S^2 (x - alpha m), so, as S S' = alpha alpha' v + sigma sigma',
 *   dx/dt = alpha' m + (S' / S) (x - alpha m),   i.e.   d/dt [(x - alpha m) / S] = 0:
 * each coordinate keeps its standardized value z = (x - alpha m) / S along the flow. From x at
 * level (alpha_0, sigma_0), the solution at level (alpha, sigma) is
 *   x(alpha, sigma) = alpha m + sqrt(alpha^2 v + sigma^2) (x - alpha_0 m) / sqrt(alpha_0^2 v + sigma_0^2).
 * It depends on the two levels only, not on the path between them.
 */
import type { NoiseLevel } from '../../src/schedulers/plan';
import type { MixtureProblem } from './problems';

/** The ODE solution at `target` from `start` (rows of `problem.dimension` values) at `startLevel`. */
export function gaussianFlow(problem: MixtureProblem, start: Float64Array, startLevel: NoiseLevel, target: NoiseLevel): Float64Array {
  if (problem.means.length !== 1) throw new RangeError(`gaussianFlow needs a single Gaussian, got ${problem.means.length} components`);
  const [mean] = problem.means;
  const d = problem.dimension;
  const result = new Float64Array(start.length);
  for (let j = 0; j < d; j++) {
    const v = problem.variances[j];
    const ratio = Math.sqrt(target.alpha ** 2 * v + target.sigma ** 2) / Math.sqrt(startLevel.alpha ** 2 * v + startLevel.sigma ** 2);
    for (let i = j; i < start.length; i += d) result[i] = target.alpha * mean[j] + ratio * (start[i] - startLevel.alpha * mean[j]);
  }
  return result;
}
