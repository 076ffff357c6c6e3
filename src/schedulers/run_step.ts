import * as tf from '@tensorflow/tfjs-core';
import { checkOptionNames } from '../errors';
import { combine } from '../kernels';
import { inputsOf, THRESHOLDS } from '../kernels/combination';
import { combineOps } from '../kernels/combination_ops';
import { normalValues, split } from '../random';
import { checkSampleTensor, checkStepState } from './check_step';
import { dynamicThreshold } from './dynamic_threshold';
import { MODEL_OUTPUT, NOISE, SAMPLE, type StepPlan } from './plan';
import type { SchedulerRun } from './run';
import { SchedulerState } from './state';

/** What a step returns; every tensor is the caller's, except the state's. */
export interface StepResult {
  /** The state for the next step. */
  state: SchedulerState;
  /** The sample after the step (the caller's to dispose). */
  sample: tf.Tensor;
  /** The step's predicted x0 (the caller's to dispose). */
  denoised: tf.Tensor;
}

const STEP_OPTIONS = ['noise'];

export interface StepOptions {
  /**
   * The standard normal draw of this step, replacing the generator's (diffusers'
   * `variance_noise`); ignored by a step that draws none.
   */
  noise?: tf.Tensor;
}

/**
 * One step of `owner`'s run with the state's plan: every check first (a step that throws
 * leaves its state usable), then one `tf.tidy` that runs the plan's combination as one fused
 * kernel, keeps what later steps read and releases what they no longer do. No read-back to
 * the host, inputs left undisposed.
 */
export function runStep(owner: object, state: unknown, sample: unknown, modelOutput: unknown, opts: StepOptions = {}): StepResult {
  checkStepState(state, owner);
  checkSampleTensor('sample', sample, state.sampleShape, 'the sampleShape given to init');
  checkSampleTensor('modelOutput', modelOutput, sample.shape, 'the shape of sample');
  checkOptionNames('step', opts, STEP_OPTIONS, '{ noise }');
  const injected = opts.noise;
  if (injected !== undefined) checkSampleTensor('opts.noise', injected, sample.shape, 'the shape of sample');

  const { run } = state;
  const plan = run.plans[state.index];
  const readsNoise = plan.drawsNoise && inputsOf(plan.combination).includes(NOISE);
  let nextKey = state.prngKey;
  let drawn: Float32Array | null = null;
  if (plan.drawsNoise && state.prngKey !== null) {
    // Nx.Random.normal: [next, sub] = split(key), the values from sub, next for the next draw.
    const [next, sub] = split(state.prngKey);
    nextKey = next;
    if (readsNoise && injected === undefined) drawn = normalValues(sub, sample.size);
  } else if (plan.drawsNoise && run.generator !== null && injected === undefined) {
    // torch's stream advances whether or not the noise is used, as diffusers draws it.
    drawn = run.generator.randnValues(sample.size);
  }

  const kept: Record<string, tf.Tensor> = {};
  let result: { sample: tf.Tensor; denoised: tf.Tensor };
  try {
    result = tf.tidy(() => {
      const inputs: Record<string, tf.Tensor> = { ...run.history, [SAMPLE]: sample, [MODEL_OUTPUT]: modelOutput };
      if (readsNoise) inputs[NOISE] = injected ?? tf.tensor(drawn!, sample.shape, 'float32');
      if (plan.threshold) {
        const { measure, ratio, maxValue } = plan.threshold;
        inputs[THRESHOLDS] = dynamicThreshold(combineOps(measure, inputs)[0], ratio, maxValue);
      }
      const outputs = combine(plan.combination, inputs);
      const byName = new Map(plan.combination.outputs.map((name, i) => [name, outputs[i]]));
      const returned = { sample: byName.get(plan.sample)!, denoised: byName.get(plan.denoised)! };
      keepHistory(plan, run, inputs, byName, new Set([returned.sample, returned.denoised]), kept);
      return returned;
    });
  } catch (error) {
    for (const [name, tensor] of Object.entries(kept)) if (run.history[name] !== tensor) tensor.dispose();
    throw error;
  }
  const carried = new Set(Object.values(kept));
  for (const tensor of Object.values(run.history)) if (!carried.has(tensor)) tensor.dispose();
  run.history = kept;
  run.nextIndex = state.index + 1;
  return { state: new SchedulerState(run, state.index + 1, nextKey), ...result };
}

/**
 * Fills `kept` with what the run holds after the plan's step: tensors it already holds stay as
 * they are; the step's inputs and returned outputs are kept as clones (the caller owns the
 * originals; a clone shares their data, no copy is made); other outputs are kept as they are.
 * Kept with tf.keep, so that no tf.tidy of the caller disposes them.
 */
function keepHistory(
  plan: StepPlan,
  run: SchedulerRun,
  inputs: Readonly<Record<string, tf.Tensor>>,
  outputs: ReadonlyMap<string, tf.Tensor>,
  returned: ReadonlySet<tf.Tensor>,
  kept: Record<string, tf.Tensor>,
): void {
  for (const [name, source] of Object.entries(plan.keep)) {
    const output = outputs.get(source);
    if (output !== undefined) {
      kept[name] = tf.keep(returned.has(output) ? tf.clone(output) : output);
    } else if (source === SAMPLE || source === MODEL_OUTPUT) {
      kept[name] = tf.keep(tf.clone(inputs[source]));
    } else if (run.history[source] !== undefined) {
      kept[name] = run.history[source];
    } else {
      throw new Error(`plan keeps ${JSON.stringify(source)} as ${JSON.stringify(name)}, which the step neither read nor made`);
    }
  }
}
