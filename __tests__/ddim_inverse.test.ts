// DdimInverseScheduler: diffusers' DDIMInverseScheduler.step transcribed on the host, the
// order of its timesteps, and the round trip image -> noise -> image with an exact denoiser.
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler, type DdimOptions, type ResolvedDdimOptions } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { gaussianData, gaussianDenoiser } from './helpers/gaussian_denoiser';
import { runLoop } from './helpers/harness';

/** diffusers' DDIMInverseScheduler.step, element by element, moving from level `from` (negative: the initial alpha-bar) to t. */
function diffusersInverseStep(options: ResolvedDdimOptions, alphaBars: Float32Array, from: number, t: number, x: number, p: number) {
  const a = from >= 0 ? alphaBars[from] : options.alphaClipStrategy === 'one' ? 1 : alphaBars[0];
  const aNext = alphaBars[t];
  const b = 1 - a;
  let x0: number;
  let eps: number;
  if (options.predictionType === 'noise') [x0, eps] = [(x - Math.sqrt(b) * p) / Math.sqrt(a), p];
  else if (options.predictionType === 'sample') [x0, eps] = [p, (x - Math.sqrt(a) * p) / Math.sqrt(b)];
  else [x0, eps] = [Math.sqrt(a) * x - Math.sqrt(b) * p, Math.sqrt(a) * p + Math.sqrt(b) * x];
  if (options.clipDenoisedSample) x0 = Math.min(Math.max(x0, -options.clipSampleRange), options.clipSampleRange);
  return { next: Math.sqrt(aNext) * x0 + Math.sqrt(1 - aNext) * eps, x0 };
}

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const combinations: DdimOptions[] = [];
  for (const timestepSpacing of ['leading', 'trailing'] as const)
    for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const)
      for (const alphaClipStrategy of ['one', 'alpha_zero'] as const)
        combinations.push({ timestepSpacing, predictionType, alphaClipStrategy, clipSampleRange: predictionType === 'sample' ? 2 : 1, timestepsOffset: timestepSpacing === 'leading' ? 1 : 0 });

  test.each(combinations.map((o) => [JSON.stringify(o), o] as const))("every step of a 7-step inversion is diffusers' with fixed_stride and %s", (_, options) => {
    const scheduler = new DdimInverseScheduler({ ...options, previousTimestep: 'fixed_stride' });
    const shape = [2, 8];
    const { state: first, timesteps } = scheduler.init(7, shape);
    const gap = Math.floor(1000 / 7);
    let state = first;
    let sample = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 5), 0.8);
    for (const t of timesteps.dataSync() as Int32Array) {
      const prediction = tf.randomNormal(shape, 0, 1, 'float32', 50 + t);
      const out = scheduler.step(state, sample, prediction);
      const [x, p, next, x0] = [sample, prediction, out.sample, out.denoised].map((tensor) => tensor.dataSync());
      for (let i = 0; i < x.length; i++) {
        const expected = diffusersInverseStep(scheduler.options, scheduler.alphaBars, t - gap, t, x[i], p[i]);
        // diffusers divides by sqrt(1 - 1) = 0 for a 'sample' prediction at the initial alpha-bar 1; we do not
        if (!Number.isFinite(expected.next)) {
          expect(Number.isFinite(next[i])).toBe(true);
          continue;
        }
        expect(Math.abs(next[i] - expected.next)).toBeLessThanOrEqual(5e-6 * (1 + Math.abs(expected.next)));
        expect(Math.abs(x0[i] - expected.x0)).toBeLessThanOrEqual(5e-6 * (1 + Math.abs(expected.x0)));
      }
      tf.dispose([sample, prediction, out.denoised]);
      ({ state, sample } = out);
    }
    tf.dispose([sample, timesteps]);
    state.dispose();
  });

  test("with 'schedule' each inversion step starts where the previous one ended (trailing, 3 steps: 332 -> 666, not 333 -> 666)", () => {
    const scheduler = new DdimInverseScheduler({ timestepSpacing: 'trailing' });
    const { state, timesteps } = scheduler.init(3, [4]);
    expect(Array.from(timesteps.dataSync())).toEqual([332, 666, 999]);
    const alphaBars = scheduler.alphaBars;
    let current = state;
    let x: tf.Tensor = tf.tensor1d([0.1, -0.4, 0.7, 1.3]);
    for (const [from, t] of [[-1, 332], [332, 666], [666, 999]]) {
      const p = tf.tensor1d([0.5, -0.2, 0.3, -1]);
      const out = scheduler.step(current, x, p);
      const [xs, ps, next] = [x, p, out.sample].map((tensor) => tensor.dataSync());
      xs.forEach((xi, i) => expect(Math.abs(next[i] - diffusersInverseStep(scheduler.options, alphaBars, from, t, xi, ps[i]).next)).toBeLessThan(1e-5));
      tf.dispose([x, p, out.denoised]);
      ({ state: current, sample: x } = out);
    }
    tf.dispose([x, timesteps]);
    state.dispose();
  });

  test.each(['leading', 'trailing', 'linspace'] as const)("%s timesteps ascend: DdimScheduler's, reversed", (timestepSpacing) => {
    for (const numSteps of [1, 7, 61, 250]) {
      const forward = new DdimScheduler({ timestepSpacing }).init(numSteps, [1]);
      const inverse = new DdimInverseScheduler({ timestepSpacing }).init(numSteps, [1]);
      expect(Array.from(inverse.timesteps.dataSync())).toEqual(Array.from(forward.timesteps.dataSync()).reverse());
      tf.dispose([forward.timesteps, inverse.timesteps]);
      forward.state.dispose();
      inverse.state.dispose();
    }
  });

  test.each(['noise', 'angular_velocity', 'sample'] as const)('inverting then sampling with the same exact denoiser (%s) comes back to the image, error ~ 1/numSteps', (predictionType) => {
    const before = tf.memory().numTensors;
    const images = gaussianData([4, 64], 3);
    // 'sample' from alpha-bar 1 has no eps to derive (see ZERO_DIVISOR_FLOOR): start it from alpha-bar_0
    const options: DdimOptions = { predictionType, clipDenoisedSample: false, alphaClipStrategy: predictionType === 'sample' ? 'alpha_zero' : 'one' };
    const model = gaussianDenoiser(new DdimScheduler(options).alphaBars, predictionType);
    const errors: number[] = [];
    for (const numSteps of [50, 200]) {
      const latents = runLoop(new DdimInverseScheduler(options), numSteps, images, model);
      const [latentMean, latentStd] = tf.tidy(() => {
        const { mean, variance } = tf.moments(latents);
        return [mean.dataSync()[0], Math.sqrt(variance.dataSync()[0])];
      });
      const restored = runLoop(new DdimScheduler(options), numSteps, latents, model);
      errors.push(tf.tidy(() => tf.max(tf.abs(tf.sub(restored, images))).dataSync()[0]));
      if (numSteps === 200) {
        // the latents look like the noise the model expects: mean 0, std 1
        expect(Math.abs(latentMean)).toBeLessThan(0.15);
        expect(Math.abs(latentStd - 1)).toBeLessThan(0.05);
      }
      tf.dispose([latents, restored]);
    }
    // measured (cpu): 0.084 / 0.021 (noise), 0.18 / 0.045 (v), 0.37 / 0.040 (sample); data std 0.5
    expect(errors[1]).toBeLessThan(0.06);
    expect(errors[1]).toBeLessThan(errors[0] / 3);
    images.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a 'sample' prediction at the initial alpha-bar 1 stays finite (diffusers: Infinity or NaN)", () => {
    const scheduler = new DdimInverseScheduler({ predictionType: 'sample', rederiveNoise: true });
    const { state, timesteps } = scheduler.init(10, [3]);
    const x = tf.tensor1d([0.2, -0.5, 0.9]);
    const p = tf.tensor1d([0.1, -0.5, 1.1]);
    const out = scheduler.step(state, x, p);
    expect(Array.from(out.sample.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, p, out.sample, out.denoised, timesteps]);
    state.dispose();
  });

  test('startIndex skips the first steps; steps leak nothing and never read back', () => {
    const scheduler = new DdimInverseScheduler({ thresholding: true });
    const before = tf.memory().numTensors;
    const { state, timesteps } = scheduler.init(10, [2, 6], { startIndex: 4 });
    expect(Array.from(timesteps.dataSync())).toEqual([400, 500, 600, 700, 800, 900]);
    const x = tf.randomNormal([2, 6], 0, 1, 'float32', 1);
    const backendImpl = tf.backend();
    const read = jest.spyOn(backendImpl, 'read');
    const readSync = jest.spyOn(backendImpl, 'readSync');
    try {
      const out = scheduler.step(state, x, x);
      expect(tf.memory().numTensors).toBe(before + 5); // timesteps, the state's copy, x, and the two outputs
      tf.dispose([out.sample, out.denoised]);
      expect(read).not.toHaveBeenCalled();
      expect(readSync).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
      readSync.mockRestore();
    }
    tf.dispose([x, timesteps]);
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('options', () => {
  test('eta must be 0: inversion is deterministic', () => {
    expect(() => new DdimInverseScheduler({ eta: 0.5 })).toThrow(RangeError);
    expect(() => new DdimInverseScheduler({ eta: 0.5 })).toThrow(/eta must be 0 for DdimInverseScheduler \(DDIM inversion is deterministic\), got 0.5/);
  });

  test('an unknown option names the class', () => {
    expect(() => new DdimInverseScheduler({ eat: 0 } as never)).toThrow(/unknown DdimInverseScheduler option "eat"/);
  });

  test('the options and alpha-bars are those of DdimScheduler', () => {
    const options: DdimOptions = { betaSchedule: 'squared_cosine', rescaleBetasZeroSnr: true, timestepSpacing: 'trailing' };
    expect(new DdimInverseScheduler(options).options).toEqual(new DdimScheduler(options).options);
    expect(new DdimInverseScheduler(options).alphaBars).toEqual(new DdimScheduler(options).alphaBars);
  });
});
