/**
 * The data sets of the accuracy benchmark, each an equal-weight mixture of Gaussians with one
 * diagonal covariance shared by the components: x0 ~ (1/K) sum_k N(m_k, diag(v)).
 *
 * - `gaussian`: one component, known means and variances per coordinate: its probability-flow
 *   ODE has a closed form (gaussian_exact.ts).
 * - `ring`: the package's ring (src/denoisers/ring.ts), 8 components of std 0.05 on a circle.
 * - `glyphs`: the package's 10 digit images (src/denoisers/glyphs.ts), point masses (v = 0).
 *
 * Their exact denoiser, at any point of the forward process x = alpha x0 + sigma eps: given
 * component k, x ~ N(alpha m_k, alpha^2 v + sigma^2) per coordinate, so Bayes' rule gives the
 * component weights w_k(x) = softmax_k(-sum_j (x_j - alpha m_kj)^2 / (2 (alpha^2 v_j + sigma^2)))
 * (the normalising constants are the same for every k), and within a component the Gaussian
 * conditional means are
 *   E[x0 | x, k]  = m_k + alpha v / (alpha^2 v + sigma^2) (x - alpha m_k),
 *   E[eps | x, k] = sigma / (alpha^2 v + sigma^2) (x - alpha m_k),
 * which the weights average. Everything here is float64 on the host.
 */
import { glyphImages } from '../../src/denoisers/glyphs';
import { ringMeans, RING_STD } from '../../src/denoisers/ring';
import type { NoiseLevel } from '../../src/schedulers/plan';

export interface MixtureProblem {
  readonly name: string;
  /** Coordinates of one sample. */
  readonly dimension: number;
  /** The component means, each of `dimension` values. */
  readonly means: readonly Float64Array[];
  /** The per-coordinate variance every component shares (0: point masses). */
  readonly variances: Float64Array;
}

/** E[x0 | x] and E[eps | x] for each row of `points` (n rows of `dimension` values). */
export interface Posterior {
  readonly denoised: Float64Array;
  readonly noise: Float64Array;
}

/**
 * The Gaussian problem: 8 coordinates, means evenly from -1 to 1, standard deviations
 * geometric from 0.05 (finer than Stable Diffusion's smallest noise level, sigma 0.029 in the
 * variance-exploding view, is coarse) to 1. fixtures/accuracy/diffusers_gaussian.py builds the same.
 */
export function gaussianProblem(): MixtureProblem {
  const dimension = 8;
  const mean = Float64Array.from({ length: dimension }, (_, j) => -1 + (2 * j) / (dimension - 1));
  const variances = Float64Array.from({ length: dimension }, (_, j) => (0.05 * 20 ** (j / (dimension - 1))) ** 2);
  return { name: 'gaussian', dimension, means: [mean], variances };
}

export function ringProblem(): MixtureProblem {
  return { name: 'ring', dimension: 2, means: ringMeans().map((mean) => Float64Array.from(mean)), variances: new Float64Array(2).fill(RING_STD * RING_STD) };
}

export function glyphsProblem(): MixtureProblem {
  const means = glyphImages().map((image) => Float64Array.from(image));
  return { name: 'glyphs', dimension: means[0].length, means, variances: new Float64Array(means[0].length) };
}

/** The exact posterior means of `problem` at `level` for the rows of `points`. */
export function posterior(problem: MixtureProblem, points: Float64Array, { alpha, sigma }: NoiseLevel): Posterior {
  const { dimension: d, means, variances } = problem;
  const rows = points.length / d;
  const denoised = new Float64Array(points.length);
  const noise = new Float64Array(points.length);
  const total = Float64Array.from(variances, (v) => alpha * alpha * v + sigma * sigma); // alpha^2 v + sigma^2
  const logWeights = new Float64Array(means.length);
  for (let r = 0; r < rows; r++) {
    const offset = r * d;
    // w_k: softmax of the log-likelihoods, shifted by their maximum.
    let largest = -Infinity;
    for (let k = 0; k < means.length; k++) {
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const gap = points[offset + j] - alpha * means[k][j];
        sum += (gap * gap) / total[j];
      }
      logWeights[k] = -sum / 2;
      largest = Math.max(largest, logWeights[k]);
    }
    let norm = 0;
    for (let k = 0; k < means.length; k++) norm += (logWeights[k] = Math.exp(logWeights[k] - largest));
    for (let k = 0; k < means.length; k++) {
      const weight = logWeights[k] / norm;
      if (weight === 0) continue;
      for (let j = 0; j < d; j++) {
        const gap = points[offset + j] - alpha * means[k][j];
        denoised[offset + j] += weight * (means[k][j] + ((alpha * variances[j]) / total[j]) * gap);
        noise[offset + j] += weight * ((sigma / total[j]) * gap);
      }
    }
  }
  return { denoised, noise };
}

/**
 * `count` points of the forward process at `level` that are exact draws of its marginal: row i
 * takes component `components[i]` (0 for a single Gaussian) and standard normals z_i,
 * x = alpha m_k + sqrt(alpha^2 v + sigma^2) z_i. The same components and normals give the same
 * standardized values at every level.
 */
export function marginalPoints(problem: MixtureProblem, level: NoiseLevel, normals: ArrayLike<number>, count: number, components?: ArrayLike<number>): Float64Array {
  const { dimension: d, means, variances } = problem;
  const points = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    const mean = means[components === undefined ? 0 : components[i]];
    for (let j = 0; j < d; j++) {
      points[i * d + j] = level.alpha * mean[j] + Math.sqrt(level.alpha ** 2 * variances[j] + level.sigma ** 2) * normals[i * d + j];
    }
  }
  return points;
}
