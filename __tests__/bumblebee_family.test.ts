// One spec for PndmScheduler, LcmScheduler and TcdScheduler, beyond what main's registry-wide
// bad-input suite (schedulers_bad_input.test.ts: options that are not an object or not an
// option, NaN / {} / strings for every option, the sample shape, step misuse, past the end)
// checks for every class: each option's own range (Infinity included), numSteps as Bumblebee
// bounds it, LCM's and TCD's strength and custom timesteps, each a TypeError or RangeError
// naming the argument and the value that makes no tensor; a used state that throws leaves the
// run as if it had not been tried; memory stays flat over 1000 model calls.
import * as tf from '@tensorflow/tfjs-core';
import { LcmScheduler, PndmScheduler, TcdScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';
import { expectRejected } from './helpers/rejections';

beforeAll(() => useBackend('cpu'));

type ErrorType = typeof TypeError | typeof RangeError;

/**
 * Bad values of every option of the three classes, each with its error. Every option a class
 * has must be here (checked below), with a value of the wrong type and, for numbers, NaN and
 * Infinity.
 */
const BAD_OPTIONS: Record<string, Array<[unknown, ErrorType, RegExp]>> = {
  numTrainSteps: [
    [2.5, RangeError, /numTrainSteps must be an integer (>= 1|in \[1, \d+\]), got 2.5/],
    [NaN, RangeError, /numTrainSteps must be an integer (>= 1|in \[1, \d+\]), got NaN/],
    ['1000', TypeError, /numTrainSteps must be an integer (>= 1|in \[1, \d+\]), got "1000"/],
  ],
  betaSchedule: [
    ['cosine', RangeError, /betaSchedule must be one of 'linear', 'quadratic', 'squared_cosine', got "cosine"/],
    [1, TypeError, /betaSchedule must be one of .*, got 1/],
  ],
  betaStart: [
    [0, RangeError, /betaStart must be a number with 0 < x < 1, got 0/],
    [NaN, RangeError, /betaStart must be a number with 0 < x < 1, got NaN/],
    [Infinity, RangeError, /betaStart must be a number with 0 < x < 1, got Infinity/],
    ['0.001', TypeError, /betaStart must be a number with 0 < x < 1, got "0.001"/],
  ],
  betaEnd: [
    [1, RangeError, /betaEnd must be a number with 0 < x < 1, got 1/],
    [-Infinity, RangeError, /betaEnd must be a number with 0 < x < 1, got -Infinity/],
    [null, TypeError, /betaEnd must be a number with 0 < x < 1, got null/],
  ],
  trainedBetas: [
    ['0.1 0.2', TypeError, /trainedBetas must be an array of numTrainSteps numbers in \[0, 1\], got "0.1 0.2"/],
    [[0.1, 0.2], RangeError, /trainedBetas must hold numTrainSteps = 1000 values, got 2/],
    [Array(1000).fill(NaN), RangeError, /trainedBetas\[0\] must be a number in \[0, 1\], got NaN/],
    [Array(1000).fill(Infinity), RangeError, /trainedBetas\[0\] must be a number in \[0, 1\], got Infinity/],
  ],
  rescaleBetasZeroSnr: [['yes', TypeError, /rescaleBetasZeroSnr must be true or false, got "yes"/]],
  predictionType: [
    ['epsilon', RangeError, /predictionType must be one of 'noise', 'angular_velocity'.*, got "epsilon"/],
    [0, TypeError, /predictionType must be one of .*, got 0/],
  ],
  alphaClipStrategy: [
    ['zero', RangeError, /alphaClipStrategy must be one of 'one', 'alpha_zero', got "zero"/],
    [true, TypeError, /alphaClipStrategy must be one of 'one', 'alpha_zero', got true/],
  ],
  timestepsOffset: [
    [-1, RangeError, /timestepsOffset must be an integer in \[0, 999\], got -1/],
    [1.5, RangeError, /timestepsOffset must be an integer in \[0, 999\], got 1.5/],
    [NaN, RangeError, /timestepsOffset must be an integer in \[0, 999\], got NaN/],
    [Infinity, RangeError, /timestepsOffset must be an integer in \[0, 999\], got Infinity/],
    ['1', TypeError, /timestepsOffset must be an integer in \[0, 999\], got "1"/],
  ],
  timestepSpacing: [
    ['uniform', RangeError, /timestepSpacing must be one of 'leading', 'trailing', 'linspace', got "uniform"/],
    [null, TypeError, /timestepSpacing must be one of .*, got null/],
  ],
  reduceWarmup: [['true', TypeError, /reduceWarmup must be true or false, got "true"/]],
  clipDenoisedSample: [[1, TypeError, /clipDenoisedSample must be true or false, got 1/]],
  clipSampleRange: [
    [0, RangeError, /clipSampleRange must be a number > 0, got 0/],
    [NaN, RangeError, /clipSampleRange must be a number > 0, got NaN/],
    [Infinity, RangeError, /clipSampleRange must be a number > 0, got Infinity/],
    ['1', TypeError, /clipSampleRange must be a number > 0, got "1"/],
  ],
  thresholding: [['no', TypeError, /thresholding must be true or false, got "no"/]],
  dynamicThresholdingRatio: [
    [1, RangeError, /dynamicThresholdingRatio must be a number with 0 < x < 1, got 1/],
    [NaN, RangeError, /dynamicThresholdingRatio must be a number with 0 < x < 1, got NaN/],
    [[0.9], TypeError, /dynamicThresholdingRatio must be a number with 0 < x < 1, got \[0.9\]/],
  ],
  sampleMaxValue: [
    [0, RangeError, /sampleMaxValue must be a number > 0, got 0/],
    [Infinity, RangeError, /sampleMaxValue must be a number > 0, got Infinity/],
    [true, TypeError, /sampleMaxValue must be a number > 0, got true/],
  ],
  numOriginalSteps: [
    [0, RangeError, /numOriginalSteps must be an integer in \[1, 1000\], got 0/],
    [1001, RangeError, /numOriginalSteps must be an integer in \[1, 1000\], got 1001/],
    [NaN, RangeError, /numOriginalSteps must be an integer in \[1, 1000\], got NaN/],
    ['50', TypeError, /numOriginalSteps must be an integer in \[1, 1000\], got "50"/],
  ],
  boundaryConditionTimestepScale: [
    [0, RangeError, /boundaryConditionTimestepScale must be a number > 0, got 0/],
    [Infinity, RangeError, /boundaryConditionTimestepScale must be a number > 0, got Infinity/],
    [NaN, RangeError, /boundaryConditionTimestepScale must be a number > 0, got NaN/],
    ['10', TypeError, /boundaryConditionTimestepScale must be a number > 0, got "10"/],
  ],
  gamma: [
    [-0.1, RangeError, /gamma must be a number >= 0 and <= 1, got -0.1/],
    [1.5, RangeError, /gamma must be a number >= 0 and <= 1, got 1.5/],
    [NaN, RangeError, /gamma must be a number >= 0 and <= 1, got NaN/],
    ['0.3', TypeError, /gamma must be a number >= 0 and <= 1, got "0.3"/],
  ],
};

interface FamilyClass {
  name: string;
  create: (options?: object) => Scheduler;
  /** A valid numSteps, and numSteps values init refuses with their messages. */
  numSteps: number;
  badNumSteps: Array<[unknown, ErrorType, RegExp]>;
  /** Init options of other classes that this one does not take. */
  foreignInitOption: Record<string, unknown>;
}

const CLASSES: FamilyClass[] = [
  {
    name: 'PndmScheduler',
    create: (options = {}) => new PndmScheduler(options),
    numSteps: 4,
    badNumSteps: [
      // Bumblebee: "expected at least 4 steps, got: 2"
      [2, RangeError, /numSteps must be an integer in \[4, 1000\], got 2/],
      [3, RangeError, /numSteps must be an integer in \[4, 1000\], got 3/],
      [1001, RangeError, /numSteps must be an integer in \[4, 1000\], got 1001/],
      [NaN, RangeError, /numSteps must be an integer in \[4, 1000\], got NaN/],
      ['10', TypeError, /numSteps must be an integer in \[4, 1000\], got "10"/],
    ],
    foreignInitOption: { strength: 0.5 },
  },
  ...(['LcmScheduler', 'TcdScheduler'] as const).map(
    (name): FamilyClass => ({
      name,
      create: (options = {}) => (name === 'LcmScheduler' ? new LcmScheduler(options) : new TcdScheduler(options)),
      numSteps: 4,
      badNumSteps: [
        [0, RangeError, /numSteps must be an integer in \[1, 1000\], got 0/],
        // Bumblebee: "expected the number of steps to be less or equal to the number of training steps (1000), got: 1001"
        [1001, RangeError, /numSteps must be an integer in \[1, 1000\], got 1001/],
        // Bumblebee: "... less or equal to the number of original steps (50), got: 51"
        [51, RangeError, /numSteps must be at most numOriginalSteps = 50 .*, got 51/],
        [Infinity, RangeError, /numSteps must be an integer in \[1, 1000\], got Infinity/],
        [null, TypeError, /numSteps must be an integer in \[1, 1000\], got null/],
      ],
      foreignInitOption: { sigmas: [1, 0] },
    }),
  ),
];

describe.each(CLASSES)('$name', ({ create, numSteps, badNumSteps, foreignInitOption }) => {
  const optionNames = Object.keys(create().options);

  test('every option has bad values to test, of a wrong type among them', () => {
    const missing = optionNames.filter((option) => !BAD_OPTIONS[option]?.some(([, type]) => type === TypeError));
    expect(missing).toEqual([]);
  });

  test.each(optionNames.flatMap((option) => (BAD_OPTIONS[option] ?? []).map(([value, type, message]) => [option, value, type, message] as const)))(
    'option %s = %p',
    (option, value, type, message) => {
      expectRejected(() => create({ [option]: value }), type, message);
    },
  );

  test('numOriginalSteps: its default too must not exceed numTrainSteps', () => {
    if (!optionNames.includes('numOriginalSteps')) return;
    expectRejected(() => create({ numTrainSteps: 10 }), RangeError, /numOriginalSteps must be an integer in \[1, numTrainSteps = 10\], got 50 \(its default\)/);
    expect(create({ numTrainSteps: 10, numOriginalSteps: 10 }).options).toMatchObject({ numOriginalSteps: 10 });
  });

  describe('init', () => {
    const scheduler = create();

    test.each(badNumSteps)('numSteps %p', (value, type, message) => {
      expectRejected(() => scheduler.init(value as number, [2]), type, message);
    });

    test('init options of other classes', () => {
      const foreign = Object.keys(foreignInitOption)[0];
      expectRejected(() => scheduler.init(numSteps, [2], foreignInitOption as never), TypeError, new RegExp(`unknown init option "${foreign}"; the options are seed, key, generator, startIndex`));
    });
  });

  test('a used state throws "state was already stepped", and the run goes on as if it had not been tried', async () => {
    const scheduler = create();
    const shape = [2, 3];
    const run = (retryStaleAt: number | null) => {
      const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 5 });
      let state = first;
      let current = tf.ones(shape);
      while (state.timestep !== undefined) {
        const previous = state;
        const output = tf.mul(current, 0.5);
        const out = scheduler.step(state, current, output);
        if (previous.index === retryStaleAt) {
          expectRejected(
            () => scheduler.step(previous, current, output),
            Error,
            new RegExp(`state was already stepped: it is the state before step ${retryStaleAt}, and the run is at step ${retryStaleAt + 1}\\. A state is used once; use the state step\\(\\) returned`),
          );
        }
        tf.dispose([current, output, out.denoised]);
        ({ state, sample: current } = out);
      }
      state.dispose();
      timesteps.dispose();
      return current;
    };
    const clean = run(null);
    // PNDM's step 1 is inside the first Runge-Kutta block: the rejected call must not touch the kept outputs.
    const retried = run(1);
    expect(Array.from(await retried.data())).toEqual(Array.from(await clean.data()));
    tf.dispose([clean, retried]);
  });
});

