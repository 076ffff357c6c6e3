// Whole runs of DpmSolverMultistepScheduler and UniPcMultistepScheduler: the history a run
// keeps (only what a later step reads, released after), flat memory over long runs, sample()
// from noise and from an image (diffusers' test_full_loop_with_noise through the image start),
// diffusers' torch generator, and the diffusers config interop.
import * as tf from '@tensorflow/tfjs-core';
import { DpmSolverMultistepScheduler, loadScheduler, random, sample, UniPcMultistepScheduler, type Scheduler, type TorchGenerator } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { f32, type DiffusersCase } from './helpers/fixture_arrays';
import { deterministicNoise, deterministicSample, referenceDenoiser, referenceModel } from './helpers/harness';
import { DIFFUSERS_FIXTURES } from './parity/diffusers_fixtures';


function fixtureCase(family: string, name: string): DiffusersCase {
  return DIFFUSERS_FIXTURES[family].cases.find((entry) => entry.name === name)!;
}

/** The names the run holds after each step of a `numSteps` run (no model: the history does not depend on the numbers). */
function historyAfterEachStep(scheduler: Scheduler, numSteps: number): string[][] {
  const shape = [2, 3];
  const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 0 });
  timesteps.dispose();
  let state = first;
  let current = tf.ones(shape);
  const held: string[][] = [];
  while (state.timestep !== undefined) {
    const prediction = tf.fill(shape, 0.1);
    const out = scheduler.step(state, current, prediction);
    tf.dispose([current, prediction, out.denoised]);
    ({ state, sample: current } = out);
    held.push(Object.keys(state.run.history).sort());
  }
  current.dispose();
  state.dispose();
  return held;
}

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  describe('the history a run keeps: what later steps read, released once none does', () => {
    test('DPM-Solver++ order 3 (10 steps, lowerOrderFinal): x0 of the steps an update of order p reads, p - 1 back', () => {
      // orders 1, 2, 3, 3, 3, 3, 3, 3, 2, 1: after step i the run holds what step i + 1 reads.
      const depths = [1, 2, 2, 2, 2, 2, 2, 1, 0, 0];
      expect(historyAfterEachStep(new DpmSolverMultistepScheduler({ solverOrder: 3 }), 10)).toEqual(depths.map((depth) => Array.from({ length: depth }, (_, j) => `denoised${j + 1}`)));
    });

    test('DPM-Solver order 2 with v-prediction keeps the sample and the model output of the step before (eps = alpha v + sigma x)', () => {
      const held = historyAfterEachStep(new DpmSolverMultistepScheduler({ algorithmType: 'dpmsolver', predictionType: 'angular_velocity', finalSigmasType: 'sigma_min' }), 5);
      expect(held).toEqual([['modelOutput1', 'sample1'], ['modelOutput1', 'sample1'], ['modelOutput1', 'sample1'], [], []]);
    });

    test('UniPC order 3 (6 steps): the predictor reads p - 1 back, the corrector as far back as the step before it predicted', () => {
      // predictor orders 1, 2, 3, 3, 2, 1; corrector orders 0, 1, 2, 3, 3, 2: step i reads max(p - 1, c) back.
      const depths = [1, 2, 3, 3, 2, 0];
      expect(historyAfterEachStep(new UniPcMultistepScheduler({ solverOrder: 3 }), 6)).toEqual(depths.map((depth) => Array.from({ length: depth }, (_, j) => `denoised${j + 1}`).sort()));
    });
  });

  test.each<[string, Scheduler]>([
    ['DPM-Solver++ 3, SDE', new DpmSolverMultistepScheduler({ solverOrder: 3, algorithmType: 'sde-dpmsolver++', sigmaSchedule: 'karras' })],
    ['UniPC 3, noise prediction, v', new UniPcMultistepScheduler({ solverOrder: 3, predictX0: false, predictionType: 'angular_velocity' })],
  ])('%s: memory is flat over 300 steps; a step makes its two outputs plus what the run starts to keep, and never frees its inputs', (_, scheduler) => {
    const shape = [2, 8];
    const before = tf.memory();
    const { state: first, timesteps } = scheduler.init(300, shape, { seed: 1 });
    timesteps.dispose();
    let state = first;
    let current = tf.randomNormal(shape, 0, 1, 'float32', 1);
    const settled: Array<{ numTensors: number; numBytes: number }> = [];
    while (state.timestep !== undefined) {
      const prediction = tf.mul(current, 0.5);
      const held = Object.keys(state.run.history).length;
      const count = tf.memory().numTensors;
      const out = scheduler.step(state, current, prediction);
      expect(tf.memory().numTensors - count).toBe(2 + Object.keys(out.state.run.history).length - held);
      expect(current.isDisposed || prediction.isDisposed).toBe(false);
      tf.dispose([current, prediction, out.denoised]);
      ({ state, sample: current } = out);
      if (state.index > 10 && state.index < 290) settled.push({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes });
    }
    expect(new Set(settled.map((m) => `${m.numTensors} ${m.numBytes}`)).size).toBe(1);
    expect(Object.keys(state.run.history)).toEqual([]);
    current.dispose();
    state.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  test('state.dispose() in the middle of a run frees its history; stepping it then says so', () => {
    const scheduler = new UniPcMultistepScheduler({ solverOrder: 3 });
    const before = tf.memory().numTensors;
    const { state, timesteps } = scheduler.init(8, [3]);
    const x = tf.ones([3]);
    const one = scheduler.step(state, x, x);
    const two = scheduler.step(one.state, one.sample, x);
    expect(Object.keys(two.state.run.history).length).toBe(2);
    tf.dispose([one.sample, one.denoised, two.denoised, timesteps]);
    state.dispose();
    expect(() => scheduler.step(two.state, two.sample, x)).toThrow(/state was disposed/);
    tf.dispose([two.sample, x]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test.each([
    ['dpm_solver', 'public_with_noise', DpmSolverMultistepScheduler],
    ['dpm_solver', 'with_noise_order_3', DpmSolverMultistepScheduler],
    ['unipc', 'public_with_noise', UniPcMultistepScheduler],
    ['unipc', 'public_with_noise_1d', UniPcMultistepScheduler],
    ['unipc', 'with_noise_t_start_5_order_3', UniPcMultistepScheduler],
  ] as const)("sample()'s image start reproduces diffusers' test_full_loop_with_noise: %s %s", async (family, name, Class) => {
    const recorded = fixtureCase(family, name);
    const scheduler = Class.fromDiffusersConfig(Object.fromEntries(Object.entries(recorded.config).map(([k, v]) => [k, v === '-Infinity' ? -Infinity : v])));
    const image = deterministicSample(recorded.shape);
    // A generator whose start draw is diffusers' dummy_noise_deter (these runs draw nothing else).
    const noise = deterministicNoise(recorded.shape);
    const generator = { seed: 0, randn: () => tf.clone(noise), randnValues: () => new Float32Array(0) } as unknown as TorchGenerator;
    const before = tf.memory().numTensors;
    const strength = (recorded.num_inference_steps! - recorded.t_start!) / recorded.num_inference_steps!;
    const result = await sample(scheduler, referenceDenoiser, { numSteps: recorded.num_inference_steps!, image, strength, generator });
    expect(tf.memory().numTensors).toBe(before + 1);
    const expected = f32(recorded.final_sample);
    const actual = await result.data<'float32'>();
    expected.forEach((x, i) => expect(Math.abs(actual[i] - x)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(x))));
    const publicEntry = DIFFUSERS_FIXTURES[family].public.find((entry) => entry.case === name && entry.abs_sum != null);
    if (publicEntry) {
      const absSum = actual.reduce((total, x) => total + Math.abs(x), 0);
      expect(Math.abs(absSum - publicEntry.abs_sum!)).toBeLessThan(publicEntry.abs_sum_tolerance!);
      expect(Math.abs(absSum / actual.length - publicEntry.abs_mean!)).toBeLessThan(publicEntry.abs_mean_tolerance!);
    }
    tf.dispose([image, noise, result]);
  });

  test("SDE-DPM-Solver++ with random.torchGenerator(0) draws diffusers' noise: its torch.manual_seed(0) run, without injected noise", async () => {
    const recorded = fixtureCase('dpm_solver', 'sde-dpmsolver++_torch_seed_0');
    const scheduler = DpmSolverMultistepScheduler.fromDiffusersConfig({ ...recorded.config, lambda_min_clipped: -Infinity });
    const { state: first, timesteps } = scheduler.init(10, recorded.shape, { generator: random.torchGenerator(0) });
    timesteps.dispose();
    let state = first;
    let current = deterministicSample(recorded.shape);
    while (state.timestep !== undefined) {
      const prediction = referenceModel(current, state.timestep);
      const out = scheduler.step(state, current, prediction);
      tf.dispose([current, prediction, out.denoised]);
      ({ state, sample: current } = out);
    }
    state.dispose();
    const actual = await current.data<'float32'>();
    f32(recorded.final_sample).forEach((x, i) => expect(Math.abs(actual[i] - x)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(x))));
    current.dispose();
  });
});

/** A run of the harness's model from diffusers' dummy sample; the sample before the last step, the last sample and the last denoised. */
function harnessRun(scheduler: Scheduler, numSteps: number, shape = [4, 3, 8, 8]): { beforeLast: Float32Array; last: Float32Array; denoised: Float32Array } {
  const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 0 });
  timesteps.dispose();
  let state = first;
  let current = deterministicSample(shape);
  let beforeLast = new Float32Array(0);
  let denoised = new Float32Array(0);
  while (state.timestep !== undefined) {
    beforeLast = current.dataSync<'float32'>().slice();
    const prediction = referenceModel(current, state.timestep);
    const out = scheduler.step(state, current, prediction);
    denoised = out.denoised.dataSync<'float32'>().slice();
    tf.dispose([current, prediction, out.denoised]);
    ({ state, sample: current } = out);
  }
  const last = current.dataSync<'float32'>().slice();
  current.dispose();
  state.dispose();
  return { beforeLast, last, denoised };
}

