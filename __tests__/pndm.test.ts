// PndmScheduler beyond the reference numbers of the parity suite: diffusers' timesteps where
// Bumblebee's differ, the history the run keeps (and releases as soon as no later call reads
// it), the exact x0 of a point mass, startIndex, and random options (fast-check).
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { PndmScheduler, sample, type PndmOptions } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';
import { nonFiniteWeights } from './helpers/plan_weights';

beforeAll(() => useBackend('cpu'));

function timestepsOf(scheduler: PndmScheduler, numSteps: number, startIndex?: number): number[] {
  const { state, timesteps } = scheduler.init(numSteps, [1], startIndex === undefined ? {} : { startIndex });
  const values = Array.from(timesteps.dataSync());
  timesteps.dispose();
  state.dispose();
  return values;
}

test("an odd gap: the warm-up's midpoints where diffusers puts them (next + floor(gap / 2)), not Bumblebee's (t - floor(gap / 2))", () => {
  // diffusers 58eb52c080: PNDMScheduler().set_timesteps(8); gap 125: 812 = 750 + 62 (Bumblebee: 875 - 62 = 813)
  expect(timestepsOf(new PndmScheduler(), 8)).toEqual([875, 812, 812, 750, 750, 687, 687, 625, 625, 562, 562, 500, 500, 375, 250, 125, 0]);
  // diffusers: timestep_spacing linspace, skip_prk_steps, 10 steps
  expect(timestepsOf(new PndmScheduler({ timestepSpacing: 'linspace', reduceWarmup: true }), 10)).toEqual([999, 888, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
});

test('the run holds exactly the model outputs and the sample later calls read, and releases each after its last reader', () => {
  const scheduler = new PndmScheduler();
  const shape = [2, 3];
  const { state: first, timesteps } = scheduler.init(4, shape);
  let state = first;
  const x = tf.ones(shape);
  const held: number[] = [];
  while (state.timestep !== undefined) {
    const out = scheduler.step(state, x, x);
    tf.dispose([out.sample, out.denoised]);
    state = out.state;
    held.push(Object.keys(state.run.history).length);
  }
  // Each Runge-Kutta block holds its start sample and outputs until its fourth call, then only
  // its first output (for the multistep calls); the last call reads the three and releases them.
  expect(held).toEqual([2, 3, 4, 1, 3, 4, 5, 2, 4, 5, 6, 3, 0]);
  state.dispose();
  tf.dispose([x, timesteps]);
});

test.each<[string, PndmOptions]>([
  ['Runge-Kutta warm-up', {}],
  ['reduced warm-up, alpha-bar 1 at the end', { reduceWarmup: true, alphaClipStrategy: 'one' }],
  ['trailing spacing', { timestepSpacing: 'trailing', betaSchedule: 'quadratic' }],
])('a point mass: the exact noise prediction gives x0 as denoised on every call (%s)', async (_, options) => {
  // x_t = sqrt(a) x0 + sqrt(1 - a) eps for one x0: the exact eps is the same at every t, each
  // update's weights sum to 1, so every call's effective eps, and its x0, are exact.
  const scheduler = new PndmScheduler(options);
  const alphaBars = scheduler.alphaBars;
  const shape = [1, 8];
  const x0 = tf.tensor2d([[-0.9, -0.5, -0.1, 0, 0.2, 0.4, 0.7, 1]]);
  const eps = tf.tensor2d([[0.3, -1.2, 0.8, 1.5, -0.4, 0.1, -2, 0.6]]);
  const { state: first, timesteps } = scheduler.init(10, shape);
  let state = first;
  let x = tf.tidy(() => tf.add(tf.mul(x0, Math.sqrt(alphaBars[state.timestep!])), tf.mul(eps, Math.sqrt(1 - alphaBars[state.timestep!]))));
  let worst = 0;
  while (state.timestep !== undefined) {
    const a = alphaBars[state.timestep];
    const prediction = tf.tidy(() => tf.div(tf.sub(x, tf.mul(x0, Math.sqrt(a))), Math.sqrt(1 - a)));
    const out = scheduler.step(state, x, prediction);
    const error = tf.tidy(() => tf.max(tf.abs(tf.sub(out.denoised, x0))));
    worst = Math.max(worst, (await error.data())[0]);
    tf.dispose([x, prediction, out.denoised, error]);
    ({ state, sample: x } = out);
  }
  expect(worst).toBeLessThan(1e-4);
  if (options.alphaClipStrategy === 'one') {
    const final = tf.tidy(() => tf.max(tf.abs(tf.sub(x, x0))));
    expect((await final.data())[0]).toBeLessThan(1e-4);
    final.dispose();
  }
  state.dispose();
  tf.dispose([x, x0, eps, timesteps]);
});

test('reduceWarmup: at least 2 steps, as Bumblebee', () => {
  const scheduler = new PndmScheduler({ reduceWarmup: true });
  expect(() => scheduler.init(1, [1])).toThrow(new RangeError('numSteps must be an integer in [2, 1000], got 1'));
  expect(timestepsOf(scheduler, 2)).toEqual([500, 0, 0]);
});

test('startIndex: the warm-up, then multistep, over the steps left; it needs its steps', () => {
  const scheduler = new PndmScheduler();
  expect(timestepsOf(scheduler, 10, 5)).toEqual([400, 350, 350, 300, 300, 250, 250, 200, 200, 150, 150, 100, 100, 0]);
  expect(timestepsOf(new PndmScheduler({ reduceWarmup: true }), 10, 8)).toEqual([100, 0, 0]);
  const before = tf.memory().numTensors;
  expect(() => scheduler.init(10, [1], { startIndex: 7 })).toThrow(new RangeError('startIndex must be an integer in [0, 6] (the warm-up takes 4 steps), got 7'));
  expect(() => new PndmScheduler({ reduceWarmup: true }).init(10, [1], { startIndex: 9 })).toThrow('startIndex must be an integer in [0, 8] (the warm-up takes 2 steps with reduceWarmup), got 9');
  expect(tf.memory().numTensors).toBe(before);
});

test('sample() calls the model once per timestep: 19 calls for 10 steps, image to image too', async () => {
  const scheduler = new PndmScheduler();
  const calls: number[] = [];
  const denoiser = (x: tf.Tensor, _t: tf.Scalar, info: { timestep: number }) => {
    calls.push(info.timestep);
    return tf.mul(x, 0.5);
  };
  const before = tf.memory().numTensors;
  const result = await sample(scheduler, denoiser, { numSteps: 10, shape: [1, 4], seed: 0 });
  expect(calls).toEqual(timestepsOf(scheduler, 10));
  const image = tf.zeros([1, 4]);
  calls.length = 0;
  const edited = await sample(scheduler, denoiser, { numSteps: 10, image, strength: 0.5, seed: 0 });
  expect(calls).toEqual(timestepsOf(scheduler, 10, 5));
  tf.dispose([result, edited, image]);
  expect(tf.memory().numTensors).toBe(before);
});

test('random options: every model timestep within [0, numTrainSteps - 1], numSteps + 9 calls (numSteps + 1 with reduceWarmup), finite weights', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 4, max: 1000 }),
      fc.constantFrom('leading', 'trailing', 'linspace' as const),
      fc.boolean(),
      fc.nat(),
      fc.nat(),
      fc.nat(),
      (numTrainSteps, timestepSpacing, reduceWarmup, stepSeed, offsetSeed, startSeed) => {
        const minSteps = reduceWarmup ? 2 : 4;
        const numSteps = minSteps + (stepSeed % (numTrainSteps - minSteps + 1));
        // a leading offset that keeps the first timestep below numTrainSteps
        const timestepsOffset = offsetSeed % (numTrainSteps - (numSteps - 1) * Math.floor(numTrainSteps / numSteps));
        const startIndex = startSeed % (numSteps - minSteps + 1);
        const scheduler = new PndmScheduler({ numTrainSteps, timestepSpacing, reduceWarmup, timestepsOffset });
        const { state, timesteps } = scheduler.init(numSteps, [1], { startIndex });
        const values = Array.from(timesteps.dataSync());
        timesteps.dispose();
        const left = numSteps - startIndex;
        expect(values.length).toBe(reduceWarmup ? left + 1 : left + 9);
        expect(values.every((t) => Number.isInteger(t) && t >= 0 && t < numTrainSteps)).toBe(true);
        expect(nonFiniteWeights(state)).toEqual([]);
        state.dispose();
      },
    ),
    { numRuns: 300 },
  );
});
