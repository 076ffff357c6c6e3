/**
 * The global error of a deterministic sampler on the Gaussian problem, measured exactly against
 * the closed-form ODE solution (gaussian_exact.ts): in float64 through the host plans, or in
 * float32 through the real `step` on the current backend.
 */
import type { NoiseLevel } from '../../src/schedulers/plan';
import type { Scheduler } from '../../src/schedulers/protocol';
import { measurePoints, rmsError, type BudgetRun, type MeasurePoint, type MeasurePoints } from './budgets';
import { runDevice } from './device_run';
import { gaussianFlow } from './gaussian_exact';
import { runHostPlans } from './host_plans';
import { veSigma } from './reference_ode';
import { exactModel } from './prediction';
import { marginalPoints, type MixtureProblem } from './problems';

/**
 * The standardized start values: row b holds Phi^-1((b + 0.5) / 8) in every coordinate, the
 * eight octile midpoints of N(0, 1) (Python: statistics.NormalDist().inv_cdf). The flow is
 * affine per coordinate, so eight spread values see all of it.
 */
export const GAUSSIAN_QUANTILES: readonly number[] = [
  -1.5341205443525459, -0.8871465590188758, -0.4887764111146694, -0.15731068461017067, 0.15731068461017067, 0.4887764111146694, 0.8871465590188758, 1.5341205443525459,
];

/** The start of a run beginning at `level`: x = alpha m + sqrt(alpha^2 v + sigma^2) z, one row per quantile. */
export function gaussianStart(problem: MixtureProblem, level: NoiseLevel): Float64Array {
  const normals = GAUSSIAN_QUANTILES.flatMap((z) => new Array<number>(problem.dimension).fill(z));
  return marginalPoints(problem, level, normals, GAUSSIAN_QUANTILES.length);
}

/** The errors of one run (RMS over every coordinate of every start, data units). */
export interface ErrorPoint {
  readonly numSteps: number;
  readonly calls: number;
  readonly end: number;
  /** null when the last nonzero level is the start (one call ending at 0). */
  readonly lastNonzero: number | null;
  /** sigma / alpha of the two levels. */
  readonly endSigma: number;
  readonly lastNonzeroSigma: number | null;
}

/** The errors of `run` at its measurement `points`, `errorAt` giving the RMS error of the sample at one. */
export function errorPoint({ numSteps, calls }: BudgetRun, { end, lastNonzero }: MeasurePoints, errorAt: (point: MeasurePoint) => number): ErrorPoint {
  return {
    numSteps,
    calls,
    end: errorAt(end),
    lastNonzero: lastNonzero === null ? null : errorAt(lastNonzero),
    endSigma: veSigma(end.level),
    lastNonzeroSigma: lastNonzero === null ? null : veSigma(lastNonzero.level),
  };
}

export function gaussianErrors(problem: MixtureProblem, scheduler: Scheduler, runs: readonly BudgetRun[], arithmetic: 'float64' | 'float32'): ErrorPoint[] {
  return runs.map((run) => {
    const { numSteps, levels } = run;
    const startLevel = levels.sampleLevels[0];
    const start = gaussianStart(problem, startLevel);
    const model = exactModel(problem, levels.predictionType);
    const samples =
      arithmetic === 'float64' ? runHostPlans(levels.plans, start, model).samples : runDevice(scheduler, numSteps, start, [GAUSSIAN_QUANTILES.length, problem.dimension], model);
    return errorPoint(run, measurePoints(levels), ({ index, level }) => rmsError(samples[index], gaussianFlow(problem, start, startLevel, level), level));
  });
}
