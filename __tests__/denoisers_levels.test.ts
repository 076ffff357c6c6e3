// The exact denoisers on any forward process x_t = alpha x0 + sigma eps (rectified flow,
// variance-exploding, DDPM) and for every prediction type: the ring's E[eps | x_t] and
// E[x0 | x_t] against Tweedie's formula with a finite-difference score (host, float64) and
// against the orthogonality of a conditional mean (Monte Carlo); the glyphs' against a host
// posterior; the level from info winning over the scheduler's alpha-bars.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, GLYPH_SIZE, RING_STD, glyphImages, glyphsDenoiser, ringDenoiser, ringMeans, type Denoiser, type DenoiserInfo } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { ringTweedie } from './helpers/ring_tweedie';

type PredictionType = 'noise' | 'angular_velocity' | 'sample' | 'flow';
const PREDICTION_TYPES: readonly PredictionType[] = ['noise', 'angular_velocity', 'sample', 'flow'];

/** A scheduler as far as an exact denoiser reads it: a prediction type, no alpha-bars. */
const predicting = (predictionType: PredictionType) => ({ options: { predictionType } });

/** The prediction of each type from x0 and eps at (alpha, sigma) (src/denoisers/prediction.ts's definitions). */
function predictionFrom(type: PredictionType, alpha: number, sigma: number, denoised: number, noise: number): number {
  if (type === 'noise') return noise;
  if (type === 'sample') return denoised;
  if (type === 'flow') return noise - denoised;
  return (alpha * noise - sigma * denoised) / Math.hypot(alpha, sigma);
}

async function predict(denoiser: Denoiser, x: tf.Tensor, info: DenoiserInfo): Promise<Float32Array> {
  const timestep = tf.scalar(info.timestep, 'float32');
  const before = tf.memory().numTensors;
  const prediction = await denoiser(x, timestep, info);
  expect(tf.memory().numTensors).toBe(before + 1); // the prediction, nothing else
  const values = (await prediction.data()) as Float32Array;
  tf.dispose([prediction, timestep]);
  return values;
}

