// Euler and Euler ancestral steps: each step against k-diffusion's formulas written out on the
// host in float64 (every prediction type, with and without churn); the identities that must hold
// to float32 rounding (Euler without churn is DDIM with eta = 0 on the same timesteps, Karras et
// al. 2022, section 3; sigma_up^2 + sigma_down^2 = sigma_next^2); which steps draw noise.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, EulerAncestralScheduler, EulerScheduler, random, type EulerOptions, type PredictionType } from 'tfjs-diffusion-schedulers';
import { ancestralStep } from '../src/schedulers/euler_ancestral/plan';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { keysOfRun } from './helpers/run_keys';

const PREDICTION_TYPES: readonly PredictionType[] = ['noise', 'angular_velocity', 'sample'];

/** x0 in the variance-exploding view x = x0 + sigma eps, for the model output p at level sigma (churned to sigmaHat). */
function denoisedOf(predictionType: PredictionType, x: number, p: number, sigma: number, sigmaHat: number): number {
  if (predictionType === 'noise') return x - sigmaHat * p;
  if (predictionType === 'angular_velocity') return (-sigma / Math.sqrt(sigma * sigma + 1)) * p + x / (sigma * sigma + 1);
  return p;
}

/** One element's step in float64: the next sample and x0 from the sample x, model output p and noise z. */
type ElementStep = (x: number, p: number, z: number) => { next: number; denoised: number };

/**
 * Six steps from the scheduler's start noise (seeded), with seeded model outputs and noise, each
 * element's sample and x0 against `reference(i)`, step i written out in float64, to 1e-5
 * relative (of the value and of the step's input).
 */
function expectSixSteps(scheduler: EulerScheduler | EulerAncestralScheduler, shape: number[], seeds: { init: number; sample: number; prediction: number; noise: number }, reference: (i: number) => ElementStep): void {
  const { state: first, timesteps } = scheduler.init(6, shape, { seed: seeds.init });
  let state = first;
  let sample = tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seeds.sample), state.initNoiseSigma));
  for (let i = 0; i < 6; i++) {
    const prediction = tf.randomNormal(shape, 0, 1, 'float32', seeds.prediction + i);
    const noise = tf.randomNormal(shape, 0, 1, 'float32', seeds.noise + i);
    const out = scheduler.step(state, sample, prediction, { noise });
    const [x, p, z, next, x0] = [sample, prediction, noise, out.sample, out.denoised].map((tensor) => tensor.dataSync());
    const step = reference(i);
    for (let j = 0; j < x.length; j++) {
      const expected = step(x[j], p[j], z[j]);
      expect(Math.abs(next[j] - expected.next)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected.next) + Math.abs(x[j])));
      expect(Math.abs(x0[j] - expected.denoised)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected.denoised) + Math.abs(x[j])));
    }
    tf.dispose([sample, prediction, noise, out.denoised]);
    ({ state, sample } = out);
  }
  tf.dispose([sample, timesteps]);
  state.dispose();
}

