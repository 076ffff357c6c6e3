// The run's sigmas of DpmSolverMultistepScheduler and UniPcMultistepScheduler on the host:
// sigmasFor against every fixture case (diffusers' scheduler.sigmas after set_timesteps), the
// public sigma schedule of UniPC's test_flow_and_karras_sigmas_values, custom sigmas (and their
// round trip through sigmasFor), custom timesteps, dynamic shifting.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { DpmSolverMultistepScheduler, UniPcMultistepScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';
import { trainingSigmas } from '../src/schedule/sigmas';
import type { DiffusersCase } from './helpers/fixture_arrays';
import { DIFFUSERS_FIXTURES } from './parity/diffusers_fixtures';
import { schedulerOf } from './parity/run_case';
import { MULTISTEP_CASES } from './parity/cases/multistep';
import type { FixtureLoopCase } from './parity/reference_cases';

type Multistep = DpmSolverMultistepScheduler | UniPcMultistepScheduler;

const loops = MULTISTEP_CASES.filter((c): c is FixtureLoopCase => c.kind === 'fixture_loop');

/**
 * Within one float32 ulp (relative 1.2e-7): the sigmas are float32 values, and torch's float32
 * square root is not always correctly rounded (sqrt(3632.6433) is 60.27141571 in torch, 60.27141190
 * correctly rounded), so 2 of the 10 training sigmas of a default schedule sit one ulp from ours.
 */
const ONE_ULP = 1.2e-7;
/**
 * The zero-SNR rescale (src/schedule/zero_snr.ts) computes in float64 where diffusers' torch
 * code computes in float32: its alpha-bars, hence sigmas, differ by up to 1.6e-6 relative.
 */
const ZERO_SNR_RESCALE = 2e-6;

describe('sigmasFor: diffusers\' scheduler.sigmas after set_timesteps, final sigma included', () => {
  test.each(loops.map((c) => [c.name, c] as const))('%s', (_, testCase) => {
    const recorded: DiffusersCase = DIFFUSERS_FIXTURES[testCase.family].cases.find((entry) => entry.name === testCase.caseName)!;
    const scheduler = schedulerOf(testCase.scheduler) as Multistep;
    const sigmas = scheduler.sigmasFor(testCase.numSteps, testCase.init);
    expect(sigmas).toBeInstanceOf(Float64Array);
    expect(sigmas.length).toBe(recorded.sigmas!.length);
    const tolerance = recorded.config.rescale_betas_zero_snr === true ? ZERO_SNR_RESCALE : ONE_ULP;
    const misses = recorded.sigmas!.filter((expected, i) => !(Math.abs(sigmas[i] - expected) <= tolerance * expected) || Math.fround(sigmas[i]) !== sigmas[i]);
    expect(misses).toEqual([]);
  });

  test("UniPC's public test_flow_and_karras_sigmas_values: sigmas (rtol 1e-5, atol 1e-8) and timesteps", () => {
    const entry = DIFFUSERS_FIXTURES.unipc.public.find((p) => p.test === 'test_flow_and_karras_sigmas_values')!;
    const scheduler = UniPcMultistepScheduler.fromDiffusersConfig({ sigma_min: 0.01, sigma_max: 200.0, use_flow_sigmas: true, use_karras_sigmas: true, num_train_timesteps: 1000, final_sigmas_type: 'zero' });
    expect(scheduler.options.sigmaSchedule).toBe('flow_karras');
    const sigmas = scheduler.sigmasFor(5);
    entry.sigmas!.forEach((expected, i) => expect(Math.abs(sigmas[i] - expected)).toBeLessThanOrEqual(1e-8 + 1e-5 * Math.abs(expected)));
    const { state, timesteps } = scheduler.init(5, [1]);
    expect(Array.from(timesteps.dataSync())).toEqual(entry.timesteps);
    tf.dispose(timesteps);
    state.dispose();
  });
});

/** A run's timesteps and every weight of its plans. */
function runOf(scheduler: Scheduler, numSteps: number, init: object): { timesteps: number[]; weights: number[][] } {
  const { state, timesteps } = scheduler.init(numSteps, [2], { seed: 0, ...init });
  const result = {
    timesteps: Array.from(timesteps.dataSync()),
    weights: state.run.plans.map((plan) => plan.combination.values.flatMap((value) => value.terms.map((term) => term.weight))),
  };
  tf.dispose(timesteps);
  state.dispose();
  return result;
}

