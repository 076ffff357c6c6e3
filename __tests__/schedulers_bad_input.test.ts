// Bad input to every scheduler class of the registry, through the protocol they share: options
// of the wrong type, range or name; init arguments; step misuse (disposed, foreign, stale and
// forged states, wrong dtypes and shapes, sparse arrays). Each is a TypeError or RangeError (an
// Error for a state's lifecycle) naming the argument and the value, leaks nothing, and leaves
// the state usable. A class added to src/schedulers/registry.ts is covered without a line here.
import * as tf from '@tensorflow/tfjs-core';
import { random, type Scheduler, type SchedulerState } from 'tfjs-diffusion-schedulers';
import { SCHEDULERS, type SchedulerEntry } from '../src/schedulers/registry';
import { useBackend } from './helpers/backends';
import { expectRejected } from './helpers/rejections';

beforeAll(() => useBackend('cpu'));

const NUM_STEPS = 4;
const SHAPE = [2, 3];
const entries = SCHEDULERS.map((entry) => [entry.name, entry] as const);

function started(entry: SchedulerEntry): { scheduler: Scheduler; state: SchedulerState; dispose: () => void } {
  const scheduler = entry.create();
  const { state, timesteps } = scheduler.init(NUM_STEPS, SHAPE, { seed: 0 });
  timesteps.dispose();
  return { scheduler, state, dispose: () => state.dispose() };
}

