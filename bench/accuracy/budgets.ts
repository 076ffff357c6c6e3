/**
 * The runs of a variant at model-call budgets from 1 to 100, and where its errors are measured:
 * at the end of the run, and at the last nonzero noise level. The last step to noise 0 returns
 * the posterior mean E[x0 | x], which differs from the ODE's endpoint by O(sigma_last^2)
 * whatever the solver (issue 14), so the solver's own order shows at the last nonzero level: the
 * end itself where the run ends above 0, else the sample given to the last call.
 */
import type { NoiseLevel } from '../../src/schedulers/plan';
import type { Scheduler } from '../../src/schedulers/protocol';
import { runLevels, type RunLevels } from './run_levels';

/** The numSteps tried; a run counts when its model calls stay within MAX_CALLS. */
export const STEP_GRID: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100];
const MAX_CALLS = 100;

export interface BudgetRun {
  readonly numSteps: number;
  /** Model calls of the run (PNDM's warm-up takes more than one per step). */
  readonly calls: number;
  readonly levels: RunLevels;
}

/** Where an error is measured: the sample `index` of the run (samples[i] is given to call i), at `level`. */
export interface MeasurePoint {
  readonly index: number;
  readonly level: NoiseLevel;
}

/** The measurement points of a run: the end and the last nonzero level (null when it is the start). */
export interface MeasurePoints {
  readonly end: MeasurePoint;
  readonly lastNonzero: MeasurePoint | null;
}

/** The runs of `scheduler` over STEP_GRID within MAX_CALLS, and the step counts the class refuses (with its message). */
export function budgetRuns(scheduler: Scheduler, grid: readonly number[] = STEP_GRID): { runs: BudgetRun[]; refused: string[] } {
  const runs: BudgetRun[] = [];
  const refused: string[] = [];
  for (const numSteps of grid) {
    let levels: RunLevels;
    try {
      levels = runLevels(scheduler, numSteps);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      refused.push(`${numSteps}: ${error.message}`);
      continue;
    }
    if (levels.plans.length <= MAX_CALLS) runs.push({ numSteps, calls: levels.plans.length, levels });
  }
  return { runs, refused };
}

export function measurePoints({ plans, sampleLevels, endLevel }: RunLevels): MeasurePoints {
  const calls = plans.length;
  const end = { index: calls, level: endLevel };
  if (endLevel.sigma > 0) return { end, lastNonzero: end };
  return { end, lastNonzero: calls >= 2 ? { index: calls - 1, level: sampleLevels[calls - 1] } : null };
}

/** The root-mean-square difference in data units: (x - exact) / alpha at the level both lie at. */
export function rmsError(values: ArrayLike<number>, exact: ArrayLike<number>, level: NoiseLevel, count = exact.length): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += ((values[i] - exact[i]) / level.alpha) ** 2;
  return Math.sqrt(sum / count);
}
