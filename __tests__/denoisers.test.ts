// The exact denoisers with DDIM: the ring's noise prediction against central finite differences
// of the log-density (host, float64), the glyphs' posterior mean against a host computation,
// and DDIM runs that land on the data (any forward process: denoisers_levels.test.ts; flow
// matching runs: flow_match_sampling.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import {
  DdimScheduler,
  FlowMatchEulerScheduler,
  GLYPH_SIZE,
  glyphImages,
  glyphsDenoiser,
  ringDenoiser,
  sample,
  type Denoiser,
} from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { expectOnGlyphs, expectRingQuality } from './helpers/quality_bars';
import { ringTweedie } from './helpers/ring_tweedie';

async function callDenoiser(denoiser: Denoiser, x: tf.Tensor, timestep: number): Promise<Float32Array> {
  const timestepTensor = tf.scalar(timestep, 'int32');
  const before = tf.memory().numTensors;
  const prediction = await denoiser(x, timestepTensor, { index: 0, timestep });
  expect(tf.memory().numTensors).toBe(before + 1); // the prediction, nothing else
  const values = prediction.dataSync() as Float32Array;
  tf.dispose([prediction, timestepTensor]);
  return values;
}

// On a mode, between two modes, at the centre, outside, far away, on the mode of a later timestep.
const points = [[2, 0], [1.41, 1.42], [0, 0], [1.2, -0.3], [-3.5, 2.5], [0.1, 1.9], [-0.02, -2.05]];
const timesteps = [0, 3, 20, 100, 400, 999];

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each(timesteps)('ring: the noise prediction is -sqrt(1 - a) grad log p_t, at t = %p', async (timestep) => {
    const scheduler = new DdimScheduler({ clipDenoisedSample: false });
    const alphaBar = scheduler.alphaBars[timestep];
    const x = tf.tensor2d(points);
    const actual = await callDenoiser(ringDenoiser(scheduler), x, timestep);
    points.forEach(([px, py], i) => {
      const expected = ringTweedie(px, py, Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar)).noise;
      for (const axis of [0, 1]) {
        // float32 logits reach -1e3 near t = 0; their rounding moves eps by ~1e-4 relative.
        expect(Math.abs(actual[2 * i + axis] - expected[axis])).toBeLessThanOrEqual(1e-4 + 2e-4 * Math.abs(expected[axis]));
      }
    });
    x.dispose();
  });

  test('ring: v and x0 predictions are the same answer in other units', async () => {
    const noiseScheduler = new DdimScheduler({ clipDenoisedSample: false });
    const velocityScheduler = new DdimScheduler({ clipDenoisedSample: false, predictionType: 'angular_velocity' });
    const alphaBar = noiseScheduler.alphaBars[400];
    const x = tf.tensor2d(points);
    const noise = await callDenoiser(ringDenoiser(noiseScheduler), x, 400);
    const velocity = await callDenoiser(ringDenoiser(velocityScheduler), x, 400);
    const input = x.dataSync();
    velocity.forEach((v, i) => {
      const denoised = (input[i] - Math.sqrt(1 - alphaBar) * noise[i]) / Math.sqrt(alphaBar);
      expect(v).toBeCloseTo(Math.sqrt(alphaBar) * noise[i] - Math.sqrt(1 - alphaBar) * denoised, 5);
    });
    x.dispose();
  });

  test.each(['angular_velocity', 'sample'] as const)('ring and glyphs: DDIM with predictionType %s ends where it ends with noise', async (predictionType) => {
    const runs: Float32Array[][] = [];
    for (const type of ['noise', predictionType] as const) {
      const ringScheduler = new DdimScheduler({ clipDenoisedSample: false, predictionType: type });
      const glyphScheduler = new DdimScheduler({ predictionType: type });
      const ring = await sample(ringScheduler, ringDenoiser(ringScheduler), { numSteps: 20, shape: [64, 2], seed: 3 });
      const glyphs = await sample(glyphScheduler, glyphsDenoiser(glyphScheduler), { numSteps: 20, shape: [4, GLYPH_SIZE, GLYPH_SIZE, 1], seed: 3 });
      runs.push([(await ring.data()) as Float32Array, (await glyphs.data()) as Float32Array]);
      tf.dispose([ring, glyphs]);
    }
    for (const which of [0, 1]) {
      runs[1][which].forEach((value, i) => expect(Math.abs(value - runs[0][which][i])).toBeLessThan(1e-3));
    }
  });

  test('glyphs: the x0 prediction is the posterior mean over the glyphs', async () => {
    const scheduler = new DdimScheduler();
    const images = glyphImages();
    const timestep = 300;
    const alphaBar = scheduler.alphaBars[timestep];
    // Two noisy glyphs (a 3 and a mix of 0 and 8) and pure noise.
    const noise = Array.from({ length: 3 * 256 }, (_, i) => Math.sin(i * 12.9898) * 0.8);
    const inputs = [images[3], images[0].map((v, p) => (v + images[8][p]) / 2), new Float32Array(256)].flatMap((image, b) =>
      Array.from(image, (v, p) => Math.sqrt(alphaBar) * v + Math.sqrt(1 - alphaBar) * noise[b * 256 + p]),
    );
    const x = tf.tensor4d(inputs, [3, GLYPH_SIZE, GLYPH_SIZE, 1]);
    const prediction = await callDenoiser(glyphsDenoiser(scheduler), x, timestep);
    for (let b = 0; b < 3; b++) {
      const input = inputs.slice(b * 256, (b + 1) * 256);
      const logits = images.map((image) => -image.reduce((sum, v, p) => sum + (input[p] - Math.sqrt(alphaBar) * v) ** 2, 0) / (2 * (1 - alphaBar)));
      const top = Math.max(...logits);
      const weights = logits.map((logit) => Math.exp(logit - top));
      const total = weights.reduce((sum, w) => sum + w, 0);
      for (let p = 0; p < 256; p++) {
        const denoised = images.reduce((sum, image, j) => sum + (weights[j] / total) * image[p], 0);
        const expected = (input[p] - Math.sqrt(alphaBar) * denoised) / Math.sqrt(1 - alphaBar);
        expect(Math.abs(prediction[b * 256 + p] - expected)).toBeLessThan(1e-3);
      }
    }
    x.dispose();
  });

  test('ring, 50 DDIM steps, 4000 samples: >= 98% within 0.2 of a mean, each mean 0.75 to 1.25 of its fair share', async () => {
    const scheduler = new DdimScheduler({ clipDenoisedSample: false });
    const before = tf.memory().numTensors;
    const result = await sample(scheduler, ringDenoiser(scheduler), { numSteps: 50, shape: [4000, 2], seed: 0 });
    const values = await result.data();
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectRingQuality(values, 0.98, [0.75, 1.25]);
  });

  test.each([0, 1])('glyphs, 50 DDIM steps (eta %p): every sample ends on a glyph, crisp', async (eta) => {
    const scheduler = new DdimScheduler({ eta });
    const result = await sample(scheduler, glyphsDenoiser(scheduler), { numSteps: 50, shape: [40, GLYPH_SIZE, GLYPH_SIZE, 1], seed: 1 });
    const values = await result.data();
    result.dispose();
    expectOnGlyphs(values);
  });
});