describe('custom sigmas', () => {
  test.each<[string, Multistep]>([
    ['DPM-Solver, default', new DpmSolverMultistepScheduler()],
    ['DPM-Solver, Karras, sigma_min (two equal final sigmas)', new DpmSolverMultistepScheduler({ sigmaSchedule: 'karras', finalSigmasType: 'sigma_min' })],
    ['DPM-Solver, flow, shift 3', new DpmSolverMultistepScheduler({ sigmaSchedule: 'flow', flowShift: 3, predictionType: 'flow' })],
    ['UniPC, exponential, order 3', new UniPcMultistepScheduler({ sigmaSchedule: 'exponential', solverOrder: 3 })],
    ['UniPC, flow (first sigma moved off 1), sigma_min', new UniPcMultistepScheduler({ sigmaSchedule: 'flow', predictionType: 'flow', finalSigmasType: 'sigma_min' })],
  ])('%s: sigmasFor gives the run back through init({ sigmas }) (timesteps within 1)', (_, scheduler) => {
    const sigmas = scheduler.sigmasFor(8);
    expect(Array.from(scheduler.sigmasFor(8, { sigmas }))).toEqual(Array.from(sigmas));
    const original = runOf(scheduler, 8, {});
    const again = runOf(scheduler, 8, { sigmas });
    expect(again.weights).toEqual(original.weights);
    // The timesteps come from the float32 sigmas now, from the float64 ones before: where that
    // crosses a rounding boundary (or truncates 0.9 * 1000 to 899) a timestep moves by 1.
    again.timesteps.forEach((t, i) => expect(Math.abs(t - original.timesteps[i])).toBeLessThanOrEqual(1));
  });

  test('numSteps sigmas get the final one of finalSigmasType appended', () => {
    const given = [14.6, 5, 1.2, 0.3];
    expect(Array.from(new DpmSolverMultistepScheduler().sigmasFor(4, { sigmas: given }))).toEqual([...given, 0].map(Math.fround));
    const trainingSigmaMin = new DpmSolverMultistepScheduler({ finalSigmasType: 'sigma_min' }).sigmasFor(1)[1];
    expect(new DpmSolverMultistepScheduler({ finalSigmasType: 'sigma_min' }).sigmasFor(4, { sigmas: given })[4]).toBe(trainingSigmaMin);
    // UniPC's 'sigma_min' ends a default schedule on the training sigma_min, the others on their own last sigma again.
    expect(new UniPcMultistepScheduler({ finalSigmasType: 'sigma_min' }).sigmasFor(4, { sigmas: given })[4]).toBe(trainingSigmaMin);
    expect(new UniPcMultistepScheduler({ finalSigmasType: 'sigma_min', sigmaSchedule: 'karras' }).sigmasFor(4, { sigmas: given })[4]).toBe(Math.fround(0.3));
  });

  test('VP custom sigmas take the rounded training timestep of each; flow ones int(sigma * T)', () => {
    const dpm = new DpmSolverMultistepScheduler();
    const sigmas = Array.from(dpm.sigmasFor(10).subarray(0, 10));
    expect(runOf(dpm, 10, { sigmas }).timesteps).toEqual([999, 899, 799, 699, 599, 500, 400, 300, 200, 100]);
    const flow = new UniPcMultistepScheduler({ sigmaSchedule: 'flow', predictionType: 'flow' });
    expect(runOf(flow, 4, { sigmas: [1, 0.9, 0.5, 0.05] }).timesteps).toEqual([999, 900, 500, 50]);
  });
});

describe('custom timesteps and mu', () => {
  test("DPM-Solver's custom timesteps take the training sigma of each (diffusers' set_timesteps(timesteps=...))", () => {
    const dpm = new DpmSolverMultistepScheduler({ finalSigmasType: 'sigma_min' });
    const training = trainingSigmas(dpm.alphaBars);
    expect(Array.from(dpm.sigmasFor(3, { timesteps: [999, 500, 2] }))).toEqual([training[999], training[500], training[2], training[0]]);
  });

  test("mu shifts flow sigmas: DPM-Solver's by e^mu (as flowShift), UniPC's by its time shift", () => {
    const dpm = (options: object) => new DpmSolverMultistepScheduler({ sigmaSchedule: 'flow', predictionType: 'flow', ...options });
    expect(Array.from(dpm({ useDynamicShifting: true }).sigmasFor(6, { mu: Math.log(3) }))).toEqual(Array.from(dpm({ flowShift: 3 }).sigmasFor(6)));
    const unipc = (timeShiftType: 'exponential' | 'linear') => new UniPcMultistepScheduler({ sigmaSchedule: 'flow', predictionType: 'flow', useDynamicShifting: true, timeShiftType });
    const exponential = unipc('exponential').sigmasFor(4, { mu: 0.5 });
    const linear = unipc('linear').sigmasFor(4, { mu: 0.5 });
    // t = 0.5 (the third of linspace(1, 0.001, 5)... ) shifted: e^mu / (e^mu + 1/t - 1) and mu / (mu + 1/t - 1).
    const t = 1 + 2 * ((0.001 - 1) / 4);
    expect(exponential[2]).toBe(Math.fround(Math.exp(0.5) / (Math.exp(0.5) + 1 / t - 1)));
    expect(linear[2]).toBe(Math.fround(0.5 / (0.5 + 1 / t - 1)));
  });
});
