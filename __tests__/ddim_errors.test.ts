// DDIM's bad input: every message names the argument, the value and what is allowed; nothing
// leaks. Step misuse (shapes, dtypes, disposed tensors, foreign and disposed states) is
// schedulers_bad_input.test.ts's, for every class of the registry.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, random } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';
import { BAD_NUM_STEPS, expectRejected } from './helpers/rejections';

beforeAll(() => useBackend('cpu'));

describe('constructor options', () => {
  test.each([
    [{ numTrainSteps: 10.5 }, RangeError, /numTrainSteps must be an integer in \[1, 100000\], got 10.5/],
    [{ numTrainSteps: '1000' }, TypeError, /numTrainSteps must be an integer in \[1, 100000\], got "1000"/],
    [{ betaSchedule: 'cosine' }, RangeError, /betaSchedule must be one of 'linear', 'quadratic', 'squared_cosine', got "cosine"/],
    [{ betaStart: 0 }, RangeError, /betaStart must be a number with 0 < x < 1, got 0/],
    [{ betaEnd: 1 }, RangeError, /betaEnd must be a number with 0 < x < 1, got 1/],
    [{ betaEnd: NaN }, RangeError, /betaEnd must be a number with 0 < x < 1, got NaN/],
    [{ predictionType: 'epsilon' }, RangeError, /predictionType must be one of 'noise', 'angular_velocity'.*got "epsilon"/],
    [{ alphaClipStrategy: true }, TypeError, /alphaClipStrategy must be one of 'one', 'alpha_zero', got true/],
    [{ timestepsOffset: -1 }, RangeError, /timestepsOffset must be an integer in \[0, 999\], got -1/],
    [{ numTrainSteps: 10, timestepsOffset: 10 }, RangeError, /timestepsOffset must be an integer in \[0, 9\], got 10/],
    [{ clipDenoisedSample: 'yes' }, TypeError, /clipDenoisedSample must be true or false, got "yes"/],
    [{ rederiveNoise: 1 }, TypeError, /rederiveNoise must be true or false, got 1/],
    [{ eta: -0.5 }, RangeError, /eta must be a number >= 0 and <= 1000, got -0.5/],
    [{ eta: Infinity }, RangeError, /eta must be a number >= 0 and <= 1000, got Infinity/],
    [{ betaschedule: 'linear' }, TypeError, /unknown DdimScheduler option "betaschedule"; the options are numTrainSteps, betaSchedule/],
    [{ betaStart: 1e-12 }, RangeError, /betaStart must leave alpha-bar_0 below 1 in float32.*got 1e-12/],
    [{ predictionType: 'x0' }, RangeError, /predictionType must be one of 'noise', 'angular_velocity', 'sample', got "x0"/],
    [{ timestepSpacing: 'uniform' }, RangeError, /timestepSpacing must be one of 'leading', 'trailing', 'linspace', got "uniform"/],
    [{ previousTimestep: 'next' }, RangeError, /previousTimestep must be one of 'schedule', 'fixed_stride', got "next"/],
    [{ clipSampleRange: 0 }, RangeError, /clipSampleRange must be a number > 0, got 0/],
    [{ clipSampleRange: '2' }, TypeError, /clipSampleRange must be a number > 0, got "2"/],
    [{ thresholding: 1 }, TypeError, /thresholding must be true or false, got 1/],
    [{ dynamicThresholdingRatio: 1 }, RangeError, /dynamicThresholdingRatio must be a number with 0 < x < 1, got 1/],
    [{ dynamicThresholdingRatio: 0 }, RangeError, /dynamicThresholdingRatio must be a number with 0 < x < 1, got 0/],
    [{ sampleMaxValue: 0 }, RangeError, /sampleMaxValue must be a number > 0, got 0/],
    [{ rescaleBetasZeroSnr: 'yes' }, TypeError, /rescaleBetasZeroSnr must be true or false, got "yes"/],
    [{ numTrainSteps: 1, rescaleBetasZeroSnr: true }, RangeError, /rescaleBetasZeroSnr needs alpha-bar to fall from the first training step to the last, got .* at both ends \(numTrainSteps 1\)/],
    [{ numTrainSteps: 3, trainedBetas: [0.1, 0, 0], rescaleBetasZeroSnr: true }, RangeError, /rescaleBetasZeroSnr needs alpha-bar to fall .*\(every beta after the first is 0\)/],
    [{ trainedBetas: [0.1, 0.2] }, RangeError, /trainedBetas must hold numTrainSteps = 1000 values, got 2; set numTrainSteps to the length of trainedBetas/],
    [{ numTrainSteps: 3, trainedBetas: [0.1, -0.2, 0.3] }, RangeError, /trainedBetas\[1\] must be a number in \[0, 1\], got -0.2/],
    [{ numTrainSteps: 3, trainedBetas: [0.1, NaN, 0.3] }, RangeError, /trainedBetas\[1\] must be a number in \[0, 1\], got NaN/],
    [{ numTrainSteps: 2, trainedBetas: [0.1, '0.2'] }, TypeError, /trainedBetas\[1\] must be a number in \[0, 1\], got "0.2"/],
    [{ numTrainSteps: 2, trainedBetas: '0.1 0.2' }, TypeError, /trainedBetas must be an array of numTrainSteps numbers in \[0, 1\], got "0.1 0.2"/],
    [{ numTrainSteps: 2, trainedBetas: [0, 0.5] }, RangeError, /trainedBetas\[0\] must leave alpha-bar_0 below 1 in float32 .*got 0/],
  ])('%j', (options, type, message) => {
    const construct = () => new DdimScheduler(options as never);
    expect(construct).toThrow(type);
    expect(construct).toThrow(message);
  });

  test('options that are not an object', () => {
    expect(() => new DdimScheduler(42 as never)).toThrow(/options must be an object of DdimScheduler options, got 42/);
  });

  test('undefined options take their defaults', () => {
    expect(new DdimScheduler({ eta: undefined }).options.eta).toBe(0);
  });
});

