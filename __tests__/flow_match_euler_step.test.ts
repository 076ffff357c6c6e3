// FlowMatchEulerScheduler's step and forward process: the Euler update and its x0 in float32 as
// diffusers computes them, the stochastic step's noise from the run's generator (torch's in
// diffusers' order, or the Nx key), scale_noise with host and device timesteps, flat memory.
import * as tf from '@tensorflow/tfjs-core';
import { FlowMatchEulerScheduler, random } from 'tfjs-diffusion-schedulers';
import flowMatchEuler from '../fixtures/diffusers/flow_match_euler.json';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { caseNoise, f32, type DiffusersFixture } from './helpers/fixture_arrays';
import { deterministicSample, referenceModel } from './helpers/harness';
import { flowCaseRun } from './parity/cases/flow_match_euler';

const fixture = flowMatchEuler as unknown as DiffusersFixture;
const f = Math.fround;

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each([{}, { invertSigmas: true }, { shift: 3, sigmaSchedule: 'karras' as const }])('the Euler step %j: x + (s\' - s) v and its x0 in float32, bit for bit', (options) => {
    const scheduler = new FlowMatchEulerScheduler(options);
    const sigmas = scheduler.sigmasFor(3);
    const x = [0.5, -1.25, 3, 1e-3, -7];
    const v = [0.1, 2, -0.75, 5, 1 / 3];
    const { state, timesteps } = scheduler.init(3, [5]);
    const [sample, output] = [tf.tensor1d(x), tf.tensor1d(v)];
    const out = scheduler.step(state, sample, output);
    const dt = f(sigmas[1] - sigmas[0]);
    const x0Weight = options.invertSigmas ? 1 - sigmas[0] : -sigmas[0];
    expect(Array.from(out.sample.dataSync())).toEqual(x.map((xi, i) => f(f(xi) + f(f(v[i]) * dt))));
    expect(Array.from(out.denoised.dataSync())).toEqual(x.map((xi, i) => f(f(xi) + f(f(v[i]) * f(x0Weight)))));
    tf.dispose([sample, output, out.sample, out.denoised, timesteps]);
    out.state.dispose();
  });

  test("stochastic_torch_seed_0: init({ generator: random.torchGenerator(0) }) draws diffusers' noise (no injection) and ends on its sample, bit for bit", () => {
    const recorded = fixture.cases.find((c) => c.name === 'stochastic_torch_seed_0')!;
    const { scheduler: spec, numSteps } = flowCaseRun(recorded);
    const scheduler = FlowMatchEulerScheduler.fromDiffusersConfig(spec.diffusersConfig!);
    const before = tf.memory().numTensors;
    const { state: first, timesteps } = scheduler.init(numSteps, recorded.shape, { generator: random.torchGenerator(0) });
    let state = first;
    let x = deterministicSample(recorded.shape);
    while (state.timestep !== undefined) {
      const output = referenceModel(x, state.timestep);
      const out = scheduler.step(state, x, output);
      tf.dispose([x, output, out.denoised]);
      ({ state, sample: x } = out);
    }
    state.dispose();
    expect(Array.from(x.dataSync())).toEqual(Array.from(f32(recorded.final_sample)));
    tf.dispose([x, timesteps]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('stochastic with the Nx key: each step draws random.normal(key, shape), the last one too, and its x0 is re-noised: (1 - s\') x0 + s\' z', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 3, stochasticSampling: true });
    const shape = [3, 2];
    const sigmas = scheduler.sigmasFor(3);
    const x = tf.tensor2d([[1, 2], [-0.5, 0.25], [3, -3]]);
    const v = tf.tensor2d([[0.5, -1], [2, 0], [0.125, 1]]);
    const { state: first, timesteps } = scheduler.init(3, shape, { seed: 5 });
    let state = first;
    let key = random.key(5);
    for (let i = 0; i < 3; i++) {
      expect(Array.from(state.key!)).toEqual(Array.from(key));
      const drawn = random.normal(key, shape);
      key = drawn.key;
      const out = scheduler.step(state, x, v);
      const [xs, vs, z] = [x.dataSync(), v.dataSync(), drawn.sample.dataSync()];
      const x0 = Array.from(xs, (xi, j) => f(xi + f(vs[j] * f(-sigmas[i]))));
      expect(Array.from(out.denoised.dataSync())).toEqual(x0);
      const noiseWeight = sigmas[i + 1];
      expect(Array.from(out.sample.dataSync())).toEqual(x0.map((x0j, j) => (noiseWeight === 0 ? x0j : f(f(x0j * f(1 - noiseWeight)) + f(z[j] * noiseWeight)))));
      tf.dispose([out.sample, out.denoised, drawn.sample]);
      state = out.state;
    }
    expect(Array.from(state.key!)).toEqual(Array.from(key)); // the last step split the key too
    tf.dispose([x, v, timesteps]);
    state.dispose();
  });

  test('the injected stochastic case: opts.noise replaces the draw (fixture stochastic_steps_4, bit for bit)', () => {
    const recorded = fixture.cases.find((c) => c.name === 'stochastic_steps_4')!;
    const { scheduler: spec, numSteps } = flowCaseRun(recorded);
    const scheduler = FlowMatchEulerScheduler.fromDiffusersConfig(spec.diffusersConfig!);
    const draws = caseNoise(fixture, recorded);
    const { state: first, timesteps } = scheduler.init(numSteps, recorded.shape, { seed: 0 });
    let state = first;
    let x = deterministicSample(recorded.shape);
    for (let i = 0; state.timestep !== undefined; i++) {
      const output = referenceModel(x, state.timestep);
      const noise = tf.tensor(draws[i].values, recorded.shape);
      const out = scheduler.step(state, x, output, { noise });
      tf.dispose([x, output, noise, out.denoised]);
      ({ state, sample: x } = out);
    }
    expect(Array.from(x.dataSync())).toEqual(Array.from(f32(recorded.final_sample)));
    tf.dispose([x, timesteps]);
    state.dispose();
  });

  test("addNoise is scale_noise: sigma * noise + (1 - sigma) * original at sigma = t / numTrainSteps (float32), per item; a device tensor gives the same", () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 3 });
    const timesteps = Array.from(scheduler.sigmasFor(10).slice(0, 10), (s) => f(s * 1000));
    const items = [timesteps[0], timesteps[5], timesteps[9]];
    const original = tf.tensor2d([[1, -2], [0.5, 4], [3, 0]]);
    const noise = tf.tensor2d([[0.3, 0.1], [-1, 2], [0.7, -0.2]]);
    const onHost = scheduler.addNoise(original, noise, items);
    const expected = Array.from(original.dataSync(), (o, j) => {
      const sigma = f(items[Math.floor(j / 2)] / 1000);
      return f(f(sigma * noise.dataSync()[j]) + f(f(1 - sigma) * o));
    });
    expect(Array.from(onHost.dataSync())).toEqual(expected);
    const deviceTimesteps = tf.tensor1d(items, 'float32');
    const onDevice = scheduler.addNoise(original, noise, deviceTimesteps);
    expect(Array.from(onDevice.dataSync())).toEqual(expected);
    // The schedule's sigmas themselves (scale_noise looks them up): sigma 1 is pure noise.
    expect(Array.from(onHost.dataSync().slice(0, 2))).toEqual(Array.from(noise.dataSync().slice(0, 2)));
    const outOfRange = scheduler.addNoise(original, noise, tf.tensor1d([0, 1001, -1], 'float32'));
    expect(Array.from(outOfRange.dataSync()).map(Number.isNaN)).toEqual([false, false, true, true, true, true]);
    tf.dispose([original, noise, onHost, onDevice, deviceTimesteps, outOfRange]);
  });

  test('memory stays flat over 300 steps of a stochastic run', () => {
    const scheduler = new FlowMatchEulerScheduler({ stochasticSampling: true, shift: 3 });
    const before = tf.memory().numTensors;
    const { state: first, timesteps } = scheduler.init(300, [2, 4], { seed: 1 });
    let state = first;
    let x = tf.randomNormal([2, 4], 0, 1, 'float32', 3);
    const counts = new Set<number>();
    while (state.timestep !== undefined) {
      const v = tf.mul(x, 0.5);
      const out = scheduler.step(state, x, v);
      tf.dispose([x, v, out.denoised]);
      ({ state, sample: x } = out);
      counts.add(tf.memory().numTensors);
    }
    expect(counts.size).toBe(1);
    tf.dispose([x, timesteps]);
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
