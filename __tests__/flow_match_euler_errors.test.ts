// FlowMatchEulerScheduler on bad input: every message names the argument, the value and what is
// allowed; nothing leaks, and a state whose step threw can still step. The misuse every class
// shares (foreign and stale states, sparse timesteps, ...) is schedulers_bad_input.test.ts's.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, FlowMatchEulerScheduler } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';
import { expectRejected, type ErrorClass } from './helpers/rejections';

beforeAll(() => useBackend('cpu'));

describe('constructor options', () => {
  test.each<[object, ErrorClass, RegExp]>([
    [{ shift: 0 }, RangeError, /shift must be a number > 0, got 0/],
    [{ shift: -3 }, RangeError, /shift must be a number > 0, got -3/],
    [{ shift: NaN }, RangeError, /shift must be a number > 0, got NaN/],
    [{ shift: Infinity }, RangeError, /shift must be a number > 0, got Infinity/],
    [{ shift: '3' }, TypeError, /shift must be a number > 0, got "3"/],
    [{ useDynamicShifting: 'yes' }, TypeError, /useDynamicShifting must be true or false, got "yes"/],
    [{ baseShift: 'half' }, TypeError, /baseShift must be a number, got "half"/],
    [{ maxShift: -Infinity }, RangeError, /maxShift must be a number, got -Infinity/],
    [{ baseImageSeqLen: 0 }, RangeError, /baseImageSeqLen must be an integer >= 1, got 0/],
    [{ maxImageSeqLen: 4096.5 }, RangeError, /maxImageSeqLen must be an integer >= 1, got 4096.5/],
    [{ invertSigmas: 1 }, TypeError, /invertSigmas must be true or false, got 1/],
    [{ shiftTerminal: 0 }, RangeError, /shiftTerminal must be a number with 0 < x < 1, got 0/],
    [{ shiftTerminal: 1 }, RangeError, /shiftTerminal must be a number with 0 < x < 1, got 1/],
    [{ shiftTerminal: NaN }, RangeError, /shiftTerminal must be a number with 0 < x < 1, got NaN/],
    [{ shiftTerminal: '0.1' }, TypeError, /shiftTerminal must be a number with 0 < x < 1, got "0.1"/],
    [{ sigmaSchedule: 'lu_lambdas' }, RangeError, /sigmaSchedule must be one of 'default', 'karras', 'exponential', 'beta', got "lu_lambdas"/],
    [{ timeShiftType: 'cosine' }, RangeError, /timeShiftType must be one of 'exponential', 'linear', got "cosine"/],
    [{ stochasticSampling: 'no' }, TypeError, /stochasticSampling must be true or false, got "no"/],
    [{ invertSigmas: true, stochasticSampling: true }, RangeError, /stochasticSampling cannot be combined with invertSigmas: the stochastic step assumes x = \(1 - sigma\) x0 \+ sigma eps/],
    [{ shiftSigmaMinOnce: null }, TypeError, /shiftSigmaMinOnce must be true or false, got null/],
    [{ predictionType: 'noise' }, RangeError, /predictionType must be one of 'flow', got "noise"/],
    [{ flowShift: 3 }, TypeError, /unknown FlowMatchEulerScheduler option "flowShift"; the options are numTrainSteps, shift, useDynamicShifting/],
  ])('%j', (options, type, message) => {
    expectRejected(() => new FlowMatchEulerScheduler(options as never), type, message);
  });

  test('options that are not an object; null baseShift and maxShift are allowed (diffusers: float | None)', () => {
    expectRejected(() => new FlowMatchEulerScheduler(3 as never), TypeError, /options must be an object of FlowMatchEulerScheduler options, got 3/);
    expect(new FlowMatchEulerScheduler({ baseShift: null, maxShift: null }).options).toMatchObject({ baseShift: null, maxShift: null });
  });

  test.each<[object, ErrorClass, RegExp]>([
    [{ time_shift_type: 'cosine' }, RangeError, /time_shift_type must be one of "exponential", "linear", got "cosine"/],
    [{ shift: 0 }, RangeError, /^shift must be a number > 0, got 0/],
    [{ shift_terminal: 1.5 }, RangeError, /shift_terminal must be a number with 0 < x < 1, got 1.5/],
    [{ use_karras_sigmas: true, use_beta_sigmas: true }, RangeError, /use_karras_sigmas and use_beta_sigmas are all true/],
    [{ use_exponential_sigmas: 'true' }, TypeError, /use_exponential_sigmas must be true or false, got "true"/],
    [{ invert_sigmas: true, stochastic_sampling: true }, RangeError, /stochastic_sampling cannot be combined with invert_sigmas/],
  ])('the diffusers config %j names its key', (config, type, message) => {
    expectRejected(() => FlowMatchEulerScheduler.fromDiffusersConfig(config), type, message);
  });
});