describe("where diffusers' own run turns to NaN or fails (fixtures/diffusers/README.md), a finite run or a clear error", () => {
  beforeAll(() => useBackend('cpu'));

  test('DPM-Solver++ order 3 ending on two equal sigmas (Karras, sigma_min): diffusers divides 0 by 0; the last step moves nothing', () => {
    const { beforeLast, last } = harnessRun(new DpmSolverMultistepScheduler({ sigmaSchedule: 'karras', solverOrder: 3, lowerOrderFinal: false, finalSigmasType: 'sigma_min' }), 10);
    expect(last.every(Number.isFinite)).toBe(true);
    expect(Array.from(last)).toEqual(Array.from(beforeLast));
  });

  test("DPM-Solver with squared_cosine betas and Karras sigmas: diffusers' truncated timesteps repeat and it indexes past its sigmas; ours run on the sigmas", () => {
    const scheduler = new DpmSolverMultistepScheduler({ betaSchedule: 'squared_cosine', sigmaSchedule: 'karras' });
    const { state, timesteps } = scheduler.init(10, [1]);
    const values = Array.from(timesteps.dataSync());
    tf.dispose(timesteps);
    state.dispose();
    expect(new Set(values).size).toBeLessThan(values.length); // the repeated timesteps diffusers trips on
    expect(harnessRun(scheduler, 10).last.every(Number.isFinite)).toBe(true);
  });

  test.each<[string, object]>([
    ['bh1 with a zero final sigma (diffusers\' default final_sigmas_type)', { solverType: 'bh1' }],
    ['bh1 with flow sigmas and a zero final sigma', { solverType: 'bh1', sigmaSchedule: 'flow', predictionType: 'flow', flowShift: 3 }],
  ])('UniPC %s: diffusers gives NaN (B(h) = h is infinite); the last step, of order 1, lands on its x0', (_, options) => {
    const { last, denoised } = harnessRun(new UniPcMultistepScheduler(options), 10);
    expect(last.every(Number.isFinite)).toBe(true);
    last.forEach((x, i) => expect(Math.abs(x - denoised[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(denoised[i]))));
  });
});

describe('diffusers configs', () => {
  test.each<[string, () => Scheduler]>([
    ['DPM-Solver, every option off its default', () =>
      new DpmSolverMultistepScheduler({ solverOrder: 3, algorithmType: 'sde-dpmsolver++', solverType: 'heun', lowerOrderFinal: false, eulerAtFinal: true, sigmaSchedule: 'lu_lambdas', finalSigmasType: 'sigma_min', lambdaMinClipped: -5.1, timestepSpacing: 'trailing', thresholding: true, sampleMaxValue: 0.5, predictionType: 'angular_velocity', betaSchedule: 'squared_cosine' })],
    ['DPM-Solver, flow with dynamic shifting', () => new DpmSolverMultistepScheduler({ sigmaSchedule: 'flow', predictionType: 'flow', flowShift: 3, useDynamicShifting: true })],
    ['UniPC, every option off its default', () =>
      new UniPcMultistepScheduler({ solverOrder: 3, solverType: 'bh1', predictX0: false, lowerOrderFinal: false, disableCorrector: [0, 2], sigmaSchedule: 'karras', sigmaMin: 0.1, sigmaMax: 50, finalSigmasType: 'sigma_min', timestepSpacing: 'leading', timestepsOffset: 1, rescaleBetasZeroSnr: true })],
    ['UniPC, flow + Karras', () => new UniPcMultistepScheduler({ sigmaSchedule: 'flow_karras', sigmaMin: 0.01, sigmaMax: 200 })],
    ['UniPC, flow with shiftTerminal and a linear time shift', () => new UniPcMultistepScheduler({ sigmaSchedule: 'flow', predictionType: 'flow', shiftTerminal: 0.1, useDynamicShifting: true, timeShiftType: 'linear' })],
  ])('%s: toDiffusersConfig round-trips through fromDiffusersConfig, JSON text included', (_, make) => {
    const scheduler = make();
    const config = scheduler.toDiffusersConfig();
    const Class = scheduler.constructor as typeof DpmSolverMultistepScheduler | typeof UniPcMultistepScheduler;
    expect(Class.fromDiffusersConfig(config).options).toEqual(scheduler.options);
    expect(loadScheduler(config).options).toEqual(scheduler.options);
    // diffusers writes -Infinity as a bare literal (Python's json); JSON.stringify would write null.
    const text = JSON.stringify(config, (_, value) => (value === -Infinity ? '__-inf__' : value)).replace('"__-inf__"', '-Infinity');
    expect(loadScheduler(text).options).toEqual(scheduler.options);
    expect(Object.keys(config)).not.toContain('_tfjs_diffusion_schedulers');
  });

  test("a diffusers DPMSolverMultistepScheduler config as saved (Python's -Infinity), and the class names loadScheduler maps", () => {
    const text = '{"_class_name": "DPMSolverMultistepScheduler", "_diffusers_version": "0.27.0", "algorithm_type": "dpmsolver++", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "dynamic_thresholding_ratio": 0.995, "euler_at_final": false, "final_sigmas_type": "zero", "lambda_min_clipped": -Infinity, "lower_order_final": true, "num_train_timesteps": 1000, "prediction_type": "epsilon", "sample_max_value": 1.0, "solver_order": 2, "solver_type": "midpoint", "steps_offset": 1, "thresholding": false, "timestep_spacing": "linspace", "trained_betas": null, "use_karras_sigmas": true, "use_lu_lambdas": false, "variance_type": null}';
    const scheduler = loadScheduler(text);
    expect(scheduler).toBeInstanceOf(DpmSolverMultistepScheduler);
    expect(scheduler.options).toMatchObject({ sigmaSchedule: 'karras', lambdaMinClipped: -Infinity, betaSchedule: 'quadratic', timestepsOffset: 1 });
    expect(loadScheduler({ _class_name: 'UniPCMultistepScheduler', solver_type: 'bh1', disable_corrector: [0] })).toBeInstanceOf(UniPcMultistepScheduler);
  });

  test("configs of related solvers read as diffusers reads them: DEIS's 'deis' / 'logrho' as DPM-Solver++ midpoint, DPM-Solver's types as UniPC's bh2", () => {
    expect(DpmSolverMultistepScheduler.fromDiffusersConfig({ algorithm_type: 'deis', solver_type: 'logrho' }).options).toMatchObject({ algorithmType: 'dpmsolver++', solverType: 'midpoint' });
    expect(UniPcMultistepScheduler.fromDiffusersConfig({ solver_type: 'midpoint' }).options.solverType).toBe('bh2');
    // DDPM's variance_type means nothing to DPM-Solver (diffusers ignores it too).
    expect(DpmSolverMultistepScheduler.fromDiffusersConfig({ variance_type: 'fixed_small' }).options.solverOrder).toBe(2);
  });
});
