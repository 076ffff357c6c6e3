// FlowMatchEulerScheduler's schedule against diffusers' (fixtures/diffusers/flow_match_euler.json):
// sigmas and model timesteps of every case, the twice-shifted sigma_min of the default path and
// shiftSigmaMinOnce, mu from imageSeqLen, config interop.
import * as tf from '@tensorflow/tfjs-core';
import { FlowMatchEulerScheduler, loadScheduler } from 'tfjs-diffusion-schedulers';
import flowMatchEuler from '../fixtures/diffusers/flow_match_euler.json';
import { calculateShift } from '../src/schedule/flow_shifts';
import { useBackend } from './helpers/backends';
import { expectCloseToDiffusers } from './helpers/close_to_diffusers';
import type { DiffusersFixture } from './helpers/fixture_arrays';
import { flowCaseRun } from './parity/cases/flow_match_euler';

const fixture = flowMatchEuler as unknown as DiffusersFixture;
const QUIRKS = flowMatchEuler.quirks.flow_sigma_min_shifted_twice;

// black-forest-labs/FLUX.1-dev and stabilityai/stable-diffusion-3-medium-diffusers scheduler_config.json.
const FLUX_DEV = {
  _class_name: 'FlowMatchEulerDiscreteScheduler', _diffusers_version: '0.30.0.dev0', base_image_seq_len: 256, base_shift: 0.5,
  max_image_seq_len: 4096, max_shift: 1.15, num_train_timesteps: 1000, shift: 3.0, use_dynamic_shifting: true,
};
const SD3 = { _class_name: 'FlowMatchEulerDiscreteScheduler', _diffusers_version: '0.29.0.dev0', num_train_timesteps: 1000, shift: 3.0 };

beforeAll(() => useBackend('cpu'));

describe("every fixture case's schedule", () => {
  const exact = { sigmas: 0, timesteps: 0, total: 0 };
  afterAll(() => console.log(`flow_match_euler.json: ${exact.sigmas} of ${exact.total} sigmas and ${exact.timesteps} timesteps equal to the bit`));

  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s: sigmasFor and init timesteps within 1e-6 relative', (_, recorded) => {
    const { scheduler: spec, numSteps, init } = flowCaseRun(recorded);
    const scheduler = FlowMatchEulerScheduler.fromDiffusersConfig(spec.diffusersConfig!);
    exact.sigmas += expectCloseToDiffusers(scheduler.sigmasFor(numSteps, init), recorded.sigmas!);
    exact.total += recorded.sigmas!.length;
    const before = tf.memory().numTensors;
    const { state, timesteps } = scheduler.init(numSteps, recorded.shape, init);
    expect(timesteps.dtype).toBe('float32');
    exact.timesteps += expectCloseToDiffusers(timesteps.dataSync(), recorded.timesteps);
    expect(Array.from(state.timesteps.dataSync())).toEqual(Array.from(timesteps.dataSync()));
    expect(state.numSteps).toBe(recorded.timesteps.length);
    expect(state.timestep).toBe(timesteps.dataSync()[0]);
    expect(state.initNoiseSigma).toBe(recorded.init_noise_sigma);
    timesteps.dispose();
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the default path's sigma_min, shifted twice by diffusers (issue #13243)", () => {
  test.each(QUIRKS.map((q) => [q.num_inference_steps, q] as const))('shift 3, %p steps: diffusers ends on shift(shift(1/1000)); shiftSigmaMinOnce on shift(1/1000)', (steps, quirk) => {
    const sigmas = new FlowMatchEulerScheduler({ shift: 3 }).sigmasFor(steps);
    expectCloseToDiffusers(sigmas, quirk.diffusers_sigmas);
    const shift = (s: number) => (3 * s) / (1 + 2 * s);
    expect(sigmas[steps - 1]).toBe(Math.fround(shift(shift(0.001))));
    expect(sigmas[steps - 1]).toBeCloseTo(0.0089285718, 9);

    const once = new FlowMatchEulerScheduler({ shift: 3, shiftSigmaMinOnce: true }).sigmasFor(steps);
    expectCloseToDiffusers(once, quirk.once_shifted_sigmas);
    expect(once[steps - 1]).toBe(Math.fround(shift(0.001)));
    expect(once[steps - 1]).toBeCloseTo(0.0029940121, 9);
    expect(once[0]).toBe(1);
  });

  test('shiftSigmaMinOnce changes nothing where diffusers shifts once already: shift 1, dynamic shifting, custom sigmas', () => {
    const same = (options: object, opts: object = {}) =>
      expect(Array.from(new FlowMatchEulerScheduler({ ...options, shiftSigmaMinOnce: true }).sigmasFor(7, opts))).toEqual(Array.from(new FlowMatchEulerScheduler(options).sigmasFor(7, opts)));
    same({});
    same({ shift: 3, useDynamicShifting: true }, { mu: 1.1 });
    same({ shift: 3 }, { sigmas: [1, 0.9, 0.7, 0.5, 0.3, 0.2, 0.1] });
  });
});

