// Bumblebee's DDIM test cases (ddim_scheduler_test.exs), number for number, on every Node backend.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import reference from '../fixtures/bumblebee_ddim.json';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { bumblebeeSample, expectCloseBumblebee, runDummyLoop } from './helpers/harness';

describe.each(NODE_BACKENDS)('DdimScheduler against Bumblebee on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('10 leading timesteps: 900 down to 0', () => {
    const { state, timesteps } = new DdimScheduler().init(10, [8, 8, 4], { seed: 0 });
    expect(timesteps.dtype).toBe('int32');
    expect(Array.from(timesteps.dataSync())).toEqual(reference.ddim.timesteps_default_10);
    state.dispose();
    timesteps.dispose();
  });

  test.each(reference.ddim.loops_10_steps.map((c) => [JSON.stringify(c.options), c] as const))('10-step loop with %s', (_, testCase) => {
    const before = tf.memory().numTensors;
    const initial = bumblebeeSample();
    const result = runDummyLoop(new DdimScheduler(testCase.options as DdimOptions), 10, initial);
    expect(result.shape).toEqual([8, 8, 4]);
    const [sum, slice] = tf.tidy(() => [tf.sum(result).dataSync(), tf.slice(result, [1, 1, 1], [3, 3, 2]).dataSync()]);
    expectCloseBumblebee(sum, [testCase.sum]);
    expectCloseBumblebee(slice, testCase.slice.flat(2));
    tf.dispose([initial, result]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
