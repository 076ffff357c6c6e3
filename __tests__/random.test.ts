import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import checks from '../fixtures/nx_random.json';
import { erfinv32 } from '../src/random/erfinv';
import { key, normal, normalValues, random, split, torchGenerator } from '../src/random';
import { threefry2x32, threefryIota } from '../src/random/threefry';
import { uniformFromBits } from '../src/random/uniform';

const words = (values: number[]) => Uint32Array.from(values);
const list = (values: ArrayLike<number>) => Array.from(values);

/** |actual - expected| <= tolerance elementwise; tolerance 0 asks for identical float32 values. */
function expectClose(actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    if (tolerance === 0) expect(actual[i]).toBe(Math.fround(value));
    else expect(Math.abs(actual[i] - value)).toBeLessThanOrEqual(tolerance);
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the check values of Nx.Random.normal (shared reference)', () => {
  test('random.normal(random.key(0), [6]) and its next key', async () => {
    const { sample, key: next } = random.normal(random.key(0), [6]);
    expectClose(await sample.data(), checks.bumblebee.key0_normal_first6, 2e-6);
    expect(list(next)).toEqual(checks.bumblebee.key0_normal_next_key);
    sample.dispose();
  });
});

describe('threefry2x32', () => {
  test.each(checks.threefry2x32)('known answer for key $key, counts $counts', ({ key: keyWords, counts, expected }) => {
    expect(list(threefry2x32(words(keyWords), words(counts)))).toEqual(expected);
  });

  test('blocks pair the two halves of the counts, outputs are [first words..., second words...]', () => {
    const pi = checks.threefry2x32[2];
    // Three copies of the Random123 block: first half all x0, second half all x1.
    const counts = words([pi.counts[0], pi.counts[0], pi.counts[0], pi.counts[1], pi.counts[1], pi.counts[1]]);
    const [first, second] = pi.expected;
    expect(list(threefry2x32(words(pi.key), counts))).toEqual([first, first, first, second, second, second]);
  });

  test('an odd number of counts is padded with one 0 and the output trimmed', () => {
    const keyWords = words([0x13198a2e, 0x03707344]);
    const [a, b, c] = [7, 8, 9];
    const padded = threefry2x32(keyWords, words([a, b, c, 0]));
    expect(list(threefry2x32(keyWords, words([a, b, c])))).toEqual(list(padded.subarray(0, 3)));
    expect(threefry2x32(keyWords, words([])).length).toBe(0);
  });

  test('leaves its inputs as they are', () => {
    const keyWords = words([1, 2]);
    const counts = words([3, 4, 5]);
    threefry2x32(keyWords, counts);
    expect(list(keyWords)).toEqual([1, 2]);
    expect(list(counts)).toEqual([3, 4, 5]);
  });

  test.each([0, 1, 2, 3, 10, 11])('threefryIota(key, %i) equals threefry2x32 of the iota', (size) => {
    const keyWords = words([0xdeadbeef, 12345]);
    const iota = Uint32Array.from({ length: size }, (_, i) => i);
    expect(list(threefryIota(keyWords, size))).toEqual(list(threefry2x32(keyWords, iota)));
  });

  test.each(checks.random_bits)('jax.random.bits for key $key, size $size', ({ key: keyWords, size, expected }) => {
    expect(list(threefryIota(words(keyWords), size))).toEqual(expected);
  });
});

