/**
 * One row per scheduler of the registry on the active backend, with its representative options
 * (scheduler_settings.ts): our step and the op chain, timed in interleaved rounds on the steps of
 * the longest run it takes (1000, 50 or 10 steps: a warm-up, such as PNDM's Runge-Kutta calls or
 * a multistep solver's first lower-order steps, is then a few of its steps), the noise given on
 * the device; GPU programs and read-backs per step over a 10-step run; and on cpu the allocating
 * JavaScript limit of its own update. Runs in Node and in the Chromium page alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { countGpuPrograms } from '../__tests__/browser/helpers/kernels_programs';
import { activeBackendHasFusedKernel, fusedKernels } from '../src/kernels';
import { inputsOf, neededValues, THRESHOLDS, uniformsOf } from '../src/kernels/combination';
import { passSource, type CombinationPass } from '../src/kernels/cpu_pass';
import { SAMPLE, type StepPlan } from '../src/schedulers/plan';
import type { Scheduler } from '../src/schedulers/protocol';
import { SCHEDULERS } from '../src/schedulers/registry';
import { countReads } from './read_backs';
import { settingOf } from './scheduler_settings';
import { chainedBatch, Stepper, stepInputs } from './step_setup';
import { withSwitchedOff } from './switches';
import { timeInterleaved, type Timed, type TimingBudget } from './timing';

/** Run lengths tried, longest first; GPU programs and read-backs are counted over a run of the last. */
const RUN_LENGTHS = [1000, 50, 10];

export interface SchedulerRowFigures {
  readonly scheduler: string;
  readonly setting: string;
  readonly backend: string;
  readonly shape: number[];
  readonly fusedKernel: boolean;
  /** Steps of the timed runs. */
  readonly runSteps: number;
  /** Median microseconds per step. */
  readonly stepUs: number;
  readonly chainUs: number;
  /** cpu: the allocating JavaScript limit of the update at the middle of the run (null elsewhere, or with thresholding). */
  readonly jsStepUs: number | null;
  /** Most GPU programs one step ran (webgl, webgpu), null elsewhere. */
  readonly stepPrograms: number | null;
  readonly chainPrograms: number | null;
  /** Most read-backs (backend read or readSync) one step made. */
  readonly readBacks: number;
}

/** The longest of RUN_LENGTHS that the scheduler's init takes. */
function longestRun(scheduler: Scheduler, shape: number[]): number {
  for (const numSteps of RUN_LENGTHS) {
    try {
      const { state, timesteps } = scheduler.init(numSteps, shape);
      tf.dispose(timesteps);
      state.dispose();
      return numSteps;
    } catch {
      // too many steps for this scheduler: the next length
    }
  }
  throw new Error(`none of ${RUN_LENGTHS.join(', ')} steps is a run this scheduler takes`);
}

/** The plan of the step in the middle of a run of `numSteps`. */
function middlePlan(scheduler: Scheduler, shape: number[], numSteps: number): StepPlan {
  const { state, timesteps } = scheduler.init(numSteps, shape);
  const plan = state.run.plans[Math.floor(numSteps / 2)];
  tf.dispose(timesteps);
  state.dispose();
  return plan;
}

/**
 * The allocating JavaScript limit of a plan's update: its combination as one loop in float64
 * (the cpu kernel's pass without its float32 roundings, rounded once on store), filling new
 * arrays every step, chained as steps are (the sample output is the next sample).
 */
function jsStep(plan: StepPlan, arrays: Record<string, Float32Array>): Timed | null {
  if (plan.threshold) return null;
  const { combination } = plan;
  const pass = new Function('f', passSource(combination))((value: number) => value) as CombinationPass;
  const names = inputsOf(combination).filter((name) => name !== THRESHOLDS);
  const uniforms = uniformsOf(neededValues(combination, combination.outputs));
  const sampleOutput = combination.outputs.indexOf(plan.sample);
  const { length } = arrays[SAMPLE];
  // Every history input gets an array of its own, as a run holds them.
  const fixed = Object.fromEntries(names.map((name) => [name, arrays[name] ?? arrays.modelOutput.slice()]));
  return (repetitions) => {
    let sample = arrays[SAMPLE];
    for (let i = 0; i < repetitions; i++) {
      const outputs = combination.outputs.map(() => new Float32Array(length));
      pass(names.map((name) => (name === SAMPLE ? sample : fixed[name])), outputs, uniforms, null, length);
      sample = outputs[sampleOutput];
    }
  };
}

/** GPU programs and read-backs of every step of a run of `numSteps`, the run taken once before to compile; the most of each. */
function perStepCounts(scheduler: Scheduler, shape: number[], numSteps: number, inputs: { sample: tf.Tensor; prediction: tf.Tensor; noise: tf.Tensor }) {
  const run = () => {
    const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 0 });
    timesteps.dispose();
    let state = first;
    let programs: number | null = 0;
    let reads = 0;
    while (state.timestep !== undefined) {
      const current = state;
      const counted = countReads(() => countGpuPrograms(() => scheduler.step(current, inputs.sample, inputs.prediction, { noise: inputs.noise })));
      const { result, programs: stepPrograms } = counted.result;
      tf.dispose([result.sample, result.denoised]);
      programs = stepPrograms === null ? null : Math.max(programs ?? 0, stepPrograms);
      reads = Math.max(reads, counted.reads);
      state = result.state;
    }
    state.dispose();
    return { programs, reads };
  };
  run();
  return run();
}

/** Every scheduler of the registry at `shape` on the active backend. */
export async function benchSchedulers(shape: number[], budget: TimingBudget): Promise<SchedulerRowFigures[]> {
  const rows: SchedulerRowFigures[] = [];
  const inputs = stepInputs(shape, 0.5);
  const arrays = tf.getBackend() === 'cpu' ? { sample: inputs.sample.dataSync() as Float32Array, modelOutput: inputs.prediction.dataSync() as Float32Array, noise: inputs.noise.dataSync() as Float32Array } : null;
  for (const entry of SCHEDULERS) {
    const setting = settingOf(entry.name);
    const scheduler = entry.create(setting.options);
    const runSteps = longestRun(scheduler, shape);
    const stepper = new Stepper(scheduler, shape, runSteps);
    const step = (x: tf.Tensor) => stepper.step(x, inputs.prediction, inputs.noise);
    const js = arrays === null ? null : jsStep(middlePlan(scheduler, shape, runSteps), arrays);
    const times = await timeInterleaved<string>({ step: chainedBatch(inputs.sample, step), chain: chainedBatch(inputs.sample, (x) => withSwitchedOff(fusedKernels, () => step(x))), ...(js === null ? {} : { js }) }, budget);
    stepper.dispose();
    const countRun = RUN_LENGTHS[RUN_LENGTHS.length - 1];
    const fused = perStepCounts(scheduler, shape, countRun, inputs);
    const chain = withSwitchedOff(fusedKernels, () => perStepCounts(scheduler, shape, countRun, inputs));
    rows.push({
      scheduler: entry.name,
      setting: setting.note,
      backend: tf.getBackend(),
      shape,
      fusedKernel: activeBackendHasFusedKernel(),
      runSteps,
      stepUs: times.step,
      chainUs: times.chain,
      jsStepUs: times.js ?? null,
      stepPrograms: fused.programs,
      chainPrograms: chain.programs,
      readBacks: Math.max(fused.reads, chain.reads),
    });
  }
  tf.dispose([inputs.sample, inputs.prediction, inputs.noise]);
  return rows;
}
