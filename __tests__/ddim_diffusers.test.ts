// diffusers' DDIMScheduler test numbers (test_scheduler_ddim.py) for the options Bumblebee shares.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { ddimStepCoefficients } from '../src/schedulers/ddim_coefficients';
import { resolveDdimOptions } from '../src/schedulers/ddim_options';
import reference from '../fixtures/diffusers_ddim.json';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { dummySampleDeter, runDummyLoop } from './helpers/harness';

/** diffusers' base config of these tests in our option names (set_alpha_to_one defaults to true). */
function optionsOf(config: Record<string, unknown> | undefined): DdimOptions {
  const merged: Record<string, unknown> = { ...reference.harness.base_config, ...config };
  return {
    numTrainSteps: merged.num_train_timesteps as number,
    betaStart: merged.beta_start as number,
    betaEnd: merged.beta_end as number,
    betaSchedule: 'linear',
    clipDenoisedSample: merged.clip_sample as boolean,
    predictionType: merged.prediction_type === 'v_prediction' ? 'angular_velocity' : 'noise',
    alphaClipStrategy: merged.set_alpha_to_one === false ? 'alpha_zero' : 'one',
    timestepsOffset: (merged.steps_offset as number | undefined) ?? 0,
  };
}

const byName = (name: string) => reference.ddim.find((c) => c.test === name)!;
const fullLoops = ['test_full_loop_no_noise', 'test_full_loop_with_v_prediction', 'test_full_loop_with_set_alpha_to_one', 'test_full_loop_with_no_set_alpha_to_one'];

describe.each(NODE_BACKENDS)('DdimScheduler against diffusers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each(fullLoops)('%s', (name) => {
    const testCase = byName(name);
    const before = tf.memory().numTensors;
    const initial = dummySampleDeter();
    const result = runDummyLoop(new DdimScheduler(optionsOf(testCase.config)), 10, initial);
    const [absSum, absMean] = tf.tidy(() => [tf.sum(tf.abs(result)).dataSync()[0], tf.mean(tf.abs(result)).dataSync()[0]]);
    expect(Math.abs(absSum - testCase.abs_sum!)).toBeLessThanOrEqual(1e-2);
    expect(Math.abs(absMean - testCase.abs_mean!)).toBeLessThanOrEqual(1e-3);
    tf.dispose([initial, result]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('test_steps_offset: 5 steps with offset 1 are [801, 601, 401, 201, 1]', () => {
    const testCase = byName('test_steps_offset');
    const { state, timesteps } = new DdimScheduler(optionsOf(testCase.config)).init(testCase.num_steps!, [1]);
    expect(Array.from(timesteps.dataSync())).toEqual(testCase.timesteps);
    state.dispose();
    timesteps.dispose();
  });
});

test('test_variance: sigma^2 of eq. (16) with eta = 1 is diffusers variance between t and prev', () => {
  const options = resolveDdimOptions({ ...optionsOf({}), eta: 1 });
  const alphaBars = new DdimScheduler(options).alphaBars;
  for (const [t, prev, expected] of byName('test_variance').pairs!) {
    const { sigma } = ddimStepCoefficients(options, alphaBars, t, prev);
    expect(Math.abs(sigma * sigma - expected)).toBeLessThanOrEqual(1e-5);
  }
});
