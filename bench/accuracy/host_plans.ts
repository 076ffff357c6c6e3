/**
 * A run's plans (src/schedulers/plan.ts) evaluated in float64 on the host: the same
 * combinations, weights and history as the real `step`, every product and sum in float64 instead
 * of the kernels' float32, so that the schedulers' mathematics is measured without float32 noise.
 */
import type { Combination } from '../../src/kernels/combination';
import { MODEL_OUTPUT, NOISE, SAMPLE, type NoiseLevel, type StepPlan } from '../../src/schedulers/plan';

/** The model: its prediction for `input` (the plan's model input, at `level`), float64. */
export type HostModel = (input: Float64Array, level: NoiseLevel) => Float64Array;

/** A run on the host: the sample before each model call and after the last one. */
export interface HostRun {
  /** samples[i] is the sample given to call i (i < calls); samples[calls] is the run's result. */
  readonly samples: Float64Array[];
  /** The step's predicted x0 of each call. */
  readonly denoised: Float64Array[];
}

/** The values of `combination` from `inputs`, in float64 (bounds: 'clip' only). */
function evaluateCombination(combination: Combination, inputs: ReadonlyMap<string, Float64Array>, size: number): Map<string, Float64Array> {
  const values = new Map(inputs);
  for (const value of combination.values) {
    const out = new Float64Array(size);
    for (const { of, weight } of value.terms) {
      const input = values.get(of);
      if (input === undefined) throw new Error(`the plan reads ${JSON.stringify(of)}, which the host run does not have`);
      for (let i = 0; i < size; i++) out[i] += weight * input[i];
    }
    if (value.bound?.kind === 'clip') {
      const range = value.bound.range;
      for (let i = 0; i < size; i++) out[i] = Math.min(range, Math.max(-range, out[i]));
    } else if (value.bound) {
      throw new Error('the host evaluation has no dynamic thresholding: run the accuracy variants without it');
    }
    values.set(value.name, out);
  }
  return values;
}

/**
 * Runs `plans` from `start`: for each call, the model's prediction for sample / divisor at the
 * plan's level, the combination, then what the run keeps. `noise(i)` gives the standard normal
 * draw of a call that reads one.
 */
export function runHostPlans(plans: readonly StepPlan[], start: Float64Array, model: HostModel, noise?: (call: number) => Float64Array): HostRun {
  const size = start.length;
  const samples = [start];
  const denoised: Float64Array[] = [];
  let history = new Map<string, Float64Array>();
  plans.forEach((plan, call) => {
    const sample = samples[call];
    const divisor = plan.modelInputDivisor ?? 1;
    const inputs = new Map(history);
    inputs.set(SAMPLE, sample);
    inputs.set(MODEL_OUTPUT, model(divisor === 1 ? sample : sample.map((x) => x / divisor), plan.modelInputLevel));
    if (plan.drawsNoise) {
      if (noise === undefined) throw new Error(`call ${call} draws noise: give the host run a noise source`);
      inputs.set(NOISE, noise(call));
    }
    const values = evaluateCombination(plan.combination, inputs, size);
    samples.push(values.get(plan.sample)!);
    denoised.push(values.get(plan.denoised)!);
    const kept = new Map<string, Float64Array>();
    for (const [name, source] of Object.entries(plan.keep)) {
      const value = values.get(source) ?? history.get(source);
      if (value === undefined) throw new Error(`plan keeps ${JSON.stringify(source)}, which the step neither read nor made`);
      kept.set(name, value);
    }
    history = kept;
  });
  return { samples, denoised };
}
