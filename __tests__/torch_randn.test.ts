// random.torchGenerator against torch itself (fixtures/torch_randn.py): whole streams of
// draws over many seeds and shapes, the scalar path on many values, and every uniform through
// the Box-Muller block; then the generator's contract (seeds, shapes, tensors, leaks). The
// draws here run in JavaScript; torch_randn_simd.test.ts runs the WebAssembly kernel.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import { random, type TorchGenerator } from '../src';
import { normalFill16 } from '../src/random/torch/normal_fill_16';
import { simdTorchRandn } from '../src/random/torch/randn_simd';
import { bitsOf, comparable, expectedOf, fixture, scanBlocks, seedOf, sha256Of } from './helpers/torch_randn_fixture';

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A tensor's values, the tensor disposed. */
async function dataOf(tensor: tf.Tensor): Promise<Float32Array> {
  const values = (await tensor.data()) as Float32Array;
  tensor.dispose();
  return values;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  simdTorchRandn.enabled = false;
});

afterAll(() => {
  simdTorchRandn.enabled = true;
});

describe('the values of torch.randn (CPU, float32), bit for bit', () => {
  test('the fixture holds more than 10^6 values of draws, over many seeds and shapes', () => {
    const drawn = fixture.streams.flatMap((stream) => stream.shapes.map(sizeOf)).reduce((a, b) => a + b, 0);
    expect(drawn + fixture.small_stream.values).toBeGreaterThan(1e6);
    expect(new Set(fixture.streams.map((stream) => stream.seed)).size).toBeGreaterThan(60);
  });

  test.each(fixture.streams.map((stream, i) => [i, stream.seed, stream.shapes.map((shape) => `[${shape}]`).join(' ')] as const))(
    'stream %i: seed %s draws %s in turn',
    async (i) => {
      const stream = fixture.streams[i];
      const generator = random.torchGenerator(seedOf(stream.seed));
      for (const [d, shape] of stream.shapes.entries()) {
        // randn (a tensor) and randnValues (the host) take turns: one stream either way
        const values = d % 2 === 0 ? await dataOf(generator.randn(shape)) : generator.randnValues(sizeOf(shape));
        expect({ draw: d, ...comparable(values, stream.draws[d]) }).toEqual({ draw: d, ...expectedOf(stream.draws[d]) });
      }
    },
  );

  test(`the scalar path on ${fixture.small_stream.values} values: sizes 1 to 15 in turn, ${fixture.small_stream.repeats} times`, () => {
    const generator = random.torchGenerator(fixture.small_stream.seed);
    const values = new Float32Array(fixture.small_stream.values);
    let offset = 0;
    for (let repeat = 0; repeat < fixture.small_stream.repeats; repeat++) {
      for (let size = 1; size < 16; size++) {
        values.set(generator.randnValues(size), offset);
        offset += size;
      }
    }
    expect(sha256Of(values)).toBe(fixture.small_stream.sha256);
  });
});

describe("every uniform through torch's 16-value Box-Muller block (JavaScript)", () => {
  const run = (blocks: Float32Array) => {
    for (let offset = 0; offset < blocks.length; offset += 16) normalFill16(blocks, offset);
  };

  test('all 2^24 values of u1 (u2 = 0): the radius sqrt(-2 log(1 - u1)) is torch\'s', () => {
    expect(scanBlocks('radius', 512, run).first).toBe(fixture.exhaustive.radius.sha256);
  });

  test(`all 2^24 values of u2 (with a u1 of radius ${fixture.exhaustive.angle.radius}): cos and sin of 2 pi u2 are torch's`, () => {
    const { first, second } = scanBlocks('angle', 512, run);
    expect({ cos: first, sin: second }).toEqual({ cos: fixture.exhaustive.angle.cos_sha256, sin: fixture.exhaustive.angle.sin_sha256 });
  });
});

