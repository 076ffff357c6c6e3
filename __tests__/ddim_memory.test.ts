// Leaks and read-backs: every public call leaves exactly the tensors it hands out, and step
// never reads a tensor back to the host.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';

const optionSets: DdimOptions[] = [
  {},
  { eta: 1 },
  { predictionType: 'angular_velocity', rederiveNoise: true, eta: 0.5 },
  { clipDenoisedSample: false, alphaClipStrategy: 'alpha_zero', timestepsOffset: 1 },
  { predictionType: 'sample', thresholding: true, timestepSpacing: 'trailing', rescaleBetasZeroSnr: true, eta: 1 },
  { thresholding: true, dynamicThresholdingRatio: 0.5, sampleMaxValue: 3, rederiveNoise: true, timestepSpacing: 'linspace', previousTimestep: 'fixed_stride' },
];

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('constructing a scheduler makes no tensor', () => {
    const before = tf.memory().numTensors;
    new DdimScheduler({ betaSchedule: 'squared_cosine' });
    expect(tf.memory().numTensors).toBe(before);
  });

  test.each(optionSets.map((o) => [JSON.stringify(o), o] as const))('init, step and dispose with %s leave nothing behind', (_, options) => {
    const scheduler = new DdimScheduler(options);
    const before = tf.memory().numTensors;
    const { state: first, timesteps } = scheduler.init(4, [2, 3, 5], { seed: 7 });
    let state = first;
    let sample = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 1);
    for (let i = 0; i < 4; i++) {
      const prediction = tf.randomNormal([2, 3, 5], 0, 1, 'float32', i);
      const held = tf.memory().numTensors;
      const out = scheduler.step(state, sample, prediction);
      // step makes exactly its two outputs, and leaves its inputs alive
      expect(tf.memory().numTensors).toBe(held + 2);
      expect(sample.isDisposed || prediction.isDisposed).toBe(false);
      expect(out.sample).not.toBe(out.denoised);
      tf.dispose([sample, prediction, out.denoised]);
      ({ state, sample } = out);
    }
    sample.dispose();
    timesteps.dispose();
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('one state.dispose() frees the run, from any of its states; a second is harmless', () => {
    const scheduler = new DdimScheduler();
    const before = tf.memory().numTensors;
    const { state, timesteps } = scheduler.init(3, [4]);
    const sample = tf.ones([4]);
    const out = scheduler.step(state, sample, sample);
    tf.dispose([sample, out.sample, out.denoised, timesteps]);
    out.state.dispose();
    expect(state.isDisposed).toBe(true);
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test.each(optionSets.map((o) => [JSON.stringify(o), o] as const))('step makes no read-back with %s', (_, options) => {
    const scheduler = new DdimScheduler(options);
    const { state, timesteps } = scheduler.init(2, [3, 4], { seed: 0 });
    const sample = tf.randomNormal([3, 4], 0, 1, 'float32', 3);
    const prediction = tf.randomNormal([3, 4], 0, 1, 'float32', 4);
    const noise = tf.randomNormal([3, 4], 0, 1, 'float32', 5);
    const backendImpl = tf.backend();
    const read = jest.spyOn(backendImpl, 'read');
    const readSync = jest.spyOn(backendImpl, 'readSync');
    try {
      const first = scheduler.step(state, sample, prediction);
      const second = scheduler.step(first.state, first.sample, prediction, { noise });
      tf.dispose([first.sample, first.denoised, second.sample, second.denoised]);
      expect(read).not.toHaveBeenCalled();
      expect(readSync).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
      readSync.mockRestore();
    }
    // the spy itself works: a real read-back is seen
    const spy = jest.spyOn(backendImpl, 'readSync');
    sample.dataSync();
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    tf.dispose([sample, prediction, noise, timesteps]);
    state.dispose();
  });
});