describe.each([
  ['LcmScheduler', () => new LcmScheduler()],
  ['TcdScheduler', () => new TcdScheduler()],
])("%s init's strength and custom timesteps (diffusers' set_timesteps)", (_, create) => {
  const scheduler = create();

  test.each<[number, object, ErrorType, RegExp]>([
    [4, { strength: 0 }, RangeError, /strength must be a number > 0 and <= 1, got 0/],
    [4, { strength: 1.5 }, RangeError, /strength must be a number > 0 and <= 1, got 1.5/],
    [4, { strength: NaN }, RangeError, /strength must be a number > 0 and <= 1, got NaN/],
    [4, { strength: '0.5' }, TypeError, /strength must be a number > 0 and <= 1, got "0.5"/],
    // Bumblebee: "expected the number of steps to be less or equal to num_original_steps * strength (50 * 0.5)"
    [30, { strength: 0.5 }, RangeError, /numSteps must be at most floor\(numOriginalSteps \* strength\) = floor\(50 \* 0.5\) = 25, got 30; use fewer steps or a higher strength/],
    [1, { strength: 0.01 }, RangeError, /numSteps must be at most floor\(numOriginalSteps \* strength\) = floor\(50 \* 0.01\) = 0, got 1/],
    [0, { timesteps: [] }, TypeError, /timesteps must be a non-empty array of integers in \[0, 999\], strictly descending, got \[\]/],
    [3, { timesteps: '999 500 0' }, TypeError, /timesteps must be a non-empty array .*, got "999 500 0"/],
    [3, { timesteps: [999, 999, 500] }, RangeError, /timesteps must be strictly descending, got 999 then 999 at timesteps\[1\]/],
    [2, { timesteps: [500, 999] }, RangeError, /timesteps must be strictly descending, got 500 then 999 at timesteps\[1\]/],
    [2, { timesteps: [1000, 500] }, RangeError, /timesteps\[0\] must be an integer in \[0, 999\], got 1000/],
    [2, { timesteps: [500, -1] }, RangeError, /timesteps\[1\] must be an integer in \[0, 999\], got -1/],
    [2, { timesteps: [500, 2.5] }, RangeError, /timesteps\[1\] must be an integer in \[0, 999\], got 2.5/],
    [2, { timesteps: [500, NaN] }, RangeError, /timesteps\[1\] must be an integer in \[0, 999\], got NaN/],
    [2, { timesteps: [500, '250'] }, TypeError, /timesteps\[1\] must be an integer in \[0, 999\], got "250"/],
    [3, { timesteps: [999, 500] }, RangeError, /numSteps must be the number of custom timesteps, 2, got 3/],
    [2, { timesteps: [999, 500], strength: 0.4 }, RangeError, /strength must leave at least one of the 2 custom timesteps \(floor\(2 \* strength\) >= 1\), got 0.4/],
  ])('numSteps %p with %j', (numSteps, opts, type, message) => {
    expectRejected(() => scheduler.init(numSteps, [2], opts), type, message);
  });

  test('strength takes the first floor(numOriginalSteps * strength) distillation steps; with custom timesteps, their last floor(n * strength)', () => {
    const timestepsOf = (numSteps: number, opts: object) => {
      const { state, timesteps } = scheduler.init(numSteps, [1], opts);
      const values = Array.from(timesteps.dataSync());
      tf.dispose(timesteps);
      state.dispose();
      return values;
    };
    expect(timestepsOf(4, { strength: 0.5 })).toEqual([499, 379, 259, 139]);
    expect(timestepsOf(25, { strength: 0.5 })).toEqual(Array.from({ length: 25 }, (_, i) => 499 - 20 * i));
    expect(timestepsOf(4, { timesteps: Int32Array.from([999, 759, 499, 259]), strength: 0.5 })).toEqual([499, 259]);
    expect(timestepsOf(4, { timesteps: [999, 759, 499, 259], startIndex: 1 })).toEqual([759, 499, 259]);
  });
});