describe('the stream', () => {
  const draw = (generator: TorchGenerator, sizes: number[]) => sizes.map((size) => Array.from(generator.randnValues(size)));

  test('continues across calls: 16 then 16 values are the 32 of one draw (whole blocks)', () => {
    const [first, second] = draw(random.torchGenerator(3), [16, 16]);
    expect([...first, ...second]).toEqual(draw(random.torchGenerator(3), [32])[0]);
  });

  test('the scalar path caches the second value of a pair: 7 then 1 values are the 8 of one draw', () => {
    const [seven, one] = draw(random.torchGenerator(3), [7, 1]);
    expect([...seven, ...one]).toEqual(draw(random.torchGenerator(3), [8])[0]);
  });

  test('the cached value outlives a block draw, which does not use it (as torch)', () => {
    const [seven, , one] = draw(random.torchGenerator(3), [7, 40, 1]);
    expect([...seven, ...one]).toEqual(draw(random.torchGenerator(3), [8])[0]);
  });

  test('two generators of one seed are independent streams', () => {
    const [a, b] = [random.torchGenerator(9), random.torchGenerator(9)];
    a.randnValues(100);
    expect(Array.from(b.randnValues(20))).toEqual(draw(random.torchGenerator(9), [20])[0]);
  });

  test('only the low 32 bits seed MT19937: 5, 2^32 + 5 (number or bigint) and 2^63 + 5 give one stream', () => {
    const streams = [5, 2 ** 32 + 5, 2n ** 32n + 5n, 2n ** 63n + 5n].map((seed) => draw(random.torchGenerator(seed), [20, 3]));
    streams.forEach((stream) => expect(stream).toEqual(streams[0]));
    expect(draw(random.torchGenerator(6), [20])[0]).not.toEqual(streams[0][0]);
  });

  test('negative seeds are their 64-bit two\'s complement: -1 is 2^64 - 1', () => {
    expect(draw(random.torchGenerator(-1), [20])).toEqual(draw(random.torchGenerator(2n ** 64n - 1n), [20]));
  });

  test('size 0 draws nothing and leaves the stream where it was', () => {
    const generator = random.torchGenerator(4);
    expect(generator.randnValues(0)).toEqual(new Float32Array(0));
    expect(draw(generator, [5])).toEqual(draw(random.torchGenerator(4), [5]));
  });
});

describe('the generator', () => {
  test('keeps the seed given, number or bigint', () => {
    expect(random.torchGenerator(42).seed).toBe(42);
    expect(random.torchGenerator(2n ** 63n - 1n).seed).toBe(2n ** 63n - 1n);
  });

  test('randn: a float32 tensor of the shape, the caller\'s; [] is a scalar; nothing else is left', async () => {
    const generator = random.torchGenerator(0);
    const before = tf.memory().numTensors;
    const latents = generator.randn([1, 4, 8, 8]);
    const scalar = generator.randn([]);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect([latents.shape, latents.dtype, scalar.shape, scalar.dtype]).toEqual([[1, 4, 8, 8], 'float32', [], 'float32']);
    const expected = random.torchGenerator(0);
    expect(bitsOf((await latents.data()) as Float32Array)).toEqual(bitsOf(expected.randnValues(256)));
    expect(bitsOf((await scalar.data()) as Float32Array)).toEqual(bitsOf(expected.randnValues(1)));
    tf.dispose([latents, scalar]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('randn with a bad shape throws, leaks nothing and does not advance the stream', () => {
    const generator = random.torchGenerator(0);
    const before = tf.memory().numTensors;
    expect(() => generator.randn([2, 0])).toThrow(new RangeError('shape[1] must be a positive integer, got 0 (in [2, 0])'));
    expect(() => generator.randn([2.5])).toThrow(RangeError);
    expect(() => generator.randn('1,4' as unknown as number[])).toThrow(new TypeError('shape must be a non-empty array of positive integers, got "1,4"'));
    expect(() => generator.randn([2 ** 20, 2 ** 20])).toThrow(/shape \[1048576, 1048576\] holds 1099511627776 elements, more than the 2147483647 a Float32Array can hold/);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(generator.randnValues(3))).toEqual(Array.from(random.torchGenerator(0).randnValues(3)));
  });

  test.each([
    [-1, new RangeError('size must be an integer in [0, 4294967294], got -1')],
    [1.5, new RangeError('size must be an integer in [0, 4294967294], got 1.5')],
    ['8', new TypeError('size must be an integer in [0, 4294967294], got "8"')],
  ])('randnValues(%p) throws', (size, error) => {
    expect(() => random.torchGenerator(0).randnValues(size as number)).toThrow(error);
  });

  test.each([
    [1.5, new RangeError('seed must be an integer in [-2^63, 2^64), got 1.5')],
    [NaN, new RangeError('seed must be an integer in [-2^63, 2^64), got NaN')],
    [2 ** 53, RangeError],
    [2n ** 64n, new RangeError('seed must be an integer in [-2^63, 2^64), got 18446744073709551616n')],
    [-(2n ** 63n) - 1n, RangeError],
    ['0', new TypeError('seed must be a number or a bigint (an integer in [-2^63, 2^64)), got "0"')],
    [undefined, TypeError],
    [true, TypeError],
  ])('a seed of %p throws, as torch\'s manual_seed refuses it', (seed, error) => {
    expect(() => random.torchGenerator(seed as number)).toThrow(error);
  });
});