describe('random.key', () => {
  test.each(checks.seeds)('seed $seed', ({ seed, key: expected }) => {
    expect(list(random.key(BigInt(seed)))).toEqual(expected);
    const asNumber = Number(seed);
    if (Number.isSafeInteger(asNumber)) expect(list(random.key(asNumber))).toEqual(expected);
  });

  test('64-bit bigint seeds', () => {
    expect(list(key(2n ** 64n - 1n))).toEqual([0xffffffff, 0xffffffff]);
    expect(list(key(2n ** 32n + 5n))).toEqual([1, 5]);
    expect(list(key(-(2n ** 63n)))).toEqual([0x80000000, 0]);
  });

  test('negative seeds are their int64 two\'s complement', () => {
    expect(list(key(-1))).toEqual([0xffffffff, 0xffffffff]);
    expect(list(key(-1n))).toEqual(list(key(2n ** 64n - 1n)));
    expect(list(key(-(2 ** 32)))).toEqual([0xffffffff, 0]);
  });

  test.each([
    [1.5, RangeError, 'seed must be an integer in [-2^63, 2^64), got 1.5'],
    [NaN, RangeError, 'seed must be an integer in [-2^63, 2^64), got NaN'],
    [Infinity, RangeError, 'got Infinity'],
    [2 ** 53, RangeError, 'seed must be a safe integer when given as a number'],
    [2n ** 64n, RangeError, 'seed must be an integer in [-2^63, 2^64), got 18446744073709551616n'],
    [-(2n ** 63n) - 1n, RangeError, 'got -9223372036854775809n'],
    ['12', TypeError, 'seed must be a number or a bigint'],
    [null, TypeError, 'got null'],
  ])('rejects the seed %p', (seed, ErrorType, message) => {
    expect(() => key(seed as number)).toThrow(ErrorType);
    expect(() => key(seed as number)).toThrow(message);
  });
});

describe('random.split', () => {
  test.each(checks.splits)('split($key, $parts)', ({ key: keyWords, parts, expected }) => {
    const keys = parts === 2 ? split(words(keyWords)) : split(words(keyWords), parts);
    expect(keys.map(list)).toEqual(expected);
    keys.forEach((part) => expect(part).toBeInstanceOf(Uint32Array));
  });

  test('returns separate arrays and leaves the input key as it is', () => {
    const parent = key(7);
    const [first, second] = split(parent);
    first[0] = 0;
    expect(list(split(parent)[1])).toEqual(list(second));
    expect(list(parent)).toEqual([0, 7]);
  });

  test('split(key, 1) gives a key different from the input', () => {
    const [only] = split(key(0), 1);
    expect(list(only)).not.toEqual([0, 0]);
    expect(list(only)).toEqual(list(threefry2x32(key(0), words([0, 1]))));
  });

  test.each([
    [0, RangeError, 'parts must be an integer in [1, 1048576], got 0'],
    [1.5, RangeError, 'parts must be an integer in [1, 1048576], got 1.5'],
    ['2', TypeError, 'parts must be an integer in [1, 1048576], got "2"'],
  ])('rejects parts = %p', (parts, ErrorType, message) => {
    expect(() => split(key(0), parts as number)).toThrow(ErrorType);
    expect(() => split(key(0), parts as number)).toThrow(message);
  });

  test.each([
    ['a plain array', [0, 0], TypeError, 'key must be a Uint32Array of 2 words (from random.key or random.split), got [0, 0]'],
    ['a Float32Array', new Float32Array(2), TypeError, 'got a Float32Array'],
    ['3 words', new Uint32Array(3), RangeError, 'got one of length 3'],
    ['undefined', undefined, TypeError, 'got undefined'],
  ])('rejects a key that is %s', (_label, badKey, ErrorType, message) => {
    expect(() => split(badKey as Uint32Array)).toThrow(ErrorType);
    expect(() => split(badKey as Uint32Array)).toThrow(message);
  });
});

describe('uniform bits', () => {
  test.each(checks.uniform)('uniform for key $key, split $split, size $size', ({ key: keyWords, split: isSplit, size, expected, tolerance }) => {
    const source = isSplit ? split(words(keyWords))[1] : words(keyWords);
    const uniforms = list(threefryIota(source, size)).map((bits) => uniformFromBits(bits, 0, 1));
    expectClose(uniforms, expected, tolerance);
  });

  test('the extreme bits map to the ends of [nextafter(-1, 0), 1)', () => {
    const lowest = Math.fround(-1 + 2 ** -24);
    expect(uniformFromBits(0, lowest, 1)).toBe(lowest);
    expect(uniformFromBits(0xffffffff, lowest, 1)).toBe(1 - 3 * 2 ** -24);
    expect(uniformFromBits(0xffffffff, 0, 1)).toBe(1 - 2 ** -23);
    // Only the top 23 bits count, as in JAX.
    expect(uniformFromBits(0x1ff, 0, 1)).toBe(0);
  });
});

