/**
 * Runs a reference case on the active tfjs backend and returns plain numbers (JSON, so that a
 * Chromium page can hand them to jest). Comparing is the caller's job (compare.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { random, type Scheduler } from 'tfjs-diffusion-schedulers';
import { SCHEDULERS } from '../../src/schedulers/registry';
import { caseNoise } from '../helpers/fixture_arrays';
import { bumblebeeSample, deterministicNoise, deterministicSample, dummyModel, dummySampleDeter, referenceModel, runLoop } from '../helpers/harness';
import { DIFFUSERS_FIXTURES, diffusersCase } from './diffusers_fixtures';
import { referenceCase, type FixtureLoopCase, type SchedulerSpec } from './reference_cases';

export interface LoopOutcome {
  kind: 'loop';
  /** The final sample, read back once at the end. */
  shape: number[];
  values: number[];
  /** The last step's denoised, where the case compares it. */
  denoised?: number[];
  /** The run's model timesteps, where the case compares them. */
  timesteps?: number[];
  /** Tensors left behind by the whole case (must be 0). */
  leaked: number;
}

export interface TimestepsOutcome {
  kind: 'timesteps';
  dtype: string;
  timesteps: number[];
  leaked: number;
}

export type CaseOutcome = LoopOutcome | TimestepsOutcome;

export function schedulerOf(spec: SchedulerSpec): Scheduler {
  const entry = SCHEDULERS.find((candidate) => candidate.name === spec.scheduler);
  if (entry === undefined) throw new Error(`no scheduler named ${JSON.stringify(spec.scheduler)} in src/schedulers/registry`);
  return spec.diffusersConfig ? entry.fromDiffusersConfig(spec.diffusersConfig, spec.options) : entry.create(spec.options);
}

/**
 * A fixture case's loop (fixtures/diffusers/README.md): 'pipeline' as sample() runs it (the
 * model on scaleModelInput, the step on the sample), 'diffusers_test_scaled' as diffusers'
 * Euler tests do (the scaled sample replaces the sample), 'with_noise' from addNoise at the
 * case's start step. Each step that drew noise in diffusers gets that noise as opts.noise.
 */
function runFixtureLoop(testCase: FixtureLoopCase): { sample: tf.Tensor; denoised: tf.Tensor; timesteps: tf.Tensor } {
  const fixture = DIFFUSERS_FIXTURES[testCase.family];
  const recorded = diffusersCase(testCase.family, testCase.caseName);
  const scheduler = schedulerOf(testCase.scheduler);
  // A case diffusers ran with torch.manual_seed(0) draws its noise from random.torchGenerator(0),
  // as diffusers did (a diffusers seed gives the same numbers here); the others get the recorded draws.
  const torchSeeded = recorded.generator === 'torch.manual_seed(0)';
  const noiseByStep = new Map(torchSeeded ? [] : caseNoise(fixture, recorded).map(({ step, values }) => [step, values]));
  const source = torchSeeded ? { generator: random.torchGenerator(0) } : { seed: 0 };
  const shape = recorded.shape;
  const startIndex = recorded.loop === 'with_noise' ? recorded.t_start! : undefined;
  const { state: first, timesteps } = scheduler.init(testCase.numSteps, shape, { ...source, ...testCase.init, ...(startIndex === undefined ? {} : { startIndex }) });
  let state = first;
  // diffusers' start: dummy_sample_deter times the run's init_noise_sigma.
  let sample = tf.tidy(() => tf.mul(deterministicSample(shape), state.initNoiseSigma));
  if (startIndex !== undefined) {
    const noise = deterministicNoise(shape);
    const noised = scheduler.addNoise(sample, noise, Array(shape[0]).fill(state.timestep));
    tf.dispose([sample, noise]);
    sample = noised;
  }
  const quirk = (recorded.inner_loop ?? recorded.loop) === 'diffusers_test_scaled';
  let denoised: tf.Tensor | null = null;
  for (let index = 0; state.timestep !== undefined; index++) {
    const timestep = state.timestep;
    const modelInput = scheduler.scaleModelInput(state, sample);
    if (quirk) {
      sample.dispose();
      sample = tf.clone(modelInput);
    }
    const output = referenceModel(modelInput, timestep);
    const values = noiseByStep.get(index);
    const noise = values === undefined ? undefined : tf.tensor(values, shape);
    const out = scheduler.step(state, sample, output, noise === undefined ? {} : { noise });
    tf.dispose([sample, modelInput, output, noise, denoised].filter((t): t is tf.Tensor => t != null));
    ({ state, sample, denoised } = out);
  }
  state.dispose();
  return { sample, denoised: denoised!, timesteps };
}

export async function runReferenceCase(name: string): Promise<CaseOutcome> {
  const testCase = referenceCase(name);
  const before = tf.memory().numTensors;
  const scheduler = schedulerOf(testCase.scheduler);
  if (testCase.kind === 'timesteps') {
    const { state, timesteps } = scheduler.init(testCase.numSteps, [1], { seed: 0, ...testCase.init });
    const values = Array.from(await timesteps.data());
    const dtype = timesteps.dtype;
    timesteps.dispose();
    state.dispose();
    return { kind: 'timesteps', dtype, timesteps: values, leaked: tf.memory().numTensors - before };
  }
  if (testCase.kind === 'fixture_loop') {
    const { sample, denoised, timesteps } = runFixtureLoop(testCase);
    const [values, denoisedValues, timestepValues] = await Promise.all([sample.data(), denoised.data(), timesteps.data()]);
    const shape = sample.shape;
    tf.dispose([sample, denoised, timesteps]);
    return { kind: 'loop', shape, values: Array.from(values), denoised: Array.from(denoisedValues), timesteps: Array.from(timestepValues), leaked: tf.memory().numTensors - before };
  }
  const initial = testCase.kind === 'bumblebee_loop' ? bumblebeeSample() : dummySampleDeter();
  const startIndex = testCase.kind === 'diffusers_loop' ? testCase.noisyStartIndex : undefined;
  const noisyStart = startIndex === undefined ? undefined : { startIndex, noise: deterministicNoise(initial.shape) };
  const model = testCase.kind === 'bumblebee_loop' && testCase.referenceModel ? referenceModel : dummyModel;
  const result = runLoop(scheduler, testCase.kind === 'bumblebee_loop' ? testCase.numSteps : 10, initial, model, noisyStart);
  const values = Array.from(await result.data());
  const shape = result.shape;
  tf.dispose([initial, result, noisyStart?.noise]);
  return { kind: 'loop', shape, values, leaked: tf.memory().numTensors - before };
}