describe('mu', () => {
  test.each([
    ['flux_seq_4096_steps_28', 4096],
    ['flux_seq_1024_steps_28', 1024],
  ])('%s: imageSeqLen %p gives the case mu (calculate_shift) and its sigmas', (name, imageSeqLen) => {
    const recorded = fixture.cases.find((c) => c.name === name)!;
    const { numSteps, init } = flowCaseRun(recorded);
    expect(calculateShift(imageSeqLen, 256, 4096, 0.5, 1.15)).toBe(init.mu);
    const scheduler = FlowMatchEulerScheduler.fromDiffusersConfig(FLUX_DEV);
    const bySeqLen = scheduler.sigmasFor(numSteps, { sigmas: init.sigmas as number[], imageSeqLen });
    expect(Array.from(bySeqLen)).toEqual(Array.from(scheduler.sigmasFor(numSteps, init)));
    expectCloseToDiffusers(bySeqLen, recorded.sigmas!);
  });

  test("mu = ln(shift) with the exponential time shift is SD3's shift (float64 default path: within an ulp of float32)", () => {
    const byShift = new FlowMatchEulerScheduler({ shift: 3, shiftSigmaMinOnce: true }).sigmasFor(12);
    const byMu = new FlowMatchEulerScheduler({ useDynamicShifting: true }).sigmasFor(12, { mu: Math.log(3) });
    byShift.forEach((sigma, i) => expect(Math.abs(byMu[i] - sigma)).toBeLessThanOrEqual(6e-8 * sigma));
  });

  test('without useDynamicShifting, mu and imageSeqLen are checked and ignored, as diffusers ignores mu', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 3 });
    expect(Array.from(scheduler.sigmasFor(5, { mu: 0.9 }))).toEqual(Array.from(scheduler.sigmasFor(5)));
    expect(Array.from(scheduler.sigmasFor(5, { imageSeqLen: 1024 }))).toEqual(Array.from(scheduler.sigmasFor(5)));
  });
});

describe('what a run holds', () => {
  test("initNoiseSigma 1, scaleModelInput the identity (a new tensor), the model input's level (1 - sigma, sigma); (sigma, 1 - sigma) inverted", () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 3 });
    expect(scheduler.initNoiseSigma).toBe(1);
    const sigmas = scheduler.sigmasFor(4);
    const { state, timesteps } = scheduler.init(4, [2, 3]);
    const x = tf.tensor2d([[1, -2, 3], [0.5, 0.25, -1]]);
    const scaled = scheduler.scaleModelInput(state, x);
    expect(scaled).not.toBe(x);
    expect(Array.from(scaled.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(state.noiseLevel).toEqual({ alpha: 1 - sigmas[0], sigma: sigmas[0] });
    tf.dispose([x, scaled, timesteps]);
    state.dispose();

    const inverted = new FlowMatchEulerScheduler({ invertSigmas: true });
    const run = inverted.init(4, [2]);
    const invertedSigmas = inverted.sigmasFor(4);
    expect(invertedSigmas[4]).toBe(1);
    expect(run.state.noiseLevel).toEqual({ alpha: invertedSigmas[0], sigma: 1 - invertedSigmas[0] });
    run.timesteps.dispose();
    run.state.dispose();
  });

  test('startIndex runs the steps from there on, with their timesteps', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 3 });
    const full = scheduler.init(10, [1]);
    const later = scheduler.init(10, [1], { startIndex: 5 });
    expect(Array.from(later.timesteps.dataSync())).toEqual(Array.from(full.timesteps.dataSync()).slice(5));
    tf.dispose([full.timesteps, later.timesteps]);
    full.state.dispose();
    later.state.dispose();
  });
});

describe('diffusers configs', () => {
  test("FLUX.1-dev's config: dynamic shifting, every key read; SD3's: shift 3", () => {
    const flux = FlowMatchEulerScheduler.fromDiffusersConfig(FLUX_DEV);
    expect(flux.options).toMatchObject({ useDynamicShifting: true, shift: 3, baseShift: 0.5, maxShift: 1.15, baseImageSeqLen: 256, maxImageSeqLen: 4096, predictionType: 'flow' });
    expect(FlowMatchEulerScheduler.fromDiffusersConfig(JSON.stringify(SD3)).options).toMatchObject({ shift: 3, useDynamicShifting: false, sigmaSchedule: 'default' });
    expect(loadScheduler(FLUX_DEV)).toBeInstanceOf(FlowMatchEulerScheduler);
  });

  test('every fixture config (after construction) loads; toDiffusersConfig round-trips, writing every key diffusers has', () => {
    for (const recorded of fixture.cases) {
      const scheduler = FlowMatchEulerScheduler.fromDiffusersConfig(recorded.config);
      const config = scheduler.toDiffusersConfig();
      expect(config).toEqual({ _class_name: 'FlowMatchEulerDiscreteScheduler', ...recorded.config });
      expect(FlowMatchEulerScheduler.fromDiffusersConfig(config).options).toEqual(scheduler.options);
    }
  });

  test('shiftSigmaMinOnce, which diffusers has no key for, travels under _tfjs_diffusion_schedulers', () => {
    const config = new FlowMatchEulerScheduler({ shift: 3, shiftSigmaMinOnce: true }).toDiffusersConfig();
    expect(config._tfjs_diffusion_schedulers).toEqual({ shiftSigmaMinOnce: true });
    expect(FlowMatchEulerScheduler.fromDiffusersConfig(config).options.shiftSigmaMinOnce).toBe(true);
  });

  test('the sigma booleans set sigmaSchedule; two of them throw, as diffusers', () => {
    expect(FlowMatchEulerScheduler.fromDiffusersConfig({ use_beta_sigmas: true }).options.sigmaSchedule).toBe('beta');
    expect(() => FlowMatchEulerScheduler.fromDiffusersConfig({ use_karras_sigmas: true, use_exponential_sigmas: true })).toThrow(
      /use_karras_sigmas and use_exponential_sigmas are all true; a config selects at most one sigma schedule/,
    );
  });
});
