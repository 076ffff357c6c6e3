// Image to image in sample(): `image` + `strength` start from addNoise(image) at the timestep
// strength selects (diffusers' img2img get_timesteps), then run the steps after it.
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler, glyphImages, glyphsDenoiser, sample, type Denoiser, type StepInfo } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { handLoop } from './helpers/hand_loop';

const dummyDenoiser: Denoiser = (x, _timestep, { timestep }) => tf.mul(x, timestep / (timestep + 1));

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each([
    [0.25, 8, [100, 0]],
    [0.5, 5, [400, 300, 200, 100, 0]],
    [1, 0, [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]],
  ])('strength %p runs from index %p: the hand-written loop, bit for bit, at timesteps %j', async (strength, startIndex, expectedTimesteps) => {
    const scheduler = new DdimScheduler({ eta: 0.5 });
    const image = tf.randomUniform([2, 3, 4], -1, 1, 'float32', 5);
    const expected = handLoop(scheduler, 10, image.shape, 7, { image, startIndex });
    const seen: number[] = [];
    const indices: number[] = [];
    const before = tf.memory().numTensors;
    const actual = await sample(scheduler, dummyDenoiser, {
      numSteps: 10,
      image,
      strength,
      seed: 7,
      onStep: ({ index, timestep }: StepInfo) => {
        indices.push(index);
        seen.push(timestep);
      },
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(seen).toEqual(expectedTimesteps);
    expect(indices).toEqual(expectedTimesteps.map((_, i) => i));
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(image.isDisposed).toBe(false);
    tf.dispose([image, actual, expected]);
  });
});

describe('what strength means', () => {
  beforeAll(() => useBackend('cpu'));

  test('with the exact glyphs denoiser, a low strength keeps a noisy digit that digit; the full strength forgets it', async () => {
    const scheduler = new DdimScheduler();
    const glyphs = glyphImages();
    const three = glyphs[3];
    // A batch of 16 copies of the digit 3, each with its own speckle.
    const image = tf.tidy(() => tf.add(tf.tile(tf.tensor4d(three, [1, 16, 16, 1]), [16, 1, 1, 1]), tf.randomNormal([16, 16, 16, 1], 0, 0.3, 'float32', 1)));
    const nearestDigits = async (strength: number) => {
      const result = await sample(scheduler, glyphsDenoiser(scheduler), { numSteps: 50, image, strength, seed: 0 });
      const values = result.dataSync();
      result.dispose();
      return Array.from({ length: 16 }, (_, item) => {
        const distances = glyphs.map((glyph) => glyph.reduce((sum, pixel, i) => sum + (pixel - values[item * 256 + i]) ** 2, 0));
        return distances.indexOf(Math.min(...distances));
      });
    };
    expect(await nearestDigits(0.3)).toEqual(Array(16).fill(3));
    const free = await nearestDigits(1);
    expect(new Set(free).size).toBeGreaterThan(3);
    image.dispose();
  });
});

describe('bad image starts throw before any tensor is made', () => {
  beforeAll(() => useBackend('cpu'));
  const scheduler = new DdimScheduler();

  test.each([
    ['strength without image', () => ({ numSteps: 10, shape: [2], strength: 0.5 }), TypeError, /strength goes with an image to start from, got strength 0.5 and no image/],
    ['image without strength', (image: tf.Tensor) => ({ numSteps: 10, image }), TypeError, /image needs a strength \(0 < strength <= 1\)/],
    ['image and initialSample', (image: tf.Tensor) => ({ numSteps: 10, image, strength: 0.5, initialSample: image }), TypeError, /from initialSample \(noise\) or from image \(with strength\), not both/],
    ['strength 0', (image: tf.Tensor) => ({ numSteps: 10, image, strength: 0 }), RangeError, /strength must be a number > 0 and <= 1, got 0/],
    ['strength 1.5', (image: tf.Tensor) => ({ numSteps: 10, image, strength: 1.5 }), RangeError, /strength must be a number > 0 and <= 1, got 1.5/],
    ['strength NaN', (image: tf.Tensor) => ({ numSteps: 10, image, strength: NaN }), RangeError, /strength must be a number > 0 and <= 1, got NaN/],
    ['a strength that runs no step', (image: tf.Tensor) => ({ numSteps: 10, image, strength: 0.05 }), RangeError, /strength 0.05 with numSteps 10 runs floor\(10 \* 0.05\) = 0 steps; use a strength >= 0.1 or more steps/],
    ['an int32 image', () => ({ numSteps: 10, image: tf.zeros([2], 'int32'), strength: 0.5 }), TypeError, /image must be a float32 tensor, got dtype int32/],
    ['a shape other than the image\'s', (image: tf.Tensor) => ({ numSteps: 10, image, strength: 0.5, shape: [3] }), RangeError, /shape \[3\] differs from the shape of image \[2\]/],
  ])('%s', async (_, options, type, message) => {
    const image = tf.ones([2]);
    const given = options(image);
    const before = tf.memory().numTensors;
    const run = sample(scheduler, dummyDenoiser, given as never);
    await expect(run).rejects.toThrow(type);
    await expect(run).rejects.toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([image, (given as { image?: tf.Tensor }).image]);
  });

  test('DDIM inversion cannot start from an image (it runs towards noise)', async () => {
    const image = tf.ones([2]);
    await expect(sample(new DdimInverseScheduler(), dummyDenoiser, { numSteps: 10, image, strength: 0.5 })).rejects.toThrow(
      /image starts an image-to-image run, which needs a sampling scheduler; a DdimInverseScheduler runs from an image towards noise/,
    );
    image.dispose();
  });
});