describe('init', () => {
  const scheduler = new DdimScheduler();

  test.each(BAD_NUM_STEPS)('numSteps %p', (numSteps, message) => {
    expectRejected(() => scheduler.init(numSteps, [2]), RangeError, message);
  });

  test.each([
    [[], /sampleShape must be a non-empty array of positive integers, got \[\]/],
    ['8x8', /sampleShape must be a non-empty array of positive integers, got "8x8"/],
    [[8, 0], /sampleShape\[1\] must be a positive integer, got 0 \(in \[8, 0\]\)/],
    [[8, 2.5], /sampleShape\[1\] must be a positive integer, got 2.5/],
  ])('sampleShape %j', (shape, message) => {
    expect(() => scheduler.init(10, shape as never)).toThrow(message);
  });

  test('seed and key', () => {
    expect(() => scheduler.init(10, [2], { seed: 1, key: random.key(1) })).toThrow(/init takes one of seed, key and generator, got seed and key/);
    expect(() => scheduler.init(10, [2], { generator: { randn: () => null } } as never)).toThrow(/generator must be a generator from random.torchGenerator\(seed\), got an object/);
    expect(() => scheduler.init(10, [2], { key: [0, 1] as never })).toThrow(/key must be a Uint32Array of 2 words \(from random.key\), got \[0, 1\]/);
  });

  test.each([
    [-1, /startIndex must be an integer in \[0, 9\], got -1/],
    [10, /startIndex must be an integer in \[0, 9\], got 10/],
    [1.5, /startIndex must be an integer in \[0, 9\], got 1.5/],
    ['2', /startIndex must be an integer in \[0, 9\], got "2"/],
  ])('startIndex %p', (startIndex, message) => {
    const before = tf.memory().numTensors;
    expect(() => scheduler.init(10, [2], { startIndex: startIndex as number })).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('trailing and linspace ignore the offset (as diffusers), so it never pushes them out of range', () => {
    for (const timestepSpacing of ['trailing', 'linspace'] as const) {
      const { state, timesteps } = new DdimScheduler({ timestepSpacing, timestepsOffset: 999 }).init(1000, [1]);
      expect(timesteps.dataSync()[0]).toBe(999);
      timesteps.dispose();
      state.dispose();
    }
  });

  test('an offset that pushes a timestep past the last training step', () => {
    const offset = new DdimScheduler({ timestepsOffset: 1 });
    expect(() => offset.init(1000, [2])).toThrow(/timestepsOffset 1 with numSteps 1000 makes timestep 1000, outside \[0, 999\]/);
    const { state, timesteps } = offset.init(999, [2]);
    expect(timesteps.dataSync()[0]).toBe(999);
    tf.dispose([timesteps]);
    state.dispose();
  });
});

describe('step', () => {
  const scheduler = new DdimScheduler();
  const shape = [2, 3];
  let sample: tf.Tensor;
  let prediction: tf.Tensor;
  beforeEach(() => {
    sample = tf.ones(shape);
    prediction = tf.zeros(shape);
  });
  afterEach(() => tf.dispose([sample, prediction]));

  test('past the last timestep', () => {
    const { state, timesteps } = scheduler.init(1, shape);
    const out = scheduler.step(state, sample, prediction);
    expectRejected(() => scheduler.step(out.state, sample, prediction), RangeError, /step was called past the last timestep: the run has 1 steps and all were taken \(state.index = 1\)/);
    tf.dispose([out.sample, out.denoised, timesteps]);
    state.dispose();
  });
});
