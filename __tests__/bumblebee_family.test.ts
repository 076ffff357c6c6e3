// One spec for PndmScheduler, LcmScheduler and TcdScheduler: bad options, init arguments and
// step misuse each get a TypeError or RangeError naming the argument, the value and what is
// allowed, make no tensor, and leave the state usable; a used state throws; memory stays flat
// over 1000 model calls.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, LcmScheduler, PndmScheduler, TcdScheduler, type Scheduler, type SchedulerState } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';

beforeAll(() => useBackend('cpu'));

type ErrorType = typeof TypeError | typeof RangeError;

/**
 * Bad values of every option of the three classes, each with its error. Every option a class
 * has must be here (checked below), with a value of the wrong type and, for numbers, NaN and
 * Infinity.
 */
const BAD_OPTIONS: Record<string, Array<[unknown, ErrorType, RegExp]>> = {
  numTrainSteps: [
    [0, RangeError, /numTrainSteps must be an integer >= 1, got 0/],
    [2.5, RangeError, /numTrainSteps must be an integer >= 1, got 2.5/],
    [NaN, RangeError, /numTrainSteps must be an integer >= 1, got NaN/],
    [Infinity, RangeError, /numTrainSteps must be an integer >= 1, got Infinity/],
    ['1000', TypeError, /numTrainSteps must be an integer >= 1, got "1000"/],
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
    [0.5, RangeError, /sampleMaxValue must be a number >= 1, got 0.5/],
    [Infinity, RangeError, /sampleMaxValue must be a number >= 1, got Infinity/],
    [true, TypeError, /sampleMaxValue must be a number >= 1, got true/],
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

function expectRejected(run: () => unknown, type: ErrorType, message: RegExp): void {
  const before = tf.memory().numTensors;
  expect(run).toThrow(type);
  expect(run).toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe.each(CLASSES)('$name', ({ name, create, numSteps, badNumSteps, foreignInitOption }) => {
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

  test('unknown option names, options that are not an object, and the defaults of numOriginalSteps with few training steps', () => {
    expectRejected(() => create({ betaschedule: 'linear' }), TypeError, new RegExp(`unknown ${name} option "betaschedule"; the options are numTrainSteps, betaSchedule`));
    expectRejected(() => create({ eta: 0.3 }), TypeError, new RegExp(`unknown ${name} option "eta"`));
    expectRejected(() => create('linear' as never), TypeError, new RegExp(`options must be an object of ${name} options, got "linear"`));
    if (optionNames.includes('numOriginalSteps')) {
      expectRejected(() => create({ numTrainSteps: 10 }), RangeError, /numOriginalSteps must be an integer in \[1, numTrainSteps = 10\], got 50 \(its default\)/);
      expect(create({ numTrainSteps: 10, numOriginalSteps: 10 }).options).toMatchObject({ numOriginalSteps: 10 });
    }
  });

  describe('init', () => {
    const scheduler = create();

    test.each(badNumSteps)('numSteps %p', (value, type, message) => {
      expectRejected(() => scheduler.init(value as number, [2]), type, message);
    });

    test('sampleShape, noise source, startIndex and init options of other classes', () => {
      expectRejected(() => scheduler.init(numSteps, [2, 0]), RangeError, /sampleShape\[1\] must be a positive integer, got 0 \(in \[2, 0\]\)/);
      expectRejected(() => scheduler.init(numSteps, '2x2' as never), TypeError, /sampleShape must be a non-empty array of positive integers, got "2x2"/);
      expectRejected(() => scheduler.init(numSteps, [2], { seed: 1, generator: { randnValues: () => new Float32Array() } }), TypeError, /init takes one of seed, key and generator, got seed and generator/);
      expectRejected(() => scheduler.init(numSteps, [2], { startIndex: numSteps }), RangeError, new RegExp(`startIndex must be an integer in \\[0, ${numSteps - 1}\\], got ${numSteps}`));
      const foreign = Object.keys(foreignInitOption)[0];
      expectRejected(() => scheduler.init(numSteps, [2], foreignInitOption as never), TypeError, new RegExp(`unknown init option "${foreign}"; the options are seed, key, generator, startIndex`));
      expectRejected(() => scheduler.init(numSteps, [2], 7 as never), TypeError, /init options must be an object like \{ seed \}, got 7/);
    });
  });

  describe('step', () => {
    const shape = [2, 3];
    let scheduler: Scheduler;
    let sample: tf.Tensor;
    let prediction: tf.Tensor;
    beforeEach(() => {
      scheduler = create();
      sample = tf.ones(shape);
      prediction = tf.fill(shape, 0.5);
    });
    afterEach(() => tf.dispose([sample, prediction]));

    test('wrong shapes, dtypes and things that are not tensors are refused and leave the state usable', () => {
      const { state, timesteps } = scheduler.init(numSteps, shape, { seed: 0 });
      const wide = tf.zeros([2, 4]);
      const ints = tf.zeros(shape, 'int32');
      const gone = tf.zeros(shape);
      gone.dispose();
      expectRejected(() => scheduler.step(state, sample, wide), RangeError, /modelOutput has shape \[2, 4\], which differs from the shape of sample \[2, 3\]/);
      expectRejected(() => scheduler.step(state, wide, wide), RangeError, /sample has shape \[2, 4\], which differs from the sampleShape given to init \[2, 3\]/);
      expectRejected(() => scheduler.step(state, sample, ints), TypeError, /modelOutput must be a float32 tensor, got dtype int32/);
      expectRejected(() => scheduler.step(state, ints, prediction), TypeError, /sample must be a float32 tensor, got dtype int32/);
      expectRejected(() => scheduler.step(state, sample, [1, 2] as never), TypeError, /modelOutput must be a tf.Tensor, got \[1, 2\]/);
      expectRejected(() => scheduler.step(state, sample, gone), Error, /modelOutput was disposed before the call/);
      expectRejected(() => scheduler.step(state, sample, prediction, { noise: wide }), RangeError, /opts.noise has shape \[2, 4\], which differs from the shape of sample \[2, 3\]/);
      expectRejected(() => scheduler.scaleModelInput(state, wide), RangeError, /sample has shape \[2, 4\]/);
      const out = scheduler.step(state, sample, prediction);
      expect(out.state.index).toBe(1);
      tf.dispose([wide, ints, out.sample, out.denoised, timesteps]);
      state.dispose();
    });

    test('a disposed state, a state of another scheduler or class, and something that is no state', () => {
      const { state, timesteps } = scheduler.init(numSteps, shape);
      const other = new DdimScheduler().init(10, shape);
      expectRejected(() => create().step(state, sample, prediction), Error, /state belongs to another scheduler: step with the scheduler whose init\(\) made it/);
      expectRejected(() => scheduler.step(other.state, sample, prediction), Error, /state belongs to another scheduler/);
      expectRejected(() => scheduler.step({ index: 0 } as never, sample, prediction), TypeError, /state must be the state init\(\) or step\(\) returned, got an object/);
      state.dispose();
      expectRejected(() => scheduler.step(state, sample, prediction), Error, /state was disposed: state.dispose\(\) ended its run; call init\(\) for a new run/);
      expectRejected(() => scheduler.scaleModelInput(state, sample), Error, /state was disposed/);
      other.state.dispose();
      tf.dispose([timesteps, other.timesteps]);
    });

    test('a used state throws "state was already stepped", and the run goes on as if it had not been tried', async () => {
      const run = (retryStaleAt: number | null) => {
        const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 5 });
        let state = first;
        let current = tf.clone(sample);
        while (state.timestep !== undefined) {
          const previous = state;
          const output = tf.mul(current, 0.5);
          const out = scheduler.step(state, current, output);
          if (previous.index === retryStaleAt) {
            expectRejected(() => scheduler.step(previous, current, output), Error, new RegExp(`state was already stepped: it is the state before step ${retryStaleAt}, and the run is at step ${retryStaleAt + 1}\\. A state is used once; use the state step\\(\\) returned`));
          }
          tf.dispose([current, output, out.denoised]);
          ({ state, sample: current } = out);
        }
        state.dispose();
        timesteps.dispose();
        return current;
      };
      const clean = run(null);
      const retried = run(1);
      expect(Array.from(await retried.data())).toEqual(Array.from(await clean.data()));
      tf.dispose([clean, retried]);
    });

    test('past the last step', () => {
      const { state, timesteps } = scheduler.init(numSteps, shape);
      let current: SchedulerState = state;
      const results: tf.Tensor[] = [];
      while (current.timestep !== undefined) {
        const out = scheduler.step(current, sample, prediction);
        results.push(out.sample, out.denoised);
        current = out.state;
      }
      expectRejected(() => scheduler.step(current, sample, prediction), RangeError, new RegExp(`step was called past the last timestep: the run has ${current.numSteps} steps and all were taken`));
      tf.dispose([...results, timesteps]);
      state.dispose();
    });
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