describe('bad use', () => {
  const scheduler = new DdimScheduler();
  let timestep: tf.Scalar;
  beforeAll(async () => {
    await useBackend('cpu');
    timestep = tf.scalar(0, 'int32');
  });

  test('samples of the wrong shape, a missing host timestep', () => {
    const x = tf.zeros([4, 3]);
    expect(() => ringDenoiser(scheduler)(x, timestep, { index: 0, timestep: 0 })).toThrow(/ringDenoiser needs samples of shape \[\.\.\., 2\], got \[4,3\]/);
    expect(() => glyphsDenoiser(scheduler)(x, timestep, { index: 0, timestep: 0 })).toThrow(/glyphsDenoiser needs samples of shape \[batch, 16, 16, 1\], got \[4,3\]/);
    const y = tf.zeros([4, 2]);
    expect(() => ringDenoiser(scheduler)(y, timestep, undefined as never)).toThrow(/ringDenoiser needs info.alpha and info.sigma \(sample\(\) gives them\) or info.timestep, an integer in \[0, 999\], got undefined/);
    expect(() => ringDenoiser(scheduler)(y, timestep, { index: 0, timestep: 1000 })).toThrow(/got 1000/);
    tf.dispose([x, y]);
  });

  test('a noise level it cannot use: one of alpha and sigma, sigma 0, negative or not finite; none, for a scheduler without alpha-bars', () => {
    const y = tf.zeros([4, 2]);
    const ring = ringDenoiser(scheduler);
    const cases: Array<[object, ErrorConstructor, RegExp]> = [
      [{ alpha: 0.5 }, TypeError, /ringDenoiser needs info.sigma, a finite number > 0 \(with info.alpha\), got undefined/],
      [{ sigma: 0.5 }, TypeError, /ringDenoiser needs info.alpha, a finite number >= 0 \(with info.sigma\), got undefined/],
      [{ alpha: 1, sigma: 0 }, RangeError, /info.sigma, a finite number > 0 \(with info.alpha\), got 0/],
      [{ alpha: -0.1, sigma: 1 }, RangeError, /info.alpha, a finite number >= 0 \(with info.sigma\), got -0.1/],
      [{ alpha: 0.5, sigma: Infinity }, RangeError, /got Infinity/],
      [{ alpha: NaN, sigma: 1 }, RangeError, /got NaN/],
      [{ alpha: '0.5', sigma: 1 }, TypeError, /got "0.5"/],
    ];
    for (const [level, type, message] of cases) {
      const before = tf.memory().numTensors;
      expect(() => ring(y, timestep, { index: 0, timestep: 0, ...level })).toThrow(type);
      expect(() => ring(y, timestep, { index: 0, timestep: 0, ...level })).toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
    }
    const flow = glyphsDenoiser(new FlowMatchEulerScheduler());
    const x = tf.zeros([1, 16, 16, 1]);
    expect(() => flow(x, timestep, { index: 0, timestep: 500 })).toThrow(
      /glyphsDenoiser needs the noise level of its input: info.alpha and info.sigma \(sample\(\) gives them; a loop of your own passes state.noiseLevel\), got neither, and its scheduler has no alphaBars/,
    );
    tf.dispose([x, y]);
  });

  test('a scheduler it cannot read, a prediction type it does not know', () => {
    expect(() => ringDenoiser({} as never)).toThrow(/ringDenoiser needs a scheduler with options \(e.g. a DdimScheduler or a FlowMatchEulerScheduler\), got an object/);
    const strange = { alphaBars: new Float32Array(10), options: { predictionType: 'epsilon' } };
    expect(() => glyphsDenoiser(strange)).toThrow(/glyphsDenoiser answers predictionType 'noise', 'angular_velocity', 'sample' or 'flow', got "epsilon"/);
    expect(() => glyphsDenoiser({ alphaBars: [0.5], options: { predictionType: 'noise' } } as never)).toThrow(/glyphsDenoiser needs scheduler.alphaBars to be a Float32Array when there is one, got \[0.5\]/);
  });

  afterAll(() => timestep.dispose());
});
