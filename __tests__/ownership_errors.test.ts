// The three ownership mistakes a user of sample() and step() makes (issue: a disposed
// prediction, a kept `denoised`, a stale state): each error says what the loop did and what to
// do instead, and leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, sample, type Denoiser } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';

beforeAll(() => useBackend('cpu'));

const scheduler = new DdimScheduler();

test('a denoiser returning a prediction it returned before: the loop disposed it; return a new tensor', async () => {
  let kept: tf.Tensor | null = null;
  const denoiser: Denoiser = (x) => (kept ??= tf.zerosLike(x));
  const before = tf.memory().numTensors;
  await expect(sample(scheduler, denoiser, { numSteps: 3, shape: [2, 2], seed: 0 })).rejects.toThrow(
    new TypeError(
      'denoiser returned a disposed tensor at step 1 (timestep 333): sample() disposes each prediction after its step, ' +
        'so the denoiser must return a new tensor on every call (not one it keeps, disposes or returned before)',
    ),
  );
  expect(tf.memory().numTensors).toBe(before);
});

test('a `denoised` kept from onStep and used after the run: the loop disposed it; keep tf.clone() of it', async () => {
  const kept: tf.Tensor[] = [];
  const cloned: tf.Tensor[] = [];
  const result = await sample(scheduler, (x) => tf.zerosLike(x), {
    numSteps: 2, shape: [2, 2], seed: 0,
    onStep: ({ denoised }) => {
      kept.push(denoised);
      cloned.push(tf.clone(denoised));
    },
  });
  expect(kept.every((tensor) => tensor.isDisposed)).toBe(true);
  expect(cloned.every((tensor) => !tensor.isDisposed)).toBe(true);
  const before = tf.memory().numTensors;
  const message = /^initialSample was disposed before the call\. sample\(\) disposes the tensors it hands to the denoiser and to onStep \(sample, denoised\) when that call returns: to use one later, keep tf\.clone\(tensor\) \(or its values\) instead$/;
  await expect(sample(scheduler, (x) => tf.zerosLike(x), { numSteps: 2, initialSample: kept[1] })).rejects.toThrow(message);
  const { state, timesteps } = scheduler.init(2, [2, 2]);
  expect(() => scheduler.step(state, result, kept[0])).toThrow(/^modelOutput was disposed before the call\. sample\(\) disposes the tensors it hands to the denoiser and to onStep/);
  state.dispose();
  timesteps.dispose();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([result, ...cloned]);
});

test('a state stepped twice: it was used; use the state step() returned', () => {
  const { state, timesteps } = scheduler.init(3, [2]);
  const x = tf.ones([2]);
  const prediction = tf.zerosLike(x);
  const first = scheduler.step(state, x, prediction);
  const before = tf.memory().numTensors;
  expect(() => scheduler.step(state, x, prediction)).toThrow(
    'state was already stepped: it is the state before step 0, and the run is at step 1. ' +
      'A state is used once; use the state step() returned: ({ state, sample } = scheduler.step(state, sample, modelOutput))',
  );
  expect(tf.memory().numTensors).toBe(before);
  first.state.dispose();
  tf.dispose([timesteps, x, prediction, first.sample, first.denoised]);
});
