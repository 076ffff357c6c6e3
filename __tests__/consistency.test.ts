// LcmScheduler and TcdScheduler beyond the reference numbers of the parity suite: their noise
// comes from the run's Nx key (split once per step but the last, as Bumblebee), the
// boundary-condition scalings, TCD's intermediate timestep as diffusers computes it, and
// denoised as the step's x0.
import * as tf from '@tensorflow/tfjs-core';
import { LcmScheduler, random, sample, TcdScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';
import { boundaryConditionScalings } from '../src/schedulers/lcm/plan';
import { intermediateTimestep } from '../src/schedulers/tcd/plan';
import { useBackend } from './helpers/backends';

beforeAll(() => useBackend('cpu'));

const shape = [2, 3];

/** A run of the model 0.3 x from a fixed sample; `noiseOf(i)` the noise handed to step i (undefined: the run draws it). */
async function run(scheduler: Scheduler, numSteps: number, noiseOf: (index: number) => tf.Tensor | undefined, seed = 0) {
  const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed });
  let state = first;
  let x = tf.tensor([-1, -0.6, -0.2, 0.2, 0.6, 1], shape);
  const keys: Array<number[] | null> = [];
  let denoised: tf.Tensor | null = null;
  while (state.timestep !== undefined) {
    const prediction = tf.mul(x, 0.3);
    const noise = noiseOf(state.index);
    const out = scheduler.step(state, x, prediction, noise === undefined ? {} : { noise });
    tf.dispose([x, prediction, noise ?? null, denoised].filter((t): t is tf.Tensor => t !== null));
    ({ state, sample: x, denoised } = out);
    keys.push(state.key && Array.from(state.key));
  }
  state.dispose();
  timesteps.dispose();
  const values = { sample: Array.from(await x.data()), denoised: Array.from(await denoised!.data()), keys };
  tf.dispose([x, denoised!]);
  return values;
}

/** The Nx.Random.normal draws of a run from `seed`: each step but the last takes the next one. */
function nxDraws(seed: number, count: number): tf.Tensor[] {
  let key = random.key(seed);
  return Array.from({ length: count }, () => {
    const draw = random.normal(key, shape);
    key = draw.key;
    return draw.sample;
  });
}

test.each<[string, () => Scheduler]>([
  ['LcmScheduler', () => new LcmScheduler()],
  ['TcdScheduler, gamma 0.3', () => new TcdScheduler()],
])('%s: the noise of each step but the last is the next Nx.Random.normal of the run key, as Bumblebee', async (_, create) => {
  const draws = nxDraws(7, 3);
  const drawn = await run(create(), 4, () => undefined, 7);
  const given = await run(create(), 4, (index) => (index < 3 ? tf.clone(draws[index]) : undefined), 7);
  expect(drawn.sample).toEqual(given.sample);
  // the last step splits nothing: the key after it is the key after step 3
  expect(drawn.keys[3]).toEqual(drawn.keys[2]);
  expect(drawn.keys[2]).not.toEqual(drawn.keys[1]);
  tf.dispose(draws);
});

test('TCD with gamma 0 draws nothing and is deterministic; its sample is x_s, its denoised x0', async () => {
  const deterministic = await run(new TcdScheduler({ gamma: 0 }), 4, () => undefined, 1);
  expect(new Set(deterministic.keys.map((key) => JSON.stringify(key))).size).toBe(1);
  expect((await run(new TcdScheduler({ gamma: 0 }), 4, () => undefined, 2)).sample).toEqual(deterministic.sample);
  // one step: x_s at s = 0 is sqrt(a_0) x0 + sqrt(1 - a_0) eps, not x0
  expect(deterministic.sample).not.toEqual(deterministic.denoised);
});

test('LCM: the last step returns denoised itself (no noise after it), a copy the caller owns', async () => {
  const result = await run(new LcmScheduler(), 2, () => undefined);
  expect(result.sample).toEqual(result.denoised);
});

test("LCM's boundary condition: c_skip(0) = 1 and c_out(0) = 0, and at t = 999 with s = 10 the consistency function is x0 up to 2.5e-9", () => {
  expect(boundaryConditionScalings(0, 10)).toEqual({ skip: 1, out: 0 });
  const { skip, out } = boundaryConditionScalings(999, 10);
  expect(skip).toBeCloseTo(0.25 / (9990 ** 2 + 0.25), 20);
  expect(out).toBeCloseTo(9990 / Math.sqrt(9990 ** 2 + 0.25), 15);
  expect(skip).toBeLessThan(2.6e-9);
  expect(1 - out).toBeLessThan(1.3e-9);
});

test("TCD's intermediate timestep floor((1 - gamma) t') is taken in float32, as diffusers' tensor product", () => {
  // float64: 0.7 * 90 = 62.99999999999999 -> 62; torch: float32(0.7) * 90 = 63.0 -> 63
  expect(intermediateTimestep(0.3, 90)).toBe(63);
  expect(intermediateTimestep(0.3, 759)).toBe(531);
  expect(intermediateTimestep(0, 759)).toBe(759);
  expect(intermediateTimestep(1, 759)).toBe(0);
});

test.each<[string, () => Scheduler]>([
  ['LcmScheduler', () => new LcmScheduler()],
  ['TcdScheduler', () => new TcdScheduler()],
])('%s runs in sample(), leaving only its result', async (_, create) => {
  const before = tf.memory().numTensors;
  const indices: number[] = [];
  const result = await sample(create(), (x) => tf.mul(x, 0.1), { numSteps: 4, shape: [1, 4], seed: 0, init: { strength: 0.5 }, onStep: ({ index }) => void indices.push(index) });
  expect(indices).toEqual([0, 1, 2, 3]);
  expect(result.shape).toEqual([1, 4]);
  result.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
