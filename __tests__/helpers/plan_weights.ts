/** The host numbers of a run's plans, for tests that check them all (e.g. that every one is finite). */
import type { SchedulerState } from 'tfjs-diffusion-schedulers';
import type { Combination } from '../../src/kernels/combination';

function weightsOf(combination: Combination): number[] {
  return combination.values.flatMap((value) => [...value.terms.map((term) => term.weight), ...(value.bound?.kind === 'clip' ? [value.bound.range] : [])]);
}

/** Every weight of every step's combination (and of its threshold measure) that is not a finite number, with where it is. */
export function nonFiniteWeights(state: SchedulerState): string[] {
  return state.run.plans.flatMap((plan, step) =>
    [...weightsOf(plan.combination), ...(plan.threshold ? weightsOf(plan.threshold.measure) : []), plan.modelInputDivisor ?? 1]
      .filter((weight) => !Number.isFinite(weight))
      .map((weight) => `step ${step}: ${weight}`),
  );
}
