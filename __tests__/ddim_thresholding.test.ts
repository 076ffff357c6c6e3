// Dynamic thresholding (Imagen, arXiv 2205.11487): s per item of the first axis, on the device.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler } from 'tfjs-diffusion-schedulers';
import { dynamicThreshold } from '../src/schedulers/dynamic_threshold';
import { NODE_BACKENDS, useBackend } from './helpers/backends';

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('s is the ratio quantile of |x0| per item, interpolated as torch.quantile, clamped to [1, max]', () => {
    // item 0: |x0| = 0 .. 10, rank 0.95 * 10 = 9.5 -> 9.5; item 1: all 0.5 -> 1 (the floor); item 2: rank 9.5 of 0 .. 100 step 10 -> 95 -> max 4
    const rows = [Array.from({ length: 11 }, (_, i) => (i % 2 ? -i : i)), Array(11).fill(-0.5), Array.from({ length: 11 }, (_, i) => 10 * i)];
    const s = tf.tidy(() => dynamicThreshold(tf.tensor(rows), 0.95, 4));
    expect(Array.from(s.dataSync())).toEqual([4, 1, 4]);
    const wide = tf.tidy(() => dynamicThreshold(tf.tensor(rows), 0.95, 1000));
    const [first, second, third] = wide.dataSync();
    expect(first).toBeCloseTo(9.5, 5);
    expect(second).toBe(1);
    expect(third).toBeCloseTo(95, 4);
    tf.dispose([s, wide]);
  });

  test('an integer rank takes the order statistic itself; items of any rank use every axis but the first', () => {
    const x0 = tf.reshape(tf.range(0, 24), [2, 3, 4]); // item 0: 0 .. 11, item 1: 12 .. 23
    const s = tf.tidy(() => dynamicThreshold(x0, Math.fround(10 / 11), 100)); // rank 10 exactly
    expect(Array.from(s.dataSync())).toEqual([10, 22]);
    tf.dispose([x0, s]);
  });

  test('a sampleMaxValue just above 1 gives s = 1 (tf.clipByValue on wasm would not)', () => {
    const s = tf.tidy(() => dynamicThreshold(tf.fill([2, 5], 3), 0.5, 1 + 1e-9));
    expect(Array.from(s.dataSync())).toEqual([1, 1]);
    s.dispose();
  });

  test('in a step: x0 becomes clamp(x0, -s, s) / s, thresholding wins over clipping, and nothing is read back', () => {
    // 'sample' prediction: x0 is the prediction itself
    const scheduler = new DdimScheduler({ predictionType: 'sample', thresholding: true, sampleMaxValue: 2, dynamicThresholdingRatio: 0.5, clipSampleRange: 0.1 });
    const { state, timesteps } = scheduler.init(10, [2, 3]);
    const sample = tf.zeros([2, 3]);
    const prediction = tf.tensor([[0.5, -1.5, 3], [0.2, -0.1, 0.3]]);
    const backendImpl = tf.backend();
    const readSync = jest.spyOn(backendImpl, 'readSync');
    const read = jest.spyOn(backendImpl, 'read');
    const out = scheduler.step(state, sample, prediction);
    expect(readSync).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    readSync.mockRestore();
    read.mockRestore();
    // item 0: median |x0| = 1.5, so s = 1.5; item 1: median 0.2 -> s = 1 (plain clipping to [-1, 1], not to 0.1)
    const denoised = out.denoised.arraySync() as number[][];
    [[1 / 3, -1, 1], [0.2, -0.1, 0.3]].forEach((row, i) => row.forEach((value, j) => expect(denoised[i][j]).toBeCloseTo(value, 6)));
    tf.dispose([sample, prediction, out.sample, out.denoised, timesteps]);
    state.dispose();
  });
});