// Rectified-flow levels (alpha = 1 - s) from pure noise to the last sigma of SD3's schedule, a
// variance-exploding level (Euler's unscaled sample) and a DDPM one.
const LEVELS: ReadonlyArray<readonly [string, number, number]> = [
  ['flow s = 1', 0, 1],
  ['flow s = 0.999', 0.001, 0.999],
  ['flow s = 0.9', 0.1, 0.9],
  ['flow s = 0.5', 0.5, 0.5],
  ['flow s = 0.2', 0.8, 0.2],
  ['flow s = 0.05', 0.95, 0.05],
  ['flow s = 0.0089', 1 - 0.0089, 0.0089],
  ['variance exploding sigma = 4', 1, 4],
  ['DDPM alpha-bar = 0.3', Math.sqrt(0.3), Math.sqrt(0.7)],
];
const POINTS = [[2, 0], [1.41, 1.42], [0, 0], [1.2, -0.3], [-3.5, 2.5], [0.1, 1.9], [-0.02, -2.05], [0.95, 0.05]];

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  describe.each(LEVELS)('at %s (alpha %p, sigma %p)', (_, alpha, sigma) => {
    test.each(PREDICTION_TYPES)('ring, %s: Tweedie with a finite-difference score', async (type) => {
      const x = tf.tensor2d(POINTS);
      const actual = await predict(ringDenoiser(predicting(type)), x, { index: 0, timestep: 0, alpha, sigma });
      POINTS.forEach(([px, py], i) => {
        const { noise, denoised } = ringTweedie(px, py, alpha, sigma);
        for (const axis of [0, 1]) {
          const expected = predictionFrom(type, alpha, sigma, denoised[axis], noise[axis]);
          // float32 logits reach -1e4 at small sigma; their rounding moves the weights by ~1e-4 relative.
          expect({ point: i, axis, error: Math.abs(actual[2 * i + axis] - expected) <= 1e-4 + 2e-4 * Math.abs(expected) }).toEqual({ point: i, axis, error: true });
        }
      });
      x.dispose();
    });

    test.each(PREDICTION_TYPES)('glyphs, %s: the posterior over the glyphs on the host', async (type) => {
      const images = glyphImages();
      const noiseValues = Array.from({ length: 3 * 256 }, (_, i) => Math.sin(i * 12.9898) * 0.8);
      const cleans = [images[3], images[0].map((v, p) => (v + images[8][p]) / 2), new Float32Array(256)];
      const inputs = cleans.flatMap((image, b) => Array.from(image, (v, p) => Math.fround(alpha * v + sigma * noiseValues[b * 256 + p])));
      const x = tf.tensor4d(inputs, [3, GLYPH_SIZE, GLYPH_SIZE, 1]);
      const actual = await predict(glyphsDenoiser(predicting(type)), x, { index: 0, timestep: 0, alpha, sigma });
      for (let b = 0; b < 3; b++) {
        const input = inputs.slice(b * 256, (b + 1) * 256);
        const logits = images.map((image) => -image.reduce((sum, v, p) => sum + (input[p] - alpha * v) ** 2, 0) / (2 * sigma * sigma));
        const top = Math.max(...logits);
        const weights = logits.map((logit) => Math.exp(logit - top));
        const total = weights.reduce((sum, w) => sum + w, 0);
        const misses: string[] = [];
        for (let p = 0; p < 256; p++) {
          const denoised = images.reduce((sum, image, j) => sum + (weights[j] / total) * image[p], 0);
          const noise = (input[p] - alpha * denoised) / sigma;
          const expected = predictionFrom(type, alpha, sigma, denoised, noise);
          if (!(Math.abs(actual[b * 256 + p] - expected) <= 1e-3 * (1 + Math.abs(expected)))) misses.push(`item ${b} pixel ${p}: ${actual[b * 256 + p]} vs ${expected}`);
        }
        expect(misses.slice(0, 5)).toEqual([]);
      }
      x.dispose();
    });
  });

  test('ring, Monte Carlo at flow sigma 0.6: the x0 prediction is the conditional mean (residuals orthogonal to x_t), and a wrong level is not', async () => {
    const alpha = 0.4;
    const sigma = 0.6;
    const count = 20000;
    // x0 from the ring (mode k = i mod 8, then its Gaussian), eps standard normal; normals from tfjs' seeded generator.
    const [modeNoise, eps] = [tf.randomNormal([count, 2], 0, 1, 'float32', 11), tf.randomNormal([count, 2], 0, 1, 'float32', 12)];
    const means = ringMeans();
    const clean = tf.tidy(() => tf.add(tf.tensor2d(Array.from({ length: count }, (_, i) => means[i % 8])), tf.mul(modeNoise, RING_STD)));
    const noisy = tf.tidy(() => tf.add(tf.mul(clean, alpha), tf.mul(eps, sigma)));
    const [x0, xt] = [(await clean.data()) as Float32Array, (await noisy.data()) as Float32Array];
    /** Means of (x0 - D) and of (x0 - D) * x_t, per axis, over the draws, in units of their standard errors. */
    const orthogonality = async (level: { alpha: number; sigma: number }) => {
      const denoised = await predict(ringDenoiser(predicting('sample')), noisy, { index: 0, timestep: 0, ...level });
      const zScores: number[] = [];
      for (const weightOf of [() => 1, (i: number, axis: number) => xt[2 * i + axis]]) {
        for (const axis of [0, 1]) {
          const terms = Array.from({ length: count }, (_, i) => (x0[2 * i + axis] - denoised[2 * i + axis]) * weightOf(i, axis));
          const mean = terms.reduce((sum, t) => sum + t, 0) / count;
          const variance = terms.reduce((sum, t) => sum + (t - mean) ** 2, 0) / (count - 1);
          zScores.push(mean / Math.sqrt(variance / count));
        }
      }
      return zScores;
    };
    const right = await orthogonality({ alpha, sigma });
    // The same x_t read as a DDPM level of the same signal-to-noise ratio (alpha^2 + sigma^2 = 1): a wrong scale.
    const norm = Math.hypot(alpha, sigma);
    const wrong = await orthogonality({ alpha: alpha / norm, sigma: sigma / norm });
    console.log(`ring Monte Carlo (${count} draws): z-scores ${right.map((z) => z.toFixed(2)).join(', ')}; wrong level: ${wrong.map((z) => z.toFixed(1)).join(', ')}`);
    right.forEach((z) => expect(Math.abs(z)).toBeLessThan(4));
    expect(Math.max(...wrong.map(Math.abs))).toBeGreaterThan(20);
    tf.dispose([modeNoise, eps, clean, noisy]);
  });

  test('info.alpha and info.sigma win over the alpha-bars at info.timestep', async () => {
    const scheduler = new DdimScheduler({ clipDenoisedSample: false });
    const x = tf.tensor2d(POINTS);
    const alphaBar = scheduler.alphaBars[400];
    const byTimestep = await predict(ringDenoiser(scheduler), x, { index: 0, timestep: 400 });
    const byLevel = await predict(ringDenoiser(scheduler), x, { index: 0, timestep: 7, alpha: Math.sqrt(alphaBar), sigma: Math.sqrt(1 - alphaBar) });
    const elsewhere = await predict(ringDenoiser(scheduler), x, { index: 0, timestep: 400, alpha: 0.5, sigma: 0.5 });
    expect(Array.from(byLevel)).toEqual(Array.from(byTimestep));
    expect(Math.max(...Array.from(elsewhere, (v, i) => Math.abs(v - byTimestep[i])))).toBeGreaterThan(0.1);
    x.dispose();
  });
});
