/**
 * The sliced Wasserstein-1 distance between a set of samples and an exact mixture problem
 * (Rabin et al. 2011; Bonneel et al., "Sliced and Radon Wasserstein barycenters of measures",
 * 2015): SW1 = mean over directions theta of W1 between the projections theta . x, where the
 * mixture projects to the 1-D mixture (1/K) sum_k N(theta . m_k, theta^T diag(v) theta) (point
 * masses where v = 0).
 *
 * In 1-D, W1 = integral of |F_n(x) - F(x)| dx (F_n the samples' distribution function). F is
 * tabulated once per direction at the midpoints of a fine grid covering the mixture (8 standard
 * deviations past its outer components), where the integral is a midpoint sum; outside the grid
 * F is 0 or 1 to within 1e-15, and the samples there add their exact distance to the grid's edge.
 * Order 1 rather than 2: a sample's share of each mode varies by O(n^-1/2), which moves W1 by as
 * much but W2 by its square root, and would hide a sampler's error behind the sample size.
 */
import { normalValues } from '../../src/random/normal';
import { key } from '../../src/random/key';
import { normalCdf } from './normal_cdf';
import type { MixtureProblem } from './problems';

/** Midpoints of the grid of each direction. */
const GRID = 4000;

interface Slice {
  readonly direction: Float64Array;
  readonly low: number;
  readonly step: number;
  /** F at the grid's midpoints. */
  readonly cdf: Float64Array;
}

export interface SlicedWasserstein {
  /** SW1 from samples (rows of the problem's dimension) to the exact mixture. */
  distance(samples: Float64Array): number;
}

/** Directions: evenly spread angles in 2-D, otherwise normalised threefry normals of `seed`. */
function directions(dimension: number, count: number, seed: number): Float64Array[] {
  if (dimension === 2) return Array.from({ length: count }, (_, l) => Float64Array.of(Math.cos((Math.PI * l) / count), Math.sin((Math.PI * l) / count)));
  const normals = normalValues(key(seed), dimension * count);
  return Array.from({ length: count }, (_, l) => {
    const direction = Float64Array.from(normals.subarray(l * dimension, (l + 1) * dimension));
    const norm = Math.sqrt(direction.reduce((sum, x) => sum + x * x, 0));
    return direction.map((x) => x / norm);
  });
}

function sliceOf(problem: MixtureProblem, direction: Float64Array): Slice {
  const mus = problem.means.map((mean) => mean.reduce((sum, m, j) => sum + m * direction[j], 0));
  const s = Math.sqrt(direction.reduce((sum, t, j) => sum + t * t * problem.variances[j], 0));
  const margin = s > 0 ? 8 * s : 1e-3;
  const low = Math.min(...mus) - margin;
  const step = (Math.max(...mus) + margin - low) / GRID;
  const cdf = new Float64Array(GRID);
  for (let g = 0; g < GRID; g++) {
    const x = low + (g + 0.5) * step;
    cdf[g] = mus.reduce((sum, mu) => sum + (s > 0 ? normalCdf((x - mu) / s) : x >= mu ? 1 : 0), 0) / mus.length;
  }
  return { direction, low, step, cdf };
}

/** The distance to `problem`, averaged over `directionCount` directions. */
export function slicedWasserstein(problem: MixtureProblem, directionCount = 64, seed = 14): SlicedWasserstein {
  const slices = directions(problem.dimension, directionCount, seed).map((direction) => sliceOf(problem, direction));
  const d = problem.dimension;
  return {
    distance(samples) {
      const count = samples.length / d;
      let total = 0;
      for (const { direction, low, step, cdf } of slices) {
        const projected = new Float64Array(count);
        for (let i = 0; i < count; i++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += samples[i * d + j] * direction[j];
          projected[i] = dot;
        }
        projected.sort();
        const high = low + GRID * step;
        let w1 = 0;
        let below = 0; // samples at or below the current midpoint
        for (let g = 0; g < GRID; g++) {
          const x = low + (g + 0.5) * step;
          while (below < count && projected[below] <= x) below++;
          w1 += Math.abs(below / count - cdf[g]) * step;
        }
        for (const x of projected) w1 += (x < low ? low - x : 0) / count + (x > high ? x - high : 0) / count;
        total += w1;
      }
      return total / slices.length;
    },
  };
}