describe.each(entries)('%s', (_, entry) => {
  test('options that are not an object, or not an option', () => {
    expectRejected(() => entry.create('fast' as never), TypeError, /options must be an object of \w+ options, got "fast"/);
    expectRejected(() => entry.create({ numTrainStep: 1000 }), TypeError, /unknown \w+ option "numTrainStep"; the options are /);
  });

  test.each([NaN, {}, 'no-such-value'])('every option refuses %p, naming itself', (bad) => {
    const names = Object.keys(entry.create().options);
    expect(names.length).toBeGreaterThan(3);
    const accepted = names.filter((name) => {
      try {
        entry.create({ [name]: bad });
        return true;
      } catch (error) {
        expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
        expect((error as Error).message).toContain(name);
        return false;
      }
    });
    expect(accepted).toEqual([]);
  });

  test('numTrainSteps out of its documented range', () => {
    for (const bad of [0, -1, 1.5, 100_001, Infinity]) expectRejected(() => entry.create({ numTrainSteps: bad }), RangeError, new RegExp(`numTrainSteps must be an integer in \\[1, 100000\\], got ${bad}`));
  });

  test('a sparse array of numbers (trainedBetas, custom sigmas or timesteps) is named as such', () => {
    /** `count` descending numbers with a hole at index 0. */
    const sparse = (count: number, top: number): number[] => {
      const values = new Array<number>(count);
      for (let i = 1; i < count; i++) values[i] = top * (1 - i / count);
      return values;
    };
    if ('trainedBetas' in entry.create().options) {
      expectRejected(() => entry.create({ trainedBetas: sparse(1000, 0.01) }), TypeError, /trainedBetas has a hole at index 0 \(a sparse array\)/);
    }
    const scheduler = entry.create();
    for (const name of ['sigmas', 'timesteps']) {
      // A class without the init option says so; one with it names the hole.
      expectRejected(() => scheduler.init(NUM_STEPS, SHAPE, { [name]: sparse(NUM_STEPS, name === 'sigmas' ? 0.5 : 999) } as never), TypeError, new RegExp(`unknown init option "${name}"|${name} has a hole at index 0 \\(a sparse array\\)`));
    }
  });

  test('init: numSteps, the sample shape and the init options, each named', () => {
    const scheduler = entry.create();
    for (const bad of [0, 2.5, NaN]) expectRejected(() => scheduler.init(bad, SHAPE), RangeError, /numSteps must be an integer/);
    expectRejected(() => scheduler.init('4' as never, SHAPE), TypeError, /numSteps must be an integer.*got "4"/);
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    expectRejected(() => scheduler.init(NUM_STEPS, [, 3] as never), TypeError, /sampleShape has a hole at index 0 \(a sparse array\)/);
    expectRejected(() => scheduler.init(NUM_STEPS, [2, 0]), RangeError, /sampleShape\[1\] must be a positive integer, got 0/);
    expectRejected(() => scheduler.init(NUM_STEPS, '2x3' as never), TypeError, /sampleShape must be a non-empty array of positive integers, got "2x3"/);
    expectRejected(() => scheduler.init(NUM_STEPS, [65536, 65536]), RangeError, /sampleShape \[65536, 65536\] holds 4294967296 elements/);
    expectRejected(() => scheduler.init(NUM_STEPS, SHAPE, { sed: 1 } as never), TypeError, /unknown init option "sed"; the options are seed, key, generator, startIndex/);
    expectRejected(() => scheduler.init(NUM_STEPS, SHAPE, null as never), TypeError, /init options must be an object/);
    expectRejected(() => scheduler.init(NUM_STEPS, SHAPE, { seed: 1.5 }), RangeError, /seed/);
    expectRejected(() => scheduler.init(NUM_STEPS, SHAPE, { seed: 1, generator: random.torchGenerator(1) }), TypeError, /init takes one of seed, key and generator, got seed and generator/);
    expectRejected(() => scheduler.init(NUM_STEPS, SHAPE, { startIndex: NUM_STEPS }), RangeError, /startIndex must be an integer in \[0, \d+\], got 4/);
  });

  test('step misuse: every rejected call names its argument, leaks nothing and leaves the state usable', () => {
    const { scheduler, state, dispose } = started(entry);
    const x = tf.ones(SHAPE);
    const p = tf.mul(x, 0.5);
    const wide = tf.zeros([2, 4]);
    const ints = tf.zeros(SHAPE, 'int32');
    const gone = tf.zeros(SHAPE);
    gone.dispose();
    expectRejected(() => scheduler.step({} as never, x, p), TypeError, /state must be the state init\(\) or step\(\) returned, got an object/);
    expectRejected(() => scheduler.step(null as never, x, p), TypeError, /state must be the state init\(\) or step\(\) returned, got null/);
    expectRejected(() => entry.create().step(state, x, p), Error, /state belongs to another scheduler/);
    expectRejected(() => scheduler.step(state, x, wide), RangeError, /modelOutput has shape \[2, 4\], which differs from the shape of sample \[2, 3\]/);
    expectRejected(() => scheduler.step(state, wide, wide), RangeError, /sample has shape \[2, 4\], which differs from the sampleShape given to init \[2, 3\]/);
    expectRejected(() => scheduler.step(state, x, ints), TypeError, /modelOutput must be a float32 tensor, got dtype int32/);
    expectRejected(() => scheduler.step(state, x, gone), TypeError, /modelOutput was disposed before the call/);
    expectRejected(() => scheduler.step(state, x, [1, 2] as never), TypeError, /modelOutput must be a tf.Tensor, got \[1, 2\]/);
    expectRejected(() => scheduler.step(state, x, p, null as never), TypeError, /step options must be an object like \{ noise \}, got null/);
    expectRejected(() => scheduler.step(state, x, p, { noise: wide }), RangeError, /opts.noise has shape \[2, 4\], which differs from the shape of sample \[2, 3\]/);
    expectRejected(() => scheduler.scaleModelInput(state, wide), RangeError, /sample has shape \[2, 4\], which differs from the sampleShape given to init \[2, 3\]/);
    // The state is untouched by the rejected calls: it steps, then it is used up.
    const out = scheduler.step(state, x, p);
    expect(out.state.index).toBe(1);
    expectRejected(() => scheduler.step(state, x, p), Error, /state was already stepped: it is the state before step 0, and the run is at step 1. A state is used once; use the state step\(\) returned/);
    expectRejected(() => scheduler.scaleModelInput(state, x), Error, /state was already stepped/);
    const next = scheduler.step(out.state, out.sample, p);
    expect(next.state.index).toBe(2);
    dispose();
    expectRejected(() => scheduler.step(next.state, x, p), Error, /state was disposed: state.dispose\(\) ended its run; call init\(\) for a new run/);
    tf.dispose([x, p, wide, ints, out.sample, out.denoised, next.sample, next.denoised]);
  });

  test('past the last step', () => {
    const { scheduler, state } = started(entry);
    const x = tf.ones(SHAPE);
    let current = state;
    let sample = tf.clone(x);
    while (current.timestep !== undefined) {
      const out = scheduler.step(current, sample, tf.tidy(() => tf.mul(sample, 0.5)));
      tf.dispose([sample, out.denoised]);
      ({ state: current, sample } = out);
    }
    expectRejected(() => scheduler.step(current, sample, x), RangeError, /step was called past the last timestep: the run has \d+ steps and all were taken/);
    expectRejected(() => scheduler.scaleModelInput(current, sample), RangeError, /past the last timestep/);
    current.dispose();
    tf.dispose([x, sample]);
  });

  test('addNoise: timesteps sparse, of another length, or not numbers', () => {
    const scheduler = entry.create();
    const x = tf.ones(SHAPE);
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    expectRejected(() => scheduler.addNoise(x, x, [, 5] as never), TypeError, /timesteps has a hole at index 0 \(a sparse array\)/);
    expectRejected(() => scheduler.addNoise(x, x, [5]), RangeError, /timesteps must hold one timestep per item/);
    expectRejected(() => scheduler.addNoise(x, x, 'late' as never), TypeError, /timesteps must be/);
    x.dispose();
  });

  test('a diffusers config that is not JSON, or not an object', () => {
    expectRejected(() => entry.fromDiffusersConfig('{"beta_start": '), SyntaxError, /config is not valid JSON/);
    expectRejected(() => entry.fromDiffusersConfig('[1]'), TypeError, /config must be a diffusers scheduler config \(an object or its JSON text\), got \[1\]/);
  });
});
