// The sample() loop: the same numbers as a hand-written loop, the denoiser's arguments, onStep,
// abort, and no leak on any path (success: +1 tensor, failure: +0).
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, ringDenoiser, sample, type Denoiser, type SampleOptions } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { handLoop } from './helpers/hand_loop';

/** A denoiser whose prediction depends on the sample and the timestep: sample * t / (t + 1). */
const dummyDenoiser: Denoiser = (x, _timestep, { timestep }) => tf.mul(x, timestep / (timestep + 1));

/** Runs `run` and checks the tensor count it leaves: `made` more than before. */
async function expectTensorsLeft<T>(made: number, run: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  try {
    return await run();
  } finally {
    expect(tf.memory().numTensors).toBe(before + made);
  }
}

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each([0, 0.8])('with a seed, the numbers of the hand-written loop (eta %p)', async (eta) => {
    const scheduler = new DdimScheduler({ eta });
    const expected = handLoop(scheduler, 10, [3, 4], 42);
    const actual = await expectTensorsLeft(1, () => sample(scheduler, dummyDenoiser, { numSteps: 10, shape: [3, 4], seed: 42 }));
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([actual, expected]);
  });

  test('initialSample with a seed: init takes the seed, and initialSample stays alive', async () => {
    const scheduler = new DdimScheduler({ eta: 1 });
    const initialSample = tf.tensor2d([[0.5, -1], [2, 0.25]]);
    const result = await expectTensorsLeft(1, () => sample(scheduler, dummyDenoiser, { numSteps: 4, initialSample, seed: 3 }));
    expect(initialSample.isDisposed).toBe(false);

    let { state } = scheduler.init(4, [2, 2], { seed: 3 });
    let x: tf.Tensor = initialSample;
    for (let i = 0; i < 4; i++) {
      const t = state.timestep!;
      const out = scheduler.step(state, x, tf.mul(x, t / (t + 1)));
      state = out.state;
      x = out.sample;
    }
    expect(Array.from(result.dataSync())).toEqual(Array.from(x.dataSync()));
    state.dispose();
    tf.dispose([initialSample, result, x]);
  });

  test('the denoiser gets the sample, an int32 scalar timestep equal to info.timestep, the index and the noise level', async () => {
    const scheduler = new DdimScheduler();
    const seen: { index: number; timestep: number; alpha?: number; sigma?: number; scalar: number; dtype: string; rank: number; shape: number[] }[] = [];
    const denoiser: Denoiser = async (x, timestep, info) => {
      seen.push({ ...info, scalar: (await timestep.data())[0], dtype: timestep.dtype, rank: timestep.rank, shape: x.shape });
      return tf.zerosLike(x);
    };
    const result = await expectTensorsLeft(1, () => sample(scheduler, denoiser, { numSteps: 5, shape: [2, 3], seed: 0 }));
    const level = (t: number) => ({ alpha: Math.sqrt(scheduler.alphaBars[t]), sigma: Math.sqrt(1 - scheduler.alphaBars[t]) });
    expect(seen).toEqual([800, 600, 400, 200, 0].map((t, index) => ({ index, timestep: t, ...level(t), scalar: t, dtype: 'int32', rank: 0, shape: [2, 3] })));
    result.dispose();
  });

  test('onStep sees every step, awaited, with tensors valid during the call only', async () => {
    const scheduler = new DdimScheduler();
    const kept: tf.Tensor[] = [];
    const steps: number[] = [];
    const result = await expectTensorsLeft(1, () =>
      sample(scheduler, dummyDenoiser, {
        numSteps: 3,
        shape: [2],
        seed: 1,
        onStep: async ({ index, timestep, sample: x, denoised }) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          expect(x.isDisposed || denoised.isDisposed).toBe(false);
          expect(x.shape).toEqual([2]);
          steps.push(index, timestep);
          kept.push(denoised);
        },
      }),
    );
    expect(steps).toEqual([0, 666, 1, 333, 2, 0]);
    expect(kept.every((tensor) => tensor.isDisposed)).toBe(true);
    result.dispose();
  });

  test('neither seed nor initialSample: a random start, different each time', async () => {
    const scheduler = new DdimScheduler();
    const first = await expectTensorsLeft(1, () => sample(scheduler, dummyDenoiser, { numSteps: 2, shape: [8] }));
    const second = await sample(scheduler, dummyDenoiser, { numSteps: 2, shape: [8] });
    expect(Array.from(first.dataSync())).not.toEqual(Array.from(second.dataSync()));
    tf.dispose([first, second]);
  });

  test('a denoiser that returns the sample itself (a zero-noise identity) is not disposed under the loop', async () => {
    const scheduler = new DdimScheduler();
    const initialSample = tf.tensor1d([0.1, 0.2]);
    const result = await expectTensorsLeft(1, () => sample(scheduler, (x) => x, { numSteps: 3, initialSample }));
    expect(initialSample.isDisposed).toBe(false);
    result.dispose();
    initialSample.dispose();
  });
});