/** A model of the model input and the timestep: smooth, not linear in its input. */
function model(input: tf.Tensor, timestep: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(tf.tanh(input), 0.5 + timestep / 2000), 0.1));
}

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const eulerRuns: EulerOptions[] = PREDICTION_TYPES.flatMap((predictionType) => [
    { predictionType },
    { predictionType, sChurn: 4, sTmin: 0.5, sTmax: 50, sNoise: 1.01 },
    { predictionType, sigmaSchedule: 'karras', timestepSpacing: 'trailing', sChurn: 100 },
  ]);

  test.each(eulerRuns.map((o) => [JSON.stringify(o), o] as const))('Euler: every step of a 6-step run as k-diffusion computes it, %s', (_, options) => {
    const scheduler = new EulerScheduler(options);
    const sigmas = scheduler.sigmasFor(6);
    const { sChurn, sTmin, sTmax, sNoise, predictionType } = scheduler.options;
    expectSixSteps(scheduler, [2, 8], { init: 3, sample: 5, prediction: 10, noise: 20 }, (i) => {
      const sigma = sigmas[i];
      const gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / 6, Math.SQRT2 - 1) : 0;
      const sigmaHat = sigma * (1 + gamma);
      return (x, p, z) => {
        const churned = x + (gamma > 0 ? z * sNoise * Math.sqrt(sigmaHat ** 2 - sigma ** 2) : 0);
        const denoised = denoisedOf(predictionType, churned, p, sigma, sigmaHat);
        return { next: churned + ((churned - denoised) / sigmaHat) * (sigmas[i + 1] - sigmaHat), denoised };
      };
    });
  });

  test.each(PREDICTION_TYPES)('Euler ancestral: every step of a 6-step run as k-diffusion computes it, %s', (predictionType) => {
    const scheduler = new EulerAncestralScheduler({ predictionType, timestepSpacing: 'leading' });
    const sigmas = scheduler.sigmasFor(6);
    expectSixSteps(scheduler, [3, 5], { init: 4, sample: 6, prediction: 30, noise: 40 }, (i) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      // k-diffusion's get_ancestral_step(sigma, sigmaNext), eta = 1, in float64.
      const sigmaUp = Math.min(sigmaNext, Math.sqrt((sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2));
      const sigmaDown = Math.sqrt(sigmaNext ** 2 - sigmaUp ** 2);
      return (x, p, z) => {
        const denoised = denoisedOf(predictionType, x, p, sigma, sigma);
        return { next: x + ((x - denoised) / sigma) * (sigmaDown - sigma) + z * sigmaUp, denoised };
      };
    });
  });

  // Karras et al. 2022, section 3: DDIM's update is Euler's method on the probability-flow ODE in
  // sigma, with x_euler = x_ddim * sqrt(1 + sigma^2) (x_ddim = sqrt(alpha-bar) x0 + sqrt(1 -
  // alpha-bar) eps, sigma^2 = (1 - alpha-bar) / alpha-bar). Euler's model input is x_ddim.
  test.each(
    PREDICTION_TYPES.flatMap((predictionType) =>
      (['leading', 'trailing'] as const).map((timestepSpacing) => [predictionType, timestepSpacing, { predictionType, timestepSpacing, betaSchedule: 'quadratic' as const, betaStart: 0.00085, betaEnd: 0.012 }] as const),
    ),
  )('Euler without churn is DDIM with eta 0 on the same timesteps: %s, %s', (_, __, options) => {
    const euler = new EulerScheduler(options);
    const ddim = new DdimScheduler({ ...options, eta: 0, clipDenoisedSample: false, alphaClipStrategy: 'one', previousTimestep: 'schedule' });
    const shape = [2, 3, 4];
    const numSteps = 12;
    const sigmas = euler.sigmasFor(numSteps);
    const eulerRun = euler.init(numSteps, shape);
    const ddimRun = ddim.init(numSteps, shape);
    expect(Array.from(eulerRun.timesteps.dataSync())).toEqual(Array.from(ddimRun.timesteps.dataSync()));
    let [eulerState, ddimState] = [eulerRun.state, ddimRun.state];
    let ddimSample = tf.randomNormal(shape, 0, 1, 'float32', 7);
    let eulerSample = tf.mul(ddimSample, Math.sqrt(1 + sigmas[0] ** 2));
    let worst = 0;
    for (let i = 0; i < numSteps; i++) {
      const t = eulerState.timestep!;
      const eulerInput = euler.scaleModelInput(eulerState, eulerSample);
      const [eulerOutput, ddimOutput] = [model(eulerInput, t), model(ddimSample, t)];
      const eulerOut = euler.step(eulerState, eulerSample, eulerOutput);
      const ddimOut = ddim.step(ddimState, ddimSample, ddimOutput);
      const rescaled = tf.div(eulerOut.sample, Math.sqrt(1 + sigmas[i + 1] ** 2));
      const [a, b, x0a, x0b] = [rescaled, ddimOut.sample, eulerOut.denoised, ddimOut.denoised].map((tensor) => tensor.dataSync());
      const scale = Math.max(...Array.from(b, Math.abs), ...Array.from(x0b, Math.abs));
      b.forEach((value, j) => (worst = Math.max(worst, Math.abs(a[j] - value) / scale, Math.abs(x0a[j] - x0b[j]) / scale)));
      tf.dispose([eulerSample, ddimSample, eulerInput, eulerOutput, ddimOutput, rescaled, eulerOut.denoised, ddimOut.denoised]);
      ({ state: eulerState, sample: eulerSample } = eulerOut);
      ({ state: ddimState, sample: ddimSample } = ddimOut);
    }
    // Measured: at most 4.9e-7 of the step's largest value (a few float32 roundings).
    expect(worst).toBeLessThan(2e-6);
    tf.dispose([eulerSample, ddimSample, eulerRun.timesteps, ddimRun.timesteps]);
    eulerState.dispose();
    ddimState.dispose();
  });
});

