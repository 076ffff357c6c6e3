// Bad input to Euler and Euler ancestral, one spec for both: every message names the argument,
// the value and what is allowed; nothing leaks; memory stays flat over a long run. Step misuse
// on the default options is schedulers_bad_input.test.ts's, for every class of the registry.
import * as tf from '@tensorflow/tfjs-core';
import { EulerAncestralScheduler, EulerScheduler, loadScheduler } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';
import { BAD_NUM_STEPS, expectRejected } from './helpers/rejections';

beforeAll(() => useBackend('cpu'));

type Make = (options?: object) => EulerScheduler | EulerAncestralScheduler;
const CLASSES: ReadonlyArray<readonly [string, Make, string]> = [
  ['EulerScheduler', (options) => new EulerScheduler(options), 'EulerDiscreteScheduler'],
  ['EulerAncestralScheduler', (options) => new EulerAncestralScheduler(options), 'EulerAncestralDiscreteScheduler'],
];

describe.each(CLASSES)('%s', (className, make, diffusersClass) => {
  test.each([
    [{ numTrainSteps: '1000' }, TypeError, /numTrainSteps must be an integer in \[1, 100000\], got "1000"/],
    [{ betaSchedule: 'scaled_linear' }, RangeError, /betaSchedule must be one of 'linear', 'quadratic', 'squared_cosine', got "scaled_linear"/],
    [{ betaEnd: NaN }, RangeError, /betaEnd must be a number with 0 < x < 1, got NaN/],
    [{ betaStart: Infinity }, RangeError, /betaStart must be a number with 0 < x < 1, got Infinity/],
    [{ predictionType: 'epsilon' }, RangeError, /predictionType must be one of 'noise', 'angular_velocity', 'sample', got "epsilon"/],
    [{ predictionType: 'flow' }, RangeError, /predictionType must be one of 'noise', 'angular_velocity', 'sample', got "flow"/],
    [{ timestepSpacing: 'uniform' }, RangeError, /timestepSpacing must be one of 'leading', 'trailing', 'linspace', got "uniform"/],
    [{ timestepsOffset: -1 }, RangeError, /timestepsOffset must be an integer in \[0, 999\], got -1/],
    [{ rescaleBetasZeroSnr: 1 }, TypeError, /rescaleBetasZeroSnr must be true or false, got 1/],
    [{ trainedBetas: [0.1] }, RangeError, /trainedBetas must hold numTrainSteps = 1000 values, got 1/],
    [{ numTrainSteps: 2, trainedBetas: [0.1, NaN] }, RangeError, /trainedBetas\[1\] must be a number in \[0, 1\], got NaN/],
    [{ sigmaschedule: 'karras' }, TypeError, new RegExp(`unknown ${className} option "sigmaschedule"; the options are numTrainSteps, betaSchedule`)],
  ])('option %j', (options, type, message) => {
    expectRejected(() => make(options), type, message);
  });

  test('options that are not an object; undefined options take their defaults', () => {
    expectRejected(() => make(7 as never), TypeError, new RegExp(`options must be an object of ${className} options, got 7`));
    expect(make({ predictionType: undefined }).options.predictionType).toBe('noise');
  });

  test.each(BAD_NUM_STEPS)('init numSteps %p (and sigmasFor)', (numSteps, message) => {
    const scheduler = make();
    expectRejected(() => scheduler.init(numSteps, [2]), RangeError, message);
    expect(() => scheduler.sigmasFor(numSteps)).toThrow(message);
  });

  test('init: shape, noise source, unknown options, startIndex, an offset past the last training step', () => {
    const scheduler = make();
    expectRejected(() => scheduler.init(10, [8, 0]), RangeError, /sampleShape\[1\] must be a positive integer, got 0/);
    expectRejected(() => scheduler.init(10, [2], { seed: 1, generator: {} } as never), TypeError, /init takes one of seed, key and generator, got seed and generator/);
    expectRejected(() => scheduler.init(10, [2], { sigma: [1, 0] } as never), TypeError, /unknown init option "sigma"; the options are seed, key, generator, startIndex, sigmas, timesteps/);
    expectRejected(() => scheduler.init(10, [2], { startIndex: 10 }), RangeError, /startIndex must be an integer in \[0, 9\], got 10/);
    const offset = make({ timestepSpacing: 'leading', timestepsOffset: 1 });
    expectRejected(() => offset.init(1000, [2]), RangeError, /timestepsOffset 1 with numSteps 1000 makes timestep 1000, outside \[0, 999\]/);
    expect(() => scheduler.sigmasFor(3, { steps: 3 } as never)).toThrow(/unknown sigmasFor option "steps"; the options are sigmas, timesteps/);
    expect(() => scheduler.sigmasFor(3, 'karras' as never)).toThrow(/sigmasFor options must be an object like \{ sigmas \} or \{ timesteps \}, got "karras"/);
  });

  test.each([
    [[10, 5, 1], 3, null],
    [[10, 5, 1, 0], 3, null],
    [new Float64Array([10, 5, 1, 0]), 3, null],
    [[10, 5, 1, 0], 2, /sigmas must hold numSteps \+ 1 \(3\) values, the final one included, or numSteps \(2\), got 4/],
    [[10, 5, 1, 0], 5, /sigmas must hold numSteps \+ 1 \(6\) values, the final one included, or numSteps \(5\), got 4/],
    [[10, 5, 6, 0], 3, /sigmas must be descending \(each at most the one before\), got sigmas\[2\] = 6 after sigmas\[1\] = 5/],
    [[10, NaN, 1, 0], 3, /sigmas\[1\] must be a finite number >= 0, got NaN/],
    [[10, 5, Infinity, 0], 3, /sigmas\[2\] must be a finite number >= 0, got Infinity/],
    [[10, 5, 1, -1], 3, /sigmas\[3\] must be a finite number >= 0, got -1/],
    [[10, '5', 1, 0], 3, /sigmas\[1\] must be a finite number >= 0, got "5"/],
    [[10, 0, 0, 0], 3, /sigmas\[1\] must be > 0 \(only the final sigma may be 0: a step divides by its sigma\), got 0/],
    ['10 5 1', 3, /sigmas must be an array of numSteps \+ 1 \(4\) or numSteps \(3\) descending numbers >= 0, got "10 5 1"/],
  ])('custom sigmas %j for %p steps', (sigmas, numSteps, message) => {
    const scheduler = make();
    if (message === null) {
      const expected = [10, 5, 1, 0];
      expect(Array.from(scheduler.sigmasFor(numSteps, { sigmas: sigmas as number[] }))).toEqual(expected);
      const { state, timesteps } = scheduler.init(numSteps, [2], { sigmas: sigmas as number[] });
      expect(state.numSteps).toBe(3);
      tf.dispose(timesteps);
      state.dispose();
      return;
    }
    const type = /got "/.test(message.source) ? TypeError : RangeError;
    expectRejected(() => scheduler.init(numSteps, [2], { sigmas: sigmas as number[] }), type, message);
    expect(() => scheduler.sigmasFor(numSteps, { sigmas: sigmas as number[] })).toThrow(message);
  });

  test.each([
    [[999, 500, 10], null],
    [[999, 500], /timesteps must hold numSteps \(3\) values, got 2/],
    [[999, 999, 10], /timesteps must be strictly descending, got timesteps\[1\] = 999 after timesteps\[0\] = 999/],
    [[999, 500, NaN], /timesteps\[2\] must be a number in \[0, 999\], got NaN/],
    [[1000, 500, 10], /timesteps\[0\] must be a number in \[0, 999\], got 1000/],
    [[999, 500, -1], /timesteps\[2\] must be a number in \[0, 999\], got -1/],
  ])('custom timesteps %j', (timesteps, message) => {
    const scheduler = make();
    if (message === null) {
      const run = scheduler.init(3, [2], { timesteps });
      expect(Array.from(run.timesteps.dataSync())).toEqual(timesteps);
      tf.dispose(run.timesteps);
      run.state.dispose();
      return;
    }
    expectRejected(() => scheduler.init(3, [2], { timesteps }), RangeError, message);
  });

  test('custom sigmas and custom timesteps together', () => {
    expectRejected(() => make().init(2, [2], { sigmas: [2, 1, 0], timesteps: [999, 0] }), TypeError, /init takes custom sigmas or custom timesteps, not both/);
  });

  test('a diffusers config with an unknown value', () => {
    expectRejected(() => loadScheduler({ _class_name: diffusersClass, prediction_type: 'flow_prediction' }), RangeError, /prediction_type must be one of "epsilon", "v_prediction", "sample", got "flow_prediction"/);
    expectRejected(() => loadScheduler({ _class_name: diffusersClass, timestep_spacing: 'even' }), RangeError, /timestep_spacing must be one of "leading", "trailing", "linspace", got "even"/);
  });

  describe('step', () => {
    const shape = [2, 3];
    let sample: tf.Tensor;
    let output: tf.Tensor;
    beforeEach(() => {
      sample = tf.ones(shape);
      output = tf.zeros(shape);
    });
    afterEach(() => tf.dispose([sample, output]));

    test('a model output that is not a tensor; a 1-step run stepped past its end', () => {
      const scheduler = make();
      const { state, timesteps } = scheduler.init(1, shape, { seed: 0 });
      expectRejected(() => scheduler.step(state, sample, [0] as never), TypeError, /modelOutput must be a tf.Tensor, got \[0\]/);
      const out = scheduler.step(state, sample, output);
      expectRejected(() => scheduler.step(out.state, sample, output), RangeError, /step was called past the last timestep: the run has 1 steps and all were taken/);
      state.dispose();
      tf.dispose([out.sample, out.denoised, timesteps]);
    });
  });

  test('addNoise: timesteps out of range, of the wrong kind, or of another batch', () => {
    const scheduler = make();
    const original = tf.zeros([2, 3]);
    const noise = tf.ones([2, 3]);
    const floats = tf.tensor2d([[1, 2]]);
    expectRejected(() => scheduler.addNoise(original, noise, [0, 1000]), RangeError, /timesteps\[1\] must be a number in \[0, 999\], got 1000/);
    expectRejected(() => scheduler.addNoise(original, noise, [0, NaN]), RangeError, /timesteps\[1\] must be a number in \[0, 999\], got NaN/);
    expectRejected(() => scheduler.addNoise(original, noise, [0, '1'] as never), TypeError, /timesteps\[1\] must be a number in \[0, 999\], got "1"/);
    expectRejected(() => scheduler.addNoise(original, noise, [0]), RangeError, /timesteps must hold one timestep per item of original's first axis \(2\), got 1/);
    expectRejected(() => scheduler.addNoise(original, noise, floats as never), TypeError, /timesteps must be a float32 or int32 tf.Tensor1D of 2 values .*got a float32 tensor of shape \[1, 2\]/);
    expectRejected(() => scheduler.addNoise(original, floats, [0, 1]), RangeError, /noise has shape \[1, 2\], which differs from the shape of original \[2, 3\]/);
    tf.dispose([original, noise, floats]);
  });

  test('memory stays flat over a long run, noise drawn on every step where the class draws', () => {
    const scheduler = className === 'EulerScheduler' ? new EulerScheduler({ sChurn: 40 }) : make();
    const shape = [2, 4];
    const { state: first, timesteps } = scheduler.init(200, shape, { seed: 1 });
    let state = first;
    let x = tf.ones(shape);
    const output = tf.fill(shape, 0.5);
    const counts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const out = scheduler.step(state, x, output);
      tf.dispose([x, out.denoised]);
      ({ state, sample: x } = out);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    expect(Array.from(x.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, output, timesteps]);
    state.dispose();
  });
});

describe('Euler only', () => {
  test.each([
    [{ sChurn: -1 }, RangeError, /sChurn must be a number >= 0, got -1/],
    [{ sChurn: Infinity }, RangeError, /sChurn must be a number >= 0, got Infinity/],
    [{ sChurn: '1' }, TypeError, /sChurn must be a number >= 0, got "1"/],
    [{ sTmin: NaN }, RangeError, /sTmin must be a number >= 0, got NaN/],
    [{ sTmin: 2, sTmax: 1 }, RangeError, /sTmax must be >= sTmin \(2\), got 1/],
    [{ sTmax: -Infinity }, RangeError, /sTmax must be a number >= 0 \(Infinity allowed\), got -Infinity/],
    [{ sNoise: -0.5 }, RangeError, /sNoise must be a number >= 0, got -0.5/],
    [{ sigmaSchedule: 'lu_lambdas' }, RangeError, /sigmaSchedule must be one of 'default', 'karras', 'exponential', 'beta', got "lu_lambdas"/],
    [{ interpolationType: 'cubic' }, RangeError, /interpolationType must be one of 'linear', 'log_linear', got "cubic"/],
    [{ timestepType: 'discrete ' }, RangeError, /timestepType must be one of 'discrete', 'continuous', got "discrete "/],
    [{ finalSigmasType: 'one' }, RangeError, /finalSigmasType must be one of 'zero', 'sigma_min', got "one"/],
    [{ sigmaMin: 0 }, RangeError, /sigmaMin must be a number > 0 or null, got 0/],
    [{ sigmaMax: '80' }, TypeError, /sigmaMax must be a number > 0 or null, got "80"/],
    [{ sigmaMin: 5, sigmaMax: 1 }, RangeError, /sigmaMax must be above sigmaMin \(5\), got 1/],
  ])('option %j', (options, type, message) => {
    expectRejected(() => new EulerScheduler(options as never), type, message);
  });

  test('a diffusers config selects one sigma schedule; its errors name the keys', () => {
    expectRejected(() => loadScheduler({ _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, use_beta_sigmas: true }), RangeError, /use_karras_sigmas and use_beta_sigmas are all true; a config selects at most one sigma schedule/);
    expectRejected(() => loadScheduler({ _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: 'yes' }), TypeError, /use_karras_sigmas must be true or false, got "yes"/);
    expectRejected(() => loadScheduler({ _class_name: 'EulerDiscreteScheduler', sigma_min: -1 }), RangeError, /sigma_min must be a number > 0 or null, got -1/);
    expectRejected(() => loadScheduler({ _class_name: 'EulerDiscreteScheduler', interpolation_type: 'cubic' }), RangeError, /interpolation_type must be one of "linear", "log_linear", got "cubic"/);
  });

  test('custom timesteps with a sigma schedule or with continuous timesteps (diffusers refuses both)', () => {
    expectRejected(() => new EulerScheduler({ sigmaSchedule: 'karras' }).init(3, [2], { timesteps: [999, 500, 10] }), TypeError, /custom timesteps cannot be used with sigmaSchedule 'karras', which places its own levels; give custom sigmas instead/);
    const continuous = new EulerScheduler({ timestepType: 'continuous', predictionType: 'angular_velocity' });
    expectRejected(() => continuous.init(3, [2], { timesteps: [999, 500, 10] }), TypeError, /custom timesteps cannot be used with timestepType 'continuous' and 'angular_velocity'/);
  });

  test('sigmaMin above the schedule it caps, numSteps custom sigmas ending below the appended final sigma', () => {
    expectRejected(() => new EulerScheduler({ sigmaSchedule: 'exponential', sigmaMin: 500 }).init(5, [2]), RangeError, /sigmaSchedule 'exponential' needs sigmaMin below sigmaMax, got sigmaMin 500 and sigmaMax 157\.4/);
    expectRejected(() => new EulerScheduler({ finalSigmasType: 'sigma_min' }).init(2, [2], { sigmas: [10, 0.001] }), RangeError, /sigmas end at 0.001, below the final sigma finalSigmasType 'sigma_min' appends \(0.0100/);
  });
});
