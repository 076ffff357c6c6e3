// Every step of a run against diffusers' DDIMScheduler.step written out on the host in float64
// (one item of the batch at a time, so that dynamic thresholding sees what torch.quantile sees),
// for every spacing, prediction type, clipping or thresholding, eta, and set_alpha_to_one:
// with previousTimestep 'fixed_stride' our numbers are diffusers'.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions, type ResolvedDdimOptions } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';

/** torch.quantile(values, ratio), linear interpolation, its rank taken in float32 as torch does. */
function torchQuantile(values: number[], ratio: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.fround(Math.fround(ratio) * (sorted.length - 1));
  const below = sorted[Math.floor(rank)];
  return below + (sorted[Math.ceil(rank)] - below) * (rank - Math.floor(rank));
}

/** diffusers' DDIMScheduler.step for one batch item (arrays of its values), with the prev timestep given. */
function diffusersStep(options: ResolvedDdimOptions, alphaBars: Float32Array, t: number, prev: number, x: number[], p: number[], z: number[]) {
  const a = alphaBars[t];
  const aPrev = prev >= 0 ? alphaBars[prev] : options.alphaClipStrategy === 'one' ? 1 : alphaBars[0];
  const b = 1 - a;
  let x0: number[];
  let eps: number[];
  if (options.predictionType === 'noise') {
    x0 = x.map((xi, i) => (xi - Math.sqrt(b) * p[i]) / Math.sqrt(a));
    eps = p;
  } else if (options.predictionType === 'sample') {
    x0 = p;
    eps = x.map((xi, i) => (xi - Math.sqrt(a) * p[i]) / Math.sqrt(b));
  } else {
    x0 = x.map((xi, i) => Math.sqrt(a) * xi - Math.sqrt(b) * p[i]);
    eps = x.map((xi, i) => Math.sqrt(a) * p[i] + Math.sqrt(b) * xi);
  }
  if (options.thresholding) {
    const s = Math.min(Math.max(torchQuantile(x0.map(Math.abs), options.dynamicThresholdingRatio), 1), options.sampleMaxValue);
    x0 = x0.map((v) => Math.min(Math.max(v, -s), s) / s);
  } else if (options.clipDenoisedSample) {
    const r = options.clipSampleRange;
    x0 = x0.map((v) => Math.min(Math.max(v, -r), r));
  }
  const variance = ((1 - aPrev) / b) * (1 - a / aPrev);
  const std = options.eta * Math.sqrt(variance);
  if (options.rederiveNoise) eps = x.map((xi, i) => (xi - Math.sqrt(a) * x0[i]) / Math.sqrt(b));
  const next = x0.map((v, i) => Math.sqrt(aPrev) * v + Math.sqrt(1 - aPrev - std * std) * eps[i] + (options.eta > 0 ? std * z[i] : 0));
  return { next, x0 };
}

const combinations: DdimOptions[] = [];
for (const timestepSpacing of ['leading', 'trailing', 'linspace'] as const)
  for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const)
    for (const x0Handling of [{ clipDenoisedSample: false }, { clipSampleRange: 2.5 }, { thresholding: true, sampleMaxValue: 1.5 }, { thresholding: true, sampleMaxValue: 50, dynamicThresholdingRatio: 0.9 }])
      for (const [eta, rederiveNoise] of [[0, false], [0.7, true]] as const)
        combinations.push({ timestepSpacing, predictionType, ...x0Handling, eta, rederiveNoise, alphaClipStrategy: eta > 0 ? 'alpha_zero' : 'one', betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012 });

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  /** The largest relative difference from the transcription over a 7-step run, each step landing where `landing` says. */
  function worstDifference(options: DdimOptions, landing: (timesteps: Int32Array, i: number) => number): number {
    const scheduler = new DdimScheduler(options);
    const shape = [2, 3, 4, 4];
    const { state: first, timesteps } = scheduler.init(7, shape, { seed: 1 });
    const timestepValues = timesteps.dataSync() as Int32Array;
    let state = first;
    let sample = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 11), 1.5);
    let worst = 0;
    timestepValues.forEach((t, i) => {
      const prediction = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 100 + t), options.predictionType === 'sample' ? 1.6 : 1);
      const noise = tf.randomNormal(shape, 0, 1, 'float32', 200 + t);
      const out = scheduler.step(state, sample, prediction, { noise });
      const [x, p, z, next, x0] = [sample, prediction, noise, out.sample, out.denoised].map((tensor) => tensor.arraySync() as number[][][][]);
      for (let item = 0; item < 2; item++) {
        const expected = diffusersStep(scheduler.options, scheduler.alphaBars, t, landing(timestepValues, i), x[item].flat(2), p[item].flat(2), z[item].flat(2));
        const [gotNext, gotX0] = [next[item].flat(2), x0[item].flat(2)];
        expected.next.forEach((value, j) => (worst = Math.max(worst, Math.abs(gotNext[j] - value) / (1 + Math.abs(value)))));
        expected.x0.forEach((value, j) => (worst = Math.max(worst, Math.abs(gotX0[j] - value) / (1 + Math.abs(value)))));
      }
      tf.dispose([sample, prediction, noise, out.denoised]);
      ({ state, sample } = out);
    });
    tf.dispose([sample, timesteps]);
    state.dispose();
    return worst;
  }

  test.each(combinations.map((o) => [JSON.stringify(o), o] as const))("every step of a 7-step run is diffusers' with fixed_stride and %s", (_, options) => {
    const gap = Math.floor(1000 / 7);
    expect(worstDifference({ ...options, previousTimestep: 'fixed_stride' }, (timesteps, i) => timesteps[i] - gap)).toBeLessThan(5e-6); // measured: 7e-7
  });

  test.each(['leading', 'trailing', 'linspace'] as const)("with previousTimestep 'schedule' and %s spacing each step lands on the next timestep of the run", (timestepSpacing) => {
    const landing = (timesteps: Int32Array, i: number) => (i + 1 < timesteps.length ? timesteps[i + 1] : -1);
    for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const) {
      expect(worstDifference({ timestepSpacing, predictionType, eta: 0.5 }, landing)).toBeLessThan(5e-6);
    }
    // ... which is not where diffusers lands, except with leading spacing
    const gap = Math.floor(1000 / 7);
    const fixedStride = worstDifference({ timestepSpacing, eta: 0.5 }, (timesteps, i) => timesteps[i] - gap);
    if (timestepSpacing === 'leading') expect(fixedStride).toBeLessThan(5e-6);
    else expect(fixedStride).toBeGreaterThan(1e-2);
  });
});
