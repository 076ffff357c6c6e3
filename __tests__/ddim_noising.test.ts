// addNoise and getVelocity: one timestep per item of the first axis, host numbers or an int32
// tensor kept on the device; values, checks, leaks and read-backs.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';

const scheduler = new DdimScheduler({ betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012 });
const alphaBars = scheduler.alphaBars;
const shape = [3, 2, 5];
const timestepList = [0, 500, 999];

/** The expected values per element on the host: combine(sqrt(a_t), sqrt(1 - a_t), x, noise). */
function expected(x: Float32Array, noise: Float32Array, combine: (signal: number, noiseScale: number, x: number, n: number) => number): number[] {
  const itemSize = x.length / shape[0];
  return Array.from(x, (value, i) => {
    const a = alphaBars[timestepList[Math.floor(i / itemSize)]];
    return combine(Math.sqrt(a), Math.sqrt(1 - a), value, noise[i]);
  });
}

function expectClose(actual: ArrayLike<number>, wanted: number[]) {
  expect(actual.length).toBe(wanted.length);
  wanted.forEach((value, i) => expect(Math.abs(actual[i] - value)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(value))));
}

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  let original: tf.Tensor;
  let noise: tf.Tensor;
  beforeEach(() => {
    original = tf.randomNormal(shape, 0, 1, 'float32', 1);
    noise = tf.randomNormal(shape, 0, 1, 'float32', 2);
  });
  afterEach(() => tf.dispose([original, noise]));

  test.each([
    ['addNoise', (x: tf.Tensor, n: tf.Tensor, t: number[] | tf.Tensor1D) => scheduler.addNoise(x, n, t), (s: number, q: number, x: number, n: number) => s * x + q * n],
    ['getVelocity', (x: tf.Tensor, n: tf.Tensor, t: number[] | tf.Tensor1D) => scheduler.getVelocity(x, n, t), (s: number, q: number, x: number, n: number) => s * n - q * x],
  ] as const)('%s: each item at its own timestep, from an array or a device tensor alike', (_, call, combine) => {
    const before = tf.memory().numTensors;
    const fromArray = call(original, noise, timestepList);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(fromArray.shape).toEqual(shape);
    const wanted = expected(original.dataSync() as Float32Array, noise.dataSync() as Float32Array, combine);
    expectClose(fromArray.dataSync(), wanted);

    const onDevice = tf.tensor1d(timestepList, 'int32');
    const fromTensor = call(original, noise, onDevice);
    expect(tf.memory().numTensors).toBe(before + 3);
    expectClose(fromTensor.dataSync(), wanted);
    tf.dispose([fromArray, fromTensor, onDevice]);
    expect(tf.memory().numTensors).toBe(before);
    expect(original.isDisposed || noise.isDisposed).toBe(false);
  });

  test('a device timestep out of range gives NaN for its item only (it cannot be checked without a read-back)', () => {
    const onDevice = tf.tensor1d([0, 1000, -1], 'int32');
    const noisy = scheduler.addNoise(original, noise, onDevice);
    const values = noisy.arraySync() as number[][][];
    expect(values[0].flat().every(Number.isFinite)).toBe(true);
    expect(values[1].flat().every(Number.isNaN)).toBe(true);
    expect(values[2].flat().every(Number.isNaN)).toBe(true);
    tf.dispose([onDevice, noisy]);
  });

  test('neither reads a tensor back to the host', () => {
    const onDevice = tf.tensor1d(timestepList, 'int32');
    const backendImpl = tf.backend();
    const read = jest.spyOn(backendImpl, 'read');
    const readSync = jest.spyOn(backendImpl, 'readSync');
    try {
      const results = [scheduler.addNoise(original, noise, onDevice), scheduler.getVelocity(original, noise, onDevice), scheduler.addNoise(original, noise, timestepList)];
      tf.dispose(results);
      expect(read).not.toHaveBeenCalled();
      expect(readSync).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
      readSync.mockRestore();
    }
    onDevice.dispose();
  });

  test('addNoise then the v a model would predict give back x0 and eps through the step coefficients', () => {
    // x_t = sqrt(a) x0 + sqrt(1 - a) eps and v = sqrt(a) eps - sqrt(1 - a) x0, so sqrt(a) x_t - sqrt(1 - a) v = x0
    const t = [700, 700, 700];
    const noisy = scheduler.addNoise(original, noise, t);
    const velocity = scheduler.getVelocity(original, noise, t);
    const a = alphaBars[700];
    const recovered = tf.sub(tf.mul(noisy, Math.sqrt(a)), tf.mul(velocity, Math.sqrt(1 - a)));
    expectClose(recovered.dataSync(), Array.from(original.dataSync()));
    tf.dispose([noisy, velocity, recovered]);
  });
});