describe('memory stays flat over 1000 model calls', () => {
  test.each<[string, () => Scheduler, number]>([
    // 991 steps: 3 Runge-Kutta blocks (12 calls), then 988 multistep calls
    ['PndmScheduler', () => new PndmScheduler(), 991],
    ['PndmScheduler (reduceWarmup)', () => new PndmScheduler({ reduceWarmup: true }), 999],
    ['LcmScheduler', () => new LcmScheduler({ numOriginalSteps: 1000 }), 1000],
    ['TcdScheduler', () => new TcdScheduler({ numOriginalSteps: 1000 }), 1000],
  ])('%s', (_, create, numSteps) => {
    const scheduler = create();
    const shape = [1, 4];
    const before = tf.memory().numTensors;
    const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 0 });
    expect(first.numSteps).toBe(1000);
    let state = first;
    let current = tf.ones(shape);
    const output = tf.fill(shape, 0.25);
    const counts: number[] = [];
    while (state.timestep !== undefined) {
      const out = scheduler.step(state, current, output);
      tf.dispose([current, out.denoised]);
      ({ state, sample: current } = out);
      counts.push(tf.memory().numTensors);
    }
    // After the warm-up the run holds the same tensors at every call; the last releases them all.
    const steady = counts.slice(12, -1);
    expect(Math.max(...steady)).toBe(Math.min(...steady));
    expect(counts.at(-1)).toBe(before + 4); // timesteps, the run's copy, the sample, the output
    expect(Object.keys(state.run.history)).toEqual([]);
    state.dispose();
    tf.dispose([current, output, timesteps]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