describe('Euler ancestral: sigma_up and sigma_down (k-diffusion get_ancestral_step)', () => {
  test.each([
    ['linspace', {}],
    ['zero SNR, trailing', { rescaleBetasZeroSnr: true, timestepSpacing: 'trailing' as const }],
    ['SD-Turbo, 4 steps', { numTrainSteps: 1000, betaSchedule: 'quadratic' as const, betaStart: 0.00085, betaEnd: 0.012, timestepSpacing: 'trailing' as const }],
  ])('sigma_up^2 + sigma_down^2 = sigma_next^2 to float32 rounding, on every step of %s', (_, options) => {
    for (const numSteps of [1, 4, 10, 50]) {
      const sigmas = new EulerAncestralScheduler(options).sigmasFor(numSteps);
      for (let i = 0; i < numSteps; i++) {
        const { sigmaUp, sigmaDown } = ancestralStep(sigmas[i], sigmas[i + 1]);
        const next = sigmas[i + 1];
        expect(Math.abs(sigmaUp ** 2 + sigmaDown ** 2 - next ** 2)).toBeLessThanOrEqual(4 * 2 ** -24 * next ** 2);
        expect(sigmaUp).toBeLessThanOrEqual(next);
        expect(sigmaDown).toBeLessThanOrEqual(next);
      }
      // The last step lands on 0: no fresh noise, and the deterministic move goes all the way.
      expect(ancestralStep(sigmas[numSteps - 1], 0)).toEqual({ sigmaUp: 0, sigmaDown: 0 });
    }
  });

  test('a step to the same level adds no noise', () => {
    expect(ancestralStep(3, 3)).toEqual({ sigmaUp: 0, sigmaDown: 3 });
  });
});

describe('which steps draw noise', () => {
  beforeAll(() => useBackend('cpu'));

  const changes = (keys: number[][]) => keys.slice(1).map((key, i) => key.join() !== keys[i].join());

  test('Euler draws only where it churns (gamma > 0: sChurn > 0 and sTmin <= sigma <= sTmax), as diffusers calls randn_tensor', () => {
    expect(changes(keysOfRun(new EulerScheduler(), 5, 1))).toEqual([false, false, false, false, false]);
    const bounded = new EulerScheduler({ sChurn: 1, sTmin: 0.5, sTmax: 10 });
    const churns = Array.from(bounded.sigmasFor(5).subarray(0, 5), (sigma) => sigma >= 0.5 && sigma <= 10);
    expect(churns).toContain(true);
    expect(churns).toContain(false);
    expect(changes(keysOfRun(bounded, 5, 1))).toEqual(churns);
    // s_noise 0 still draws (diffusers draws, then scales by 0).
    expect(changes(keysOfRun(new EulerScheduler({ sChurn: 1, sNoise: 0 }), 3, 1))).toEqual([true, true, true]);
  });

  test('Euler ancestral draws on every step, the last one too', () => {
    expect(changes(keysOfRun(new EulerAncestralScheduler(), 4, 1))).toEqual([true, true, true, true]);
  });

  test("with torch's generator, the steps continue its stream in diffusers' order", () => {
    const scheduler = new EulerScheduler({ sChurn: 1, sTmin: 0.5, sTmax: 10 });
    const shape = [2, 3];
    const churns = Array.from(scheduler.sigmasFor(4).subarray(0, 4), (sigma) => sigma >= 0.5 && sigma <= 10);
    const run = (noiseOf: (i: number) => { generator?: ReturnType<typeof random.torchGenerator>; noise?: tf.Tensor }) => {
      const { state: first, timesteps } = scheduler.init(4, shape, noiseOf(-1).generator ? { generator: noiseOf(-1).generator } : { seed: 0 });
      let state = first;
      let x = tf.ones(shape);
      for (let i = 0; i < 4; i++) {
        const noise = noiseOf(i).noise;
        const out = scheduler.step(state, x, x, noise ? { noise } : {});
        tf.dispose([x, out.denoised, noise]);
        ({ state, sample: x } = out);
      }
      const values = Array.from(x.dataSync());
      tf.dispose([x, timesteps]);
      state.dispose();
      return values;
    };
    const generator = random.torchGenerator(5);
    const replay = random.torchGenerator(5);
    const drawn = run(() => ({ generator }));
    const injected = run((i) => ({ noise: i >= 0 && churns[i] ? replay.randn(shape) : undefined }));
    expect(drawn).toEqual(injected);
    // The run took exactly the churn steps' draws from the stream.
    expect(Array.from(generator.randnValues(4))).toEqual(Array.from(replay.randnValues(4)));
  });
});
