// classifierFreeGuidance: one model call on the doubled batch, uncond + scale (cond - uncond),
// and no leak.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, classifierFreeGuidance, sample, type Denoiser } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';

beforeAll(() => useBackend('cpu'));

/** A conditional model on the doubled batch: 0.5 x for the first half (uncond), 2 x + 1 for the second (cond). */
function halvesModel(calls: { shape: number[]; timestep: number; index: number }[]): Denoiser {
  return (doubled, timestep, info) => {
    calls.push({ shape: doubled.shape, timestep: timestep.dataSync()[0], index: info.index });
    return tf.tidy(() => {
      const [uncondIn, condIn] = tf.split(doubled, 2, 0);
      return tf.concat([tf.mul(uncondIn, 0.5), tf.add(tf.mul(condIn, 2), 1)], 0);
    });
  };
}

test.each([7.5, 1, 0, -2])('scale %p: uncond + scale * (cond - uncond), one model call on [x; x]', async (scale) => {
  const calls: { shape: number[]; timestep: number; index: number }[] = [];
  const guided = classifierFreeGuidance(halvesModel(calls), scale);
  const x = tf.tensor3d([[[1, -2]], [[0.5, 3]], [[-1, 0]]]); // [3, 1, 2]
  const timestep = tf.scalar(250, 'int32');
  const before = tf.memory().numTensors;
  const prediction = await guided(x, timestep, { index: 4, timestep: 250 });
  expect(tf.memory().numTensors).toBe(before + 1);
  expect(calls).toEqual([{ shape: [6, 1, 2], timestep: 250, index: 4 }]);
  expect(prediction.shape).toEqual([3, 1, 2]);
  const expected = Array.from(x.dataSync(), (v) => 0.5 * v + scale * (2 * v + 1 - 0.5 * v));
  Array.from(prediction.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
  tf.dispose([x, timestep, prediction]);
});

test.each<[string, Denoiser, (x: number) => number]>([
  ['identity (returns the doubled batch it was given)', (doubled) => doubled, (v) => v],
  ['a scaling', (doubled) => tf.mul(doubled, 3), (v) => 3 * v],
  ['a constant', (doubled) => tf.fill(doubled.shape, 0.25), () => 0.25],
  ['an async identity', async (doubled) => doubled, (v) => v],
])('a model that is %s: both halves agree, the guided prediction is the model output, nothing leaks', async (_, model, expected) => {
  const x = tf.tensor2d([[1, -2], [0.5, 3]]);
  const timestep = tf.scalar(10, 'int32');
  const before = tf.memory().numTensors;
  const prediction = await classifierFreeGuidance(model, 7.5)(x, timestep, { index: 0, timestep: 10 });
  expect(tf.memory().numTensors).toBe(before + 1);
  Array.from(prediction.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected(x.dataSync()[i]), 5));
  expect(x.isDisposed || timestep.isDisposed).toBe(false);
  tf.dispose([x, timestep, prediction]);
});

test('an async model, inside sample(): the run leaves only its result', async () => {
  const calls: { shape: number[]; timestep: number; index: number }[] = [];
  const inner = halvesModel(calls);
  const guided = classifierFreeGuidance(async (doubled, t, info) => inner(doubled, t, info), 3);
  const before = tf.memory().numTensors;
  const result = await sample(new DdimScheduler(), guided, { numSteps: 4, shape: [2, 5], seed: 0 });
  expect(tf.memory().numTensors).toBe(before + 1);
  expect(calls.map((call) => call.shape)).toEqual([[4, 5], [4, 5], [4, 5], [4, 5]]);
  result.dispose();
});

test('a model that throws or returns a wrong shape leaks nothing', async () => {
  const x = tf.ones([2, 3]);
  const timestep = tf.scalar(0, 'int32');
  const before = tf.memory().numTensors;
  const throwing = classifierFreeGuidance(() => {
    throw new Error('unet failed');
  }, 7.5);
  await expect(throwing(x, timestep, { index: 0, timestep: 0 })).rejects.toThrow('unet failed');
  const undoubled = classifierFreeGuidance((doubled) => tf.slice(doubled, [0], [2]), 7.5);
  await expect(undoubled(x, timestep, { index: 0, timestep: 0 })).rejects.toThrow(
    /the guided model returned shape \[2, 3\]; on the doubled batch it must return \[4, 3\]/,
  );
  const notATensor = classifierFreeGuidance(() => 'noise' as never, 7.5);
  await expect(notATensor(x, timestep, { index: 0, timestep: 0 })).rejects.toThrow(/the guided model must return a tf.Tensor, got "noise"/);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, timestep]);
});

test('bad arguments', () => {
  expect(() => classifierFreeGuidance('unet' as never, 7.5)).toThrow(/model must be a denoiser function .*, got "unet"/);
  expect(() => classifierFreeGuidance((x) => x, NaN)).toThrow(/scale must be a number, got NaN/);
  expect(() => classifierFreeGuidance((x) => x, '7.5' as never)).toThrow(TypeError);
});