// On cpu only: wasm's slice kernel reads its own heap through readSync, which is no transfer
// from a device but would trip the spy.
describe('no read-back (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  test('the loop and the exact ring denoiser read nothing back from the device', async () => {
    const scheduler = new DdimScheduler({ eta: 1, clipDenoisedSample: false });
    const backendImpl = tf.backend();
    const reads = [jest.spyOn(backendImpl, 'read'), jest.spyOn(backendImpl, 'readSync')];
    try {
      const result = await sample(scheduler, ringDenoiser(scheduler), { numSteps: 5, shape: [16, 2], seed: 0 });
      for (const spy of reads) expect(spy).not.toHaveBeenCalled();
      result.dispose();
    } finally {
      reads.forEach((spy) => spy.mockRestore());
    }
  });
});

describe('failures leak nothing (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const scheduler = new DdimScheduler();
  const options: SampleOptions = { numSteps: 5, shape: [2, 3], seed: 0 };

  test('a signal aborted before the start rejects at once with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    const denoiser = jest.fn(dummyDenoiser);
    await expectTensorsLeft(0, () => expect(sample(scheduler, denoiser, { ...options, signal: controller.signal })).rejects.toHaveProperty('name', 'AbortError'));
    expect(denoiser).not.toHaveBeenCalled();
  });

  test('aborting during a step stops at the next boundary', async () => {
    const controller = new AbortController();
    const indices: number[] = [];
    const denoiser: Denoiser = (x, t, info) => {
      indices.push(info.index);
      if (info.index === 2) controller.abort();
      return dummyDenoiser(x, t, info);
    };
    await expectTensorsLeft(0, () => expect(sample(scheduler, denoiser, { ...options, signal: controller.signal })).rejects.toHaveProperty('name', 'AbortError'));
    expect(indices).toEqual([0, 1, 2]);
  });

  test('the reason is the rejection when it is an AbortError; otherwise an AbortError that quotes it', async () => {
    const reason = new DOMException('user pressed stop', 'AbortError');
    await expect(sample(scheduler, dummyDenoiser, { ...options, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const rejection = sample(scheduler, dummyDenoiser, { ...options, signal: AbortSignal.abort('timeout') });
    await expect(rejection).rejects.toHaveProperty('name', 'AbortError');
    await expect(rejection).rejects.toThrow(/aborted: timeout/);
  });

  test('aborting in onStep after the last step still rejects', async () => {
    const controller = new AbortController();
    const onStep = ({ index }: { index: number }) => {
      if (index === 4) controller.abort();
    };
    await expectTensorsLeft(0, () => expect(sample(scheduler, dummyDenoiser, { ...options, signal: controller.signal, onStep })).rejects.toHaveProperty('name', 'AbortError'));
  });

  test('a denoiser that throws, sync or async', async () => {
    const sync: Denoiser = (_x, _t, { index }) => {
      if (index === 1) throw new Error('model failed');
      return tf.ones([2, 3]);
    };
    const async: Denoiser = async (_x, _t, { index }) => {
      if (index === 3) throw new Error('model failed later');
      return tf.ones([2, 3]);
    };
    await expectTensorsLeft(0, () => expect(sample(scheduler, sync, options)).rejects.toThrow('model failed'));
    await expectTensorsLeft(0, () => expect(sample(scheduler, async, options)).rejects.toThrow('model failed later'));
  });

  test('an onStep that throws', async () => {
    const onStep = () => Promise.reject(new Error('display failed'));
    await expectTensorsLeft(0, () => expect(sample(scheduler, dummyDenoiser, { ...options, onStep })).rejects.toThrow('display failed'));
  });

  test.each([
    ['a wrong shape', () => tf.zeros([3, 2]), /denoiser returned shape \[3, 2\], which differs from the sample's shape \[2, 3\] at step 0 \(timestep 800\)/],
    ['int32', () => tf.zeros([2, 3], 'int32'), /denoiser must return a float32 tensor, got dtype int32 at step 0/],
    ['no tensor', () => [[1, 2, 3]], /denoiser must return a tf.Tensor \(or a Promise of one\), got \[\[1, 2, 3\]\] at step 0/],
    ['undefined', () => undefined, /denoiser must return a tf.Tensor \(or a Promise of one\), got undefined/],
    ['the timestep tensor it was given', (_x: tf.Tensor, t: tf.Tensor) => t, /denoiser returned the timestep tensor it was given \(a int32 scalar tensor\), not a prediction of the sample's shape \[2, 3\], at step 0/],
    ['a disposed tensor', () => {
      const gone = tf.zeros([2, 3]);
      gone.dispose();
      return gone;
    }, /denoiser returned a disposed tensor at step 0 \(timestep 800\): sample\(\) disposes each prediction after its step, so the denoiser must return a new tensor on every call/],
  ])('a denoiser that returns %s', async (_, make, message) => {
    const initialSample = tf.zeros([2, 3]);
    await expectTensorsLeft(0, () => expect(sample(scheduler, make as unknown as Denoiser, { numSteps: 5, initialSample })).rejects.toThrow(message));
    expect(initialSample.isDisposed).toBe(false);
    initialSample.dispose();
  });
});

describe('bad arguments throw before any tensor is made', () => {
  const scheduler = new DdimScheduler();
  const shape = [2];

  test.each([
    [{ numSteps: 0, shape }, RangeError, /numSteps must be an integer >= 1, got 0/],
    [{ numSteps: 2.5, shape }, RangeError, /numSteps must be an integer >= 1, got 2.5/],
    [{ numSteps: '10', shape }, TypeError, /numSteps must be an integer >= 1, got "10"/],
    [{ numSteps: 1001, shape }, RangeError, /numSteps must be an integer in \[1, 1000\], got 1001/],
    [{ numSteps: 10 }, TypeError, /sample\(\) needs a shape, an initialSample or an image, got none/],
    [{ numSteps: 10, shape: [2, 0] }, RangeError, /shape\[1\] must be a positive integer, got 0/],
    [{ numSteps: 10, shape: '2x2' }, TypeError, /shape must be a non-empty array of positive integers, got "2x2"/],
    [{ numSteps: 10, shape, seed: 1.5 }, RangeError, /seed must be an integer/],
    [{ numSteps: 10, shape, seed: '7' }, TypeError, /seed must be a number or a bigint/],
    [{ numSteps: 10, shape, signal: 'stop' }, TypeError, /signal must be an AbortSignal, got "stop"/],
    [{ numSteps: 10, shape, onStep: 5 }, TypeError, /onStep must be a function, got 5/],
    [{ numSteps: 10, shape, initialSample: [1, 2] }, TypeError, /initialSample must be a tf.Tensor, got \[1, 2\]/],
    [{ numSteps: 10, shape, steps: 10 }, TypeError, /unknown sample\(\) option "steps"; the options are numSteps, shape, initialSample, image, strength, seed, generator, init, signal, onStep/],
  ])('%j', async (options, type, message) => {
    const before = tf.memory().numTensors;
    const run = sample(scheduler, dummyDenoiser, options as never);
    await expect(run).rejects.toThrow(type);
    await expect(run).rejects.toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('shape and initialSample that disagree; an int32 or disposed initialSample', async () => {
    const initialSample = tf.zeros([2, 3]);
    await expect(sample(scheduler, dummyDenoiser, { numSteps: 2, shape: [3, 2], initialSample })).rejects.toThrow(
      /shape \[3, 2\] differs from the shape of initialSample \[2, 3\]; give one of them, or both equal/,
    );
    const ints = tf.zeros([2], 'int32');
    await expect(sample(scheduler, dummyDenoiser, { numSteps: 2, initialSample: ints })).rejects.toThrow(/initialSample must be a float32 tensor, got dtype int32/);
    tf.dispose([initialSample, ints]);
    await expect(sample(scheduler, dummyDenoiser, { numSteps: 2, initialSample })).rejects.toThrow(/initialSample was disposed before the call/);
  });

  test('scheduler, denoiser and options of the wrong kind', async () => {
    await expect(sample({} as never, dummyDenoiser, { numSteps: 2, shape })).rejects.toThrow(/scheduler must be a scheduler of this package \(init, step, scaleModelInput, addNoise; e.g. a DdimScheduler\), got an object/);
    await expect(sample(scheduler, 'unet' as never, { numSteps: 2, shape })).rejects.toThrow(/denoiser must be a function .*, got "unet"/);
    await expect(sample(scheduler, dummyDenoiser, 50 as never)).rejects.toThrow(/options must be an object like \{ numSteps, shape \}, got 50/);
  });
});