describe('init and sigmasFor', () => {
  const plain = new FlowMatchEulerScheduler({ shift: 3 });
  const dynamic = new FlowMatchEulerScheduler({ useDynamicShifting: true });
  const linear = new FlowMatchEulerScheduler({ useDynamicShifting: true, timeShiftType: 'linear' });

  test.each<[string, FlowMatchEulerScheduler, number, object, ErrorClass, RegExp]>([
    ['numSteps 0', plain, 0, {}, RangeError, /numSteps must be an integer >= 1, got 0/],
    ['numSteps 2.5', plain, 2.5, {}, RangeError, /numSteps must be an integer >= 1, got 2.5/],
    ['numSteps NaN', plain, NaN, {}, RangeError, /numSteps must be an integer >= 1, got NaN/],
    ['mu missing with useDynamicShifting', dynamic, 4, {}, TypeError, /mu \(or imageSeqLen\) must be given to init when useDynamicShifting is true/],
    ['mu NaN', dynamic, 4, { mu: NaN }, RangeError, /mu must be a number, got NaN/],
    ['mu as text', dynamic, 4, { mu: '1.15' }, TypeError, /mu must be a number, got "1.15"/],
    ['mu 0 with the linear time shift', linear, 4, { mu: 0 }, RangeError, /mu must be a number > 0, got 0/],
    ['mu and imageSeqLen', dynamic, 4, { mu: 1, imageSeqLen: 4096 }, TypeError, /give mu or imageSeqLen \(which computes mu\), not both; got mu 1 and imageSeqLen 4096/],
    ['imageSeqLen 0', dynamic, 4, { imageSeqLen: 0 }, RangeError, /imageSeqLen must be an integer >= 1, got 0/],
    ['imageSeqLen 1024.5', dynamic, 4, { imageSeqLen: 1024.5 }, RangeError, /imageSeqLen must be an integer >= 1, got 1024.5/],
    ['imageSeqLen as text', dynamic, 4, { imageSeqLen: '4096' }, TypeError, /imageSeqLen must be an integer >= 1, got "4096"/],
    ['imageSeqLen -1 without useDynamicShifting (checked, though unused)', plain, 4, { imageSeqLen: -1 }, RangeError, /imageSeqLen must be an integer >= 1, got -1/],
    ['imageSeqLen without baseShift', new FlowMatchEulerScheduler({ useDynamicShifting: true, baseShift: null }), 4, { imageSeqLen: 64 }, RangeError, /imageSeqLen needs baseShift and maxShift to compute mu, got baseShift null and maxShift 1.15/],
    ['imageSeqLen with equal seq lens', new FlowMatchEulerScheduler({ useDynamicShifting: true, baseImageSeqLen: 256, maxImageSeqLen: 256 }), 4, { imageSeqLen: 64 }, RangeError, /baseImageSeqLen and maxImageSeqLen to differ to compute mu, got 256 for both/],
    [
      'imageSeqLen giving mu <= 0 with the linear shift',
      new FlowMatchEulerScheduler({ useDynamicShifting: true, timeShiftType: 'linear', baseShift: -0.5, maxShift: 0.5 }),
      4,
      { imageSeqLen: 256 },
      RangeError,
      /imageSeqLen 256 gives mu = -0.5, but the linear time shift needs mu > 0 \(see baseShift, maxShift\)/,
    ],
    ['sigmas above 1', plain, 3, { sigmas: [1, 0.5, 1.2] }, RangeError, /sigmas\[2\] must be a number in \(0, 1\], got 1.2/],
    ['sigmas reaching 0', plain, 3, { sigmas: [1, 0.5, 0] }, RangeError, /sigmas\[2\] must be a number in \(0, 1\], got 0/],
    ['sigmas with NaN', plain, 2, { sigmas: [NaN, 0.5] }, RangeError, /sigmas\[0\] must be a number in \(0, 1\], got NaN/],
    ['sigmas ascending', plain, 3, { sigmas: [1, 0.5, 0.7] }, RangeError, /sigmas must be descending: sigmas\[2\] = 0.7 is not below sigmas\[1\] = 0.5/],
    ['sigmas repeating', plain, 2, { sigmas: [0.5, 0.5] }, RangeError, /sigmas must be descending: sigmas\[1\] = 0.5 is not below sigmas\[0\] = 0.5/],
    ['sigmas of another length', plain, 4, { sigmas: [1, 0.5] }, RangeError, /sigmas must hold one value per step \(numSteps = 4\), got 2/],
    ['sigmas as text', plain, 2, { sigmas: '1 0.5' }, TypeError, /sigmas must be an array of numSteps descending numbers in \(0, 1\], got "1 0.5"/],
    ['a sigma as text', plain, 2, { sigmas: [1, '0.5'] }, TypeError, /sigmas\[1\] must be a number in \(0, 1\], got "0.5"/],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    ['sigmas with a hole', plain, 2, { sigmas: [, 0.5] }, TypeError, /sigmas has a hole at index 0 \(a sparse array\); it must be an array of numSteps descending numbers in \(0, 1\]/],
    ['timesteps above numTrainSteps', plain, 2, { timesteps: [1200, 500] }, RangeError, /timesteps\[0\] must be a number in \(0, numTrainSteps = 1000\], got 1200/],
    ['timesteps ascending', plain, 2, { timesteps: [500, 600] }, RangeError, /timesteps must be descending: timesteps\[1\] = 600 is not below timesteps\[0\] = 500/],
    ['sigmas and timesteps', plain, 2, { sigmas: [1, 0.5], timesteps: [1000, 500] }, TypeError, /give sigmas or timesteps, not both/],
    ['shiftTerminal on a 1-step run', new FlowMatchEulerScheduler({ shiftTerminal: 0.1 }), 1, {}, RangeError, /shiftTerminal 0.1 stretches the sigmas so that the last becomes it, which needs a last sigma below 1; this 1-step schedule ends at 1/],
  ])('%s', (_, scheduler, numSteps, opts, type, message) => {
    expectRejected(() => scheduler.sigmasFor(numSteps, opts), type, message);
    expectRejected(() => scheduler.init(numSteps, [2], opts), type, message);
  });

  test('init options of another scheduler, a startIndex past the run, a bad shape; sigmasFor options that are not its own', () => {
    expectRejected(() => plain.init(4, [2], { strength: 0.5 } as never), TypeError, /unknown init option "strength"; the options are seed, key, generator, startIndex, sigmas, timesteps, mu, imageSeqLen/);
    expectRejected(() => plain.init(4, [2], { startIndex: 4 }), RangeError, /startIndex must be an integer in \[0, 3\], got 4/);
    expectRejected(() => plain.init(4, [0]), RangeError, /sampleShape\[0\] must be a positive integer, got 0/);
    expectRejected(() => plain.sigmasFor(4, { seed: 1 } as never), TypeError, /unknown sigmasFor option "seed"; the options are sigmas, timesteps, mu, imageSeqLen/);
    expectRejected(() => plain.sigmasFor(4, null as never), TypeError, /sigmasFor options must be an object like \{ mu \}, got null/);
  });
});