describe('bad input', () => {
  beforeAll(() => useBackend('cpu'));

  test.each([
    ['a timestep list of the wrong length', () => [tf.zeros(shape), tf.zeros(shape), [1, 2]], RangeError, /timesteps must hold one timestep per item of original's first axis \(3\), got 2/],
    ['a timestep out of range', () => [tf.zeros(shape), tf.zeros(shape), [1, 1000, 2]], RangeError, /timesteps\[1\] must be an integer in \[0, 999\], got 1000/],
    ['a fractional timestep', () => [tf.zeros(shape), tf.zeros(shape), [1, 2.5, 2]], RangeError, /timesteps\[1\] must be an integer in \[0, 999\], got 2.5/],
    ['a string timestep', () => [tf.zeros(shape), tf.zeros(shape), [1, '2', 2]], TypeError, /timesteps\[1\] must be an integer in \[0, 999\], got "2"/],
    ['timesteps that are a number', () => [tf.zeros(shape), tf.zeros(shape), 5], TypeError, /timesteps must be an array of 3 integers in \[0, 999\] or an int32 tf.Tensor1D, got 5/],
    ['a float32 timestep tensor', () => [tf.zeros(shape), tf.zeros(shape), tf.tensor1d([1, 2, 3])], TypeError, /timesteps must be an int32 tf.Tensor1D of 3 values .* got a float32 tensor of shape \[3\]/],
    ['a timestep tensor of the wrong length', () => [tf.zeros(shape), tf.zeros(shape), tf.tensor1d([1, 2], 'int32')], TypeError, /got a int32 tensor of shape \[2\]/],
    ['a 2-D timestep tensor', () => [tf.zeros(shape), tf.zeros(shape), tf.zeros([3, 1], 'int32')], TypeError, /shape \[3, 1\]/],
    ['noise of another shape', () => [tf.zeros(shape), tf.zeros([3, 2, 4]), [1, 2, 3]], RangeError, /noise has shape \[3, 2, 4\], which differs from the shape of original \[3, 2, 5\]/],
    ['int32 noise', () => [tf.zeros(shape), tf.zeros(shape, 'int32'), [1, 2, 3]], TypeError, /noise must be a float32 tensor, got dtype int32/],
    ['an original that is not a tensor', () => [[1, 2, 3], tf.zeros(shape), [1, 2, 3]], TypeError, /original must be a tf.Tensor, got \[1, 2, 3\]/],
    ['a scalar original', () => [tf.scalar(1), tf.scalar(1), []], RangeError, /original must have a first \(batch\) axis, got a scalar/],
  ])('addNoise rejects %s, leaking nothing', (_, make, type, message) => {
    const args = make() as [tf.Tensor, tf.Tensor, number[]];
    const before = tf.memory().numTensors;
    expect(() => scheduler.addNoise(...args)).toThrow(type);
    expect(() => scheduler.addNoise(...args)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(args.filter((arg) => arg instanceof tf.Tensor));
  });

  test('getVelocity names its own argument', () => {
    const sample = tf.zeros(shape);
    expect(() => scheduler.getVelocity(sample, sample, [1])).toThrow(/timesteps must hold one timestep per item of sample's first axis \(3\), got 1/);
    const disposed = tf.tensor1d([1, 2, 3], 'int32');
    disposed.dispose();
    expect(() => scheduler.getVelocity(sample, sample, disposed)).toThrow(/timesteps was disposed before the call/);
    sample.dispose();
  });
});
