// Zero terminal SNR (rescaleBetasZeroSnr): where diffusers' float32 step divides by
// alpha-bar = 0 or takes the square root of a negative number, ours stays finite, over
// 1000-step runs of every prediction type with eta = 1.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { ddimStepCoefficients } from '../src/schedulers/ddim/coefficients';
import { nonFiniteWeights } from './helpers/plan_weights';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { GAUSSIAN_MEAN, GAUSSIAN_STD, gaussianDenoiser } from './helpers/gaussian_denoiser';
import { dummySampleDeter, runDummyLoop, runLoop } from './helpers/harness';

const stableDiffusion: DdimOptions = { betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012, alphaClipStrategy: 'alpha_zero', rescaleBetasZeroSnr: true, timestepSpacing: 'trailing' };
const f = Math.fround;

describe("where diffusers' float32 step is not finite", () => {
  beforeAll(() => useBackend('cpu'));
  const scheduler = new DdimScheduler({ ...stableDiffusion, eta: 1 });
  const alphaBars = scheduler.alphaBars;

  test('the last training alpha-bar is exactly 0', () => {
    expect(alphaBars[999]).toBe(0);
  });

  test('noise prediction at t = 999: diffusers divides by sqrt(0); our x0 coefficients are finite', () => {
    const diffusersDenominator = f(Math.sqrt(alphaBars[999]));
    expect(1 / diffusersDenominator).toBe(Infinity);
    const c = ddimStepCoefficients(scheduler.options, alphaBars, 999, 959);
    expect(c.denoisedFromSample).toBe(4096); // 1 / sqrt(2^-24)
    expect(Number.isFinite(c.denoisedFromPrediction)).toBe(true);
  });

  test('eta = 1, 25 trailing steps, t = 999: 1 - a_prev - sigma^2 is negative in float32; our direction weight is 0', () => {
    const prev = 999 - Math.floor(1000 / 25);
    const [a, aPrev] = [alphaBars[999], alphaBars[prev]];
    // diffusers' arithmetic, each torch float32 operation rounded
    const variance = f(f(f(1 - aPrev) / f(1 - a)) * f(1 - f(a / aPrev)));
    const std = f(Math.sqrt(variance));
    expect(f(f(1 - aPrev) - f(std * std))).toBeLessThan(0); // so ** 0.5 is NaN
    const c = ddimStepCoefficients(scheduler.options, alphaBars, 999, prev);
    expect(c.prevFromNoise).toBe(0);
    expect(c.sigma).toBeCloseTo(Math.sqrt(1 - aPrev), 12);
  });

  test('every coefficient of every step is finite, for every prediction type, eta and step count', () => {
    for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const)
      for (const eta of [0, 1, 1.5])
        for (const numSteps of [1, 2, 25, 61, 1000]) {
          const options = new DdimScheduler({ ...stableDiffusion, predictionType, eta }).options;
          const { state, timesteps } = new DdimScheduler(options).init(numSteps, [1]);
          expect(nonFiniteWeights(state)).toEqual([]);
          timesteps.dispose();
          state.dispose();
        }
  });
});

describe.each(NODE_BACKENDS)('1000-step runs on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const runs = (['noise', 'angular_velocity', 'sample'] as const).flatMap((predictionType) => [true, false].map((clipDenoisedSample) => ({ ...stableDiffusion, predictionType, clipDenoisedSample, eta: 1 })));

  test.each(runs.map((o) => [JSON.stringify(o), o] as const))("diffusers' dummy model stays finite with %s", (_, options) => {
    const initial = dummySampleDeter();
    const result = runDummyLoop(new DdimScheduler(options), 1000, initial);
    expect(tf.tidy(() => tf.all(tf.isFinite(result)).dataSync()[0])).toBe(1);
    tf.dispose([initial, result]);
  });

  const exactRuns = runs.filter((o) => !o.clipDenoisedSample);
  test.each(exactRuns.map((o) => [JSON.stringify(o), o] as const))('an exact denoiser samples its Gaussian with %s', (_, options) => {
    const before = tf.memory().numTensors;
    const scheduler = new DdimScheduler(options);
    const start = tf.randomNormal([4, 256], 0, 1, 'float32', 7);
    const result = runLoop(scheduler, 1000, start, gaussianDenoiser(scheduler.alphaBars, options.predictionType));
    const [mean, std] = tf.tidy(() => {
      const moments = tf.moments(result);
      return [moments.mean.dataSync()[0], Math.sqrt(moments.variance.dataSync()[0])];
    });
    // 1024 draws: standard errors 0.016 (mean) and 0.011 (std)
    expect(Math.abs(mean - GAUSSIAN_MEAN)).toBeLessThan(0.07);
    expect(Math.abs(std - GAUSSIAN_STD)).toBeLessThan(0.05);
    tf.dispose([start, result]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