describe('erfinv32', () => {
  test('matches the inverse error function (reference: scipy.special.erfinv in float64)', () => {
    expect(erfinv32(0)).toBe(0);
    expect(Math.abs(erfinv32(0.5) - 0.4769362762044699)).toBeLessThan(1e-7);
    expect(Math.abs(erfinv32(Math.fround(0.9)) - 1.1630871536766743)).toBeLessThan(2e-6);
    expect(Math.abs(erfinv32(Math.fround(-0.999)) + 2.326753765513524)).toBeLessThan(2e-5);
    expect(erfinv32(-0.25)).toBe(-erfinv32(0.25));
  });

  test('is ±Infinity at ±1 (as XLA) and finite just inside', () => {
    expect(erfinv32(1)).toBe(Infinity);
    expect(erfinv32(-1)).toBe(-Infinity);
    const justInside = erfinv32(Math.fround(-1 + 2 ** -24));
    expect(Number.isFinite(justInside)).toBe(true);
    // erfinv(-1 + 2^-24) = -3.8325 in float64; XLA's float32 formula lands within 1e-3.
    expect(Math.abs(justInside + 3.8325068569007104)).toBeLessThan(1e-3);
  });
});

describe('random.normal', () => {
  test.each(checks.normal)('normal for key $key, split $split, shape $shape', async (check) => {
    const source = words(check.key);
    if (check.split) {
      const { sample, key: next } = normal(source, check.shape);
      expect(sample.shape).toEqual(check.shape);
      expectClose(await sample.data(), check.expected, check.tolerance);
      if (check.next_key) expect(list(next)).toEqual(check.next_key);
      sample.dispose();
    } else {
      expectClose(normalValues(source, check.expected.length), check.expected, check.tolerance);
    }
  });

  test('subkeys of a 4-way split (JAX notebook)', () => {
    const { key: parent, parts, expected_from_subkeys_1_to_3: expected } = checks.normal_split_subkeys;
    const draws = split(words(parent), parts).slice(1).map((subkey) => normalValues(subkey, 1)[0]);
    expectClose(draws, expected, 0);
  });

  test.each([
    [5, 2],
    [7, 3],
  ])('an odd size %i is the next even draw except at the padded block (index %i)', (size, padded) => {
    // threefry pairs count i with count half + i; with an odd size the last pair is
    // (half - 1, 0) instead of (half - 1, size), so only output half - 1 changes.
    const source = key(2024);
    const odd = normalValues(source, size);
    const even = normalValues(source, size + 1);
    for (let i = 0; i < size; i++) {
      if (i !== padded) expect(odd[i]).toBe(even[i]);
    }
    expect(odd[padded]).not.toBe(even[padded]);
    const [bits] = threefry2x32(source, words([padded, 0]));
    const byHand = Math.fround(Math.fround(Math.SQRT2) * erfinv32(uniformFromBits(bits, Math.fround(-1 + 2 ** -24), 1)));
    expect(odd[padded]).toBe(byHand);
  });

  test('the tensor has the requested shape, float32, and the values of the flat draw', async () => {
    const source = key(3);
    const { sample } = normal(source, [2, 3, 4]);
    expect(sample.shape).toEqual([2, 3, 4]);
    expect(sample.dtype).toBe('float32');
    expect(list(await sample.data())).toEqual(list(normalValues(split(source)[1], 24)));
    sample.dispose();
  });

  test('the empty shape gives a scalar', async () => {
    const { sample } = normal(key(42), []);
    expect(sample.rank).toBe(0);
    expect(sample.dtype).toBe('float32');
    expect((await sample.data())[0]).toBe(normalValues(split(key(42))[1], 1)[0]);
    sample.dispose();
  });

  test('seed 0 is a real seed: deterministic, and different from seed 1', () => {
    const zero = normalValues(key(0), 16);
    expect(list(normalValues(key(0), 16))).toEqual(list(zero));
    expect(list(normalValues(key(1), 16))).not.toEqual(list(zero));
    expect(new Set(zero).size).toBe(16);
  });

  test('the next key gives a new draw and the input key is left as it is', async () => {
    const first = key(5);
    const a = normal(first, [8]);
    const b = normal(a.key, [8]);
    expect(list(first)).toEqual([0, 5]);
    expect(list(await b.sample.data())).not.toEqual(list(await a.sample.data()));
    tf.dispose([a.sample, b.sample]);
  });

  test('only the returned tensor remains (no leak)', () => {
    const before = tf.memory().numTensors;
    const { sample } = normal(key(9), [4, 4]);
    expect(tf.memory().numTensors).toBe(before + 1);
    sample.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('the same key gives bit-identical tensors on the cpu and wasm backends', async () => {
    const onCpu = normal(key(11), [3, 5, 7]);
    const cpuBits = new Uint32Array((await onCpu.sample.data()).slice().buffer);
    onCpu.sample.dispose();
    try {
      expect(await tf.setBackend('wasm')).toBe(true);
      const onWasm = normal(key(11), [3, 5, 7]);
      expect(tf.getBackend()).toBe('wasm');
      const wasmBits = new Uint32Array((await onWasm.sample.data()).slice().buffer);
      expect(list(wasmBits)).toEqual(list(cpuBits));
      expect(list(onWasm.key)).toEqual(list(onCpu.key));
      onWasm.sample.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });

  test.each([
    [[2, 0], RangeError, 'shape[1] must be a positive integer, got 0 (in [2, 0])'],
    [[1.5], RangeError, 'shape[0] must be a positive integer, got 1.5'],
    ['3', TypeError, 'shape must be a non-empty array of positive integers, got "3"'],
    [[65536, 65536], RangeError, 'shape [65536, 65536] holds 4294967296 elements, more than the 2147483647 a Float32Array can hold'],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    [[, 2], TypeError, 'shape has a hole at index 0 (a sparse array); it must be a non-empty array of positive integers'],
  ])('rejects the shape %p', (shape, ErrorType, message) => {
    expect(() => normal(key(0), shape as number[])).toThrow(ErrorType);
    expect(() => normal(key(0), shape as number[])).toThrow(message);
  });

  test('rejects a bad key, naming it', () => {
    expect(() => normal([0, 0] as unknown as Uint32Array, [2])).toThrow('key must be a Uint32Array of 2 words');
    expect(() => normalValues(new Uint32Array(1), 2)).toThrow('key must be a Uint32Array of 2 words (from random.key or random.split), got one of length 1');
  });

  test.each([
    [-1, RangeError, 'size must be an integer in [0, 4294967294], got -1'],
    [2.5, RangeError, 'got 2.5'],
    [2 ** 32, RangeError, 'got 4294967296'],
  ])('normalValues rejects size %p', (size, ErrorType, message) => {
    expect(() => normalValues(key(0), size)).toThrow(ErrorType);
    expect(() => normalValues(key(0), size)).toThrow(message);
  });

  test('statistics of 100k draws: mean 0, std 1, normal tails, all finite', () => {
    const draws = normalValues(key(123), 100_000);
    let sum = 0;
    let sumSquares = 0;
    let beyond3 = 0;
    let largest = 0;
    let nonFinite = 0;
    for (const value of draws) {
      if (!Number.isFinite(value)) nonFinite++;
      sum += value;
      sumSquares += value * value;
      if (Math.abs(value) > 3) beyond3++;
      largest = Math.max(largest, Math.abs(value));
    }
    expect(nonFinite).toBe(0);
    const mean = sum / draws.length;
    const std = Math.sqrt(sumSquares / draws.length - mean * mean);
    // Standard errors: 0.0032 for the mean, 0.0022 for the std; bounds are about 5 of them.
    expect(Math.abs(mean)).toBeLessThan(0.016);
    expect(Math.abs(std - 1)).toBeLessThan(0.011);
    // P(|z| > 3) = 0.0027: 270 expected, standard deviation 16.
    expect(beyond3).toBeGreaterThan(190);
    expect(beyond3).toBeLessThan(350);
    // The uniform's ends map to -5.42 and 5.23: nothing beyond.
    expect(largest).toBeLessThan(5.5);
    expect(largest).toBeGreaterThan(3.5);
  });
});

describe('the random namespace', () => {
  test('is frozen and holds key, split, normal and torchGenerator', () => {
    expect(Object.isFrozen(random)).toBe(true);
    expect(Object.keys(random).sort()).toEqual(['key', 'normal', 'split', 'torchGenerator']);
    expect(random.key).toBe(key);
    expect(random.split).toBe(split);
    expect(random.normal).toBe(normal);
    expect(random.torchGenerator).toBe(torchGenerator);
  });
});
