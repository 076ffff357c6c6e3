/**
 * A scheduler's plans run on the host in float64, one number per element (no tfjs): each value of
 * a plan's combination is its weighted sum, the run keeps what `keep` says. So the mathematics of
 * a plan (its weights, its history) can be compared with a reference written out in float64,
 * apart from the kernels' float32 rounding. Bounds are not modelled: a plan with a clip or a
 * threshold throws.
 */
import { MODEL_OUTPUT, NOISE, SAMPLE, type StepPlan } from '../../src/schedulers/plan';

/** One step of plans, like the scheduler's step: returns the sample after it and its denoised. */
export class PlanInterpreter {
  private history: Record<string, number> = {};

  constructor(private readonly plans: readonly StepPlan[]) {}

  step(index: number, sample: number, modelOutput: number, noise = 0): { sample: number; denoised: number } {
    const plan = this.plans[index];
    const known: Record<string, number> = { ...this.history, [SAMPLE]: sample, [MODEL_OUTPUT]: modelOutput, [NOISE]: noise };
    for (const value of plan.combination.values) {
      if (value.bound) throw new Error(`the interpreter does not model bounds (value ${value.name})`);
      known[value.name] = value.terms.reduce((sum, term) => {
        if (!(term.of in known)) throw new Error(`step ${index}: value ${value.name} reads ${term.of}, which the step has not`);
        return sum + known[term.of] * term.weight;
      }, 0);
    }
    this.history = Object.fromEntries(Object.entries(plan.keep).map(([name, source]) => [name, known[source]]));
    return { sample: known[plan.sample], denoised: known[plan.denoised] };
  }
}