describe('step and addNoise misuse', () => {
  const scheduler = new FlowMatchEulerScheduler({ shift: 3, stochasticSampling: true });
  const shape = [2, 3];

  test('each refused call leaves the state usable and leaks nothing', () => {
    const { state, timesteps } = scheduler.init(2, shape, { seed: 1 });
    const x = tf.ones(shape);
    const v = tf.fill(shape, 0.5);
    const bad = {
      intSample: tf.ones(shape, 'int32'),
      otherShape: tf.ones([3, 2]),
      flat: tf.ones([6]),
      scalar: tf.scalar(1),
      boolTimesteps: tf.tensor1d([true, false], 'bool'),
      narrow: tf.ones([2, 2]),
      gone: tf.tensor1d([1, 2]),
    };
    bad.gone.dispose();
    const cases: Array<[() => unknown, ErrorClass, RegExp]> = [
      [() => scheduler.step(state, bad.intSample, v), TypeError, /sample must be a float32 tensor, got dtype int32/],
      [() => scheduler.step(state, x, bad.otherShape), RangeError, /modelOutput has shape \[3, 2\], which differs from the shape of sample \[2, 3\]/],
      [() => scheduler.step(state, x, v, { noise: bad.flat }), RangeError, /opts.noise has shape \[6\], which differs from the shape of sample \[2, 3\]/],
      [() => new DdimScheduler().step(state, x, v), Error, /state belongs to another scheduler/],
      [() => scheduler.scaleModelInput(state, bad.otherShape), RangeError, /sample has shape \[3, 2\], which differs from the sampleShape given to init \[2, 3\]/],
      [() => scheduler.addNoise(bad.scalar, bad.scalar, []), RangeError, /original must have a first \(batch\) axis, got a scalar/],
      [() => scheduler.addNoise(x, v, [0, 1001]), RangeError, /timesteps\[1\] must be a number in \[0, 1000\], got 1001/],
      [() => scheduler.addNoise(x, v, [NaN, 1]), RangeError, /timesteps\[0\] must be a number in \[0, 1000\], got NaN/],
      [() => scheduler.addNoise(x, v, [500]), RangeError, /timesteps must hold one timestep per item of original's first axis \(2\), got 1/],
      [() => scheduler.addNoise(x, v, bad.gone), TypeError, /timesteps was disposed before the call/],
      [() => scheduler.addNoise(x, v, '500' as never), TypeError, /timesteps must be an array of 2 numbers in \[0, 1000\] or a float32 or int32 tf.Tensor1D, got "500"/],
      [() => scheduler.addNoise(x, v, bad.boolTimesteps as never), TypeError, /timesteps must be a float32 or int32 tf.Tensor1D of 2 values .*got a bool tensor of shape \[2\]/],
      [() => scheduler.addNoise(x, bad.narrow, [1, 2]), RangeError, /noise has shape \[2, 2\], which differs from the shape of original \[2, 3\]/],
    ];
    for (const [call, type, message] of cases) expectRejected(call, type, message);
    tf.dispose(Object.values(bad));
    // The state was never used up: it steps now.
    const out = scheduler.step(state, x, v);
    expect(out.sample.shape).toEqual(shape);
    tf.dispose([out.sample, out.denoised]);

    const last = scheduler.step(out.state, x, v);
    tf.dispose([last.sample, last.denoised]);
    expectRejected(() => scheduler.step(last.state, x, v), RangeError, /step was called past the last timestep: the run has 2 steps and all were taken/);
    state.dispose();
    expectRejected(() => scheduler.scaleModelInput(out.state, x), Error, /state was disposed/);
    tf.dispose([x, v, timesteps]);
  });
});
