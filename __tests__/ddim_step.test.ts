// One step against Bumblebee's do_step written out literally on the host in float64, for every
// combination of the options that change the arithmetic; and the PRNG key's life through a run.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, random, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { keysOfRun } from './helpers/run_keys';

/** Bumblebee's do_step, element by element (no tensors), with the noise z given. */
function bumblebeeStep(options: Required<DdimOptions>, alphaBars: Float32Array, t: number, gap: number, x: number, p: number, z: number) {
  const prev = t - gap;
  const a = alphaBars[t];
  const aPrev = prev >= 0 ? alphaBars[prev] : options.alphaClipStrategy === 'one' ? 1 : alphaBars[0];
  let x0: number;
  let eps: number;
  if (options.predictionType === 'noise') {
    x0 = (x - Math.sqrt(1 - a) * p) / Math.sqrt(a);
    eps = p;
  } else {
    x0 = Math.sqrt(a) * x - Math.sqrt(1 - a) * p;
    eps = Math.sqrt(a) * p + Math.sqrt(1 - a) * x;
  }
  if (options.clipDenoisedSample) x0 = Math.min(1, Math.max(-1, x0));
  const sigma = options.eta * Math.sqrt(((1 - aPrev) / (1 - a)) * (1 - a / aPrev));
  if (options.rederiveNoise) eps = (x - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
  const next = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev - sigma * sigma) * eps + (options.eta > 0 ? sigma * z : 0);
  return { next, x0 };
}

const combinations: DdimOptions[] = [];
for (const predictionType of ['noise', 'angular_velocity'] as const)
  for (const clipDenoisedSample of [true, false])
    for (const rederiveNoise of [false, true])
      for (const eta of [0, 0.3, 1]) combinations.push({ predictionType, clipDenoisedSample, rederiveNoise, eta, alphaClipStrategy: eta === 1 ? 'alpha_zero' : 'one' });

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each(combinations.map((o) => [JSON.stringify(o), o] as const))('every step of a 5-step run matches Bumblebee with %s', (_, options) => {
    const scheduler = new DdimScheduler(options);
    const shape = [2, 16];
    const { state: first, timesteps } = scheduler.init(5, shape, { seed: 1 });
    let state = first;
    let sample = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 11), 1.5);
    for (const t of timesteps.dataSync() as Int32Array) {
      const prediction = tf.randomNormal(shape, 0, 1, 'float32', 100 + t);
      const noise = tf.randomNormal(shape, 0, 1, 'float32', 200 + t);
      const out = scheduler.step(state, sample, prediction, { noise });
      const [x, p, z, next, x0] = [sample, prediction, noise, out.sample, out.denoised].map((tensor) => tensor.dataSync());
      for (let i = 0; i < x.length; i++) {
        const expected = bumblebeeStep(scheduler.options, scheduler.alphaBars, t, 200, x[i], p[i], z[i]);
        expect(Math.abs(next[i] - expected.next)).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(expected.next)));
        expect(Math.abs(x0[i] - expected.x0)).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(expected.x0)));
      }
      tf.dispose([sample, prediction, noise, out.denoised]);
      ({ state, sample } = out);
    }
    tf.dispose([sample, timesteps]);
    state.dispose();
  });
});

describe('the PRNG key through a run', () => {
  beforeAll(() => useBackend('cpu'));

  test('eta = 0 keeps the key; eta > 0 advances it on every step, the last included', () => {
    expect(new Set(keysOfRun(new DdimScheduler({}), 3, 0).map(String)).size).toBe(1);
    const keys = keysOfRun(new DdimScheduler({ eta: 1 }), 3, 0);
    expect(keys[0]).toEqual(Array.from(random.key(0)));
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toEqual(Array.from(random.split(Uint32Array.from(keys[i - 1]))[0]));
  });

  test('state.key is a copy: changing it changes nothing', () => {
    const { state, timesteps } = new DdimScheduler({ eta: 1 }).init(2, [1], { seed: 5 });
    state.key![0] = 123;
    expect(Array.from(state.key!)).toEqual(Array.from(random.key(5)));
    timesteps.dispose();
    state.dispose();
  });

  test('eta = 1 draws the noise of each step as random.normal(key, shape) of that step', () => {
    const scheduler = new DdimScheduler({ eta: 1 });
    const shape = [2, 5];
    const { state, timesteps } = scheduler.init(10, shape, { seed: 0 });
    const sample = tf.randomNormal(shape, 0, 1, 'float32', 2);
    const prediction = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const drawn = scheduler.step(state, sample, prediction);
    const { sample: noise, key } = random.normal(random.key(0), shape);
    const again = scheduler.init(10, shape, { seed: 0 });
    const injected = scheduler.step(again.state, sample, prediction, { noise });
    expect(Array.from(drawn.state.key!)).toEqual(Array.from(key));
    expect(Array.from(injected.state.key!)).toEqual(Array.from(key));
    expect(Array.from(drawn.sample.dataSync())).toEqual(Array.from(injected.sample.dataSync()));
    tf.dispose([sample, prediction, noise, drawn.sample, drawn.denoised, injected.sample, injected.denoised, timesteps, again.timesteps]);
    state.dispose();
    again.state.dispose();
  });
});
