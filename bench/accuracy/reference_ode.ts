/**
 * An independent float64 solution of the probability-flow ODE for any mixture problem: classic
 * fourth-order Runge-Kutta on the variance-exploding form of the ODE.
 *
 * Every process x = alpha x0 + sigma eps is a rescaling of y = x / alpha = x0 + s eps with
 * s = sigma / alpha, whose probability-flow ODE is dy/ds = E[eps | y] (Karras et al., arXiv
 * 2206.00364, eq. 3 with sigma(t) = t); the solution between two levels depends only on their
 * s. RK4 runs in w = asinh(s / sRef): uniform steps in w are logarithmic in s far above sRef
 * (where the flow changes on the scale of s itself) and uniform below it, down to s = 0, and
 * dy/dw = E[eps | y] sqrt(sRef^2 + s^2). For point masses (v = 0) E[eps | y] is singular at
 * s = 0, so the flow stops at s = 1e-9 sRef and takes E[x0 | y] there (the posterior is one-hot).
 */
import type { NoiseLevel } from '../../src/schedulers/plan';
import { posterior, type MixtureProblem } from './problems';

/** Where the flow starts: points and their level. */
export interface FlowStart {
  readonly points: Float64Array;
  readonly level: NoiseLevel;
}

/** sigma / alpha: a level's noise in the variance-exploding view, by which levels are ordered. */
export const veSigma = (level: NoiseLevel) => level.sigma / level.alpha;
const NOISE_ONLY_ALPHA = 1e-9;

/**
 * The ODE solution at each of `targets` (levels below the start's, in any order) from `start`,
 * with `steps` RK4 steps over the whole range of w from the start to s = 0 (the targets cut the
 * range; each piece gets its share, at least one step). `sRef`: the data's finest scale.
 */
export function solveFlow(problem: MixtureProblem, flowStart: FlowStart, targets: readonly NoiseLevel[], steps: number, sRef: number): Float64Array[] {
  const start = flowStart.level.alpha > 0 ? flowStart : { ...flowStart, level: { ...flowStart.level, alpha: NOISE_ONLY_ALPHA * flowStart.level.sigma } };
  const pointMasses = problem.variances.some((v) => v === 0);
  const sFloor = pointMasses ? 1e-9 * sRef : 0;
  const wOf = (s: number) => Math.asinh(Math.max(s, sFloor) / sRef);
  const w0 = wOf(veSigma(start.level));
  const h = w0 / steps;
  const order = targets.map((_, i) => i).sort((a, b) => veSigma(targets[b]) - veSigma(targets[a]));
  const results: Float64Array[] = new Array(targets.length);
  let y = start.points.map((x) => x / start.level.alpha);
  let w = w0;
  const veLevel = (wAt: number): NoiseLevel => ({ alpha: 1, sigma: sRef * Math.sinh(wAt) });
  const slope = (at: Float64Array, wAt: number): Float64Array => {
    const level = veLevel(wAt);
    const { noise } = posterior(problem, at, level);
    const scale = Math.sqrt(sRef * sRef + level.sigma * level.sigma);
    return noise.map((e) => e * scale);
  };
  for (const index of order) {
    const target = targets[index];
    const wTarget = wOf(veSigma(target));
    if (wTarget > w + 1e-15) throw new RangeError(`solveFlow: target sigma/alpha ${veSigma(target)} lies above the start's ${veSigma(start.level)}`);
    const pieces = Math.max(1, Math.ceil((w - wTarget) / h - 1e-9));
    const dw = (wTarget - w) / pieces;
    for (let p = 0; p < pieces; p++) {
      const k1 = slope(y, w);
      const k2 = slope(y.map((v, i) => v + (dw / 2) * k1[i]), w + dw / 2);
      const k3 = slope(y.map((v, i) => v + (dw / 2) * k2[i]), w + dw / 2);
      const k4 = slope(y.map((v, i) => v + dw * k3[i]), w + dw);
      y = y.map((v, i) => v + (dw / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
      w += dw;
    }
    w = wTarget;
    const atZero = veSigma(target) === 0 && pointMasses;
    const solution = atZero ? posterior(problem, y, veLevel(w)).denoised : y;
    results[index] = solution.map((v) => v * target.alpha);
  }
  return results;
}
