// The WebAssembly SIMD draw (src/random/normal_simd.ts) against the JavaScript one: every
// uniform the draw can produce, whole draws of many sizes and keys, the fallbacks, and the
// committed binary against its source.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import { NORMAL_SIMD } from '../scripts/wasm_binary';
import { key, normal, normalValues } from '../src/random';
import { normalFromBits } from '../src/random/normal';
import { CHUNK_BLOCKS, normalSimdKernel, SCRATCH_ADDRESS, simdNormals } from '../src/random/normal_simd';
import { NORMAL_SIMD_WASM } from '../src/random/normal_simd_binary';
import { bitDifferences, declareCommittedBinaryTests, declareFallbackTests, inIsolatedModules, moduleSpy, webAssemblyWith } from './helpers/wasm_kernel_specs';

/** normalValues with the kernel switched off. */
function normalValuesInJs(source: Uint32Array, size: number): Float32Array {
  simdNormals.enabled = false;
  try {
    return normalValues(source, size);
  } finally {
    simdNormals.enabled = true;
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('the kernel runs here (Node has WebAssembly SIMD), so these tests compare two paths', () => {
  expect(normalSimdKernel()).not.toBeNull();
});

test('all 2^23 uniforms: the kernel gives the JavaScript normals bit for bit', () => {
  // The uniform keeps bits >>> 9 only, so the words m << 9 cover every value a draw can take.
  const kernel = normalSimdKernel()!;
  const words = new Uint32Array(kernel.memory.buffer, 0, 2 * CHUNK_BLOCKS);
  const normals = new Float32Array(kernel.memory.buffer, 0, 2 * CHUNK_BLOCKS);
  const mismatches: string[] = [];
  for (let first = 0; first < 2 ** 23; first += words.length) {
    for (let i = 0; i < words.length; i++) words[i] = (first + i) << 9;
    kernel.normals(0, words.length, SCRATCH_ADDRESS);
    for (let i = 0; i < words.length; i++) {
      const expected = normalFromBits((first + i) << 9);
      if (!Object.is(normals[i], expected) && mismatches.length < 10) mismatches.push(`mantissa ${first + i}: ${normals[i]} instead of ${expected}`);
    }
  }
  expect(mismatches).toEqual([]);
});

test('every float64 log1p of a draw is >= 64 ulps from a float32 rounding boundary, so engines agree', () => {
  // Math.log1p is not specified to the bit and engines may differ in the last bits (V8's is
  // fdlibm's, < 1 ulp); with this margin any log1p within 63 ulps rounds to the same float32 w,
  // so the JavaScript draw gives these bits on every engine. The kernel leaves
  // log1p(-f32(u^2)) in its scratch.
  const kernel = normalSimdKernel()!;
  const words = new Uint32Array(kernel.memory.buffer, 0, 2 * CHUNK_BLOCKS);
  const logarithms = new Float64Array(kernel.memory.buffer, SCRATCH_ADDRESS, words.length);
  // The high words of the logarithms (little-endian), for their exponents.
  const highWords = new Uint32Array(kernel.memory.buffer, SCRATCH_ADDRESS, 2 * words.length);
  const f32 = Math.fround;
  const close: number[] = [];
  for (let first = 0; first < 2 ** 23; first += words.length) {
    for (let i = 0; i < words.length; i++) words[i] = (first + i) << 9;
    kernel.normals(0, words.length, SCRATCH_ADDRESS);
    for (let i = 0; i < words.length; i++) {
      const logarithm = logarithms[i];
      // 64 ulps (an ulp is 2^(exponent - 52)); rounding is monotonic, so both ends suffice.
      const margin = 64 * 2 ** (((highWords[2 * i + 1] >>> 20) & 0x7ff) - 1023 - 52);
      const rounded = f32(logarithm);
      if ((f32(logarithm - margin) !== rounded || f32(logarithm + margin) !== rounded) && close.length < 10) close.push(first + i);
    }
  }
  expect(close).toEqual([]);
});

describe('whole draws: the kernel and JavaScript give the same bits', () => {
  const keys: Array<[string, Uint32Array]> = [
    ['key(0)', key(0)],
    ['key(42)', key(42)],
    ['[0xdeadbeef, 12345]', Uint32Array.of(0xdeadbeef, 12345)],
    ['[0xffffffff, 0xffffffff]', Uint32Array.of(0xffffffff, 0xffffffff)],
  ];
  // Around the chunk (2 * CHUNK_BLOCKS values) and lane-group (4 blocks) boundaries, odd and even.
  const chunk = 2 * CHUNK_BLOCKS;
  const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, chunk - 1, chunk, chunk + 1, chunk + 7, 2 * chunk + 1, 262_144, 262_144 + 1];
  describe.each(keys)('%s', (_label, source) => {
    test.each(sizes)('size %i', (size) => {
      const simd = normalValues(source, size);
      const js = normalValuesInJs(source, size);
      expect(simd).toBeInstanceOf(Float32Array);
      expect(simd.length).toBe(size);
      expect(bitDifferences(simd, js)).toEqual({ count: 0, first: [] });
    });
  });

  test('random.normal gives the same tensor either way', async () => {
    const withSimd = normal(key(7), [3, 5, 7]);
    simdNormals.enabled = false;
    const withJs = normal(key(7), [3, 5, 7]);
    simdNormals.enabled = true;
    expect(bitDifferences((await withSimd.sample.data()) as Float32Array, (await withJs.sample.data()) as Float32Array).count).toBe(0);
    tf.dispose([withSimd.sample, withJs.sample]);
  });

  test('every draw returns a fresh array', () => {
    const first = normalValues(key(1), 8);
    const second = normalValues(key(1), 8);
    expect(second).not.toBe(first);
    expect(second.buffer).not.toBe(first.buffer);
    first[0] = 0;
    expect(second[0]).not.toBe(0);
  });
});

describe('where the kernel cannot run, normalValues draws in JavaScript', () => {
  const reference = normalValuesInJs(key(3), 11);

  declareFallbackTests(NORMAL_SIMD_WASM, async () => {
    const random = await import('../src/random');
    const simd = await import('../src/random/normal_simd');
    return { draws: [random.normalValues(random.key(3), 11), random.normalValues(random.key(3), 11)], kernel: simd.normalSimdKernel() };
  }, reference);

  test('switched off: the kernel is not even compiled', async () => {
    const compiled = jest.fn();
    await inIsolatedModules(webAssemblyWith({ Module: moduleSpy(Buffer.from(NORMAL_SIMD_WASM, 'base64'), compiled) }), async () => {
      const random = await import('../src/random');
      const simd = await import('../src/random/normal_simd');
      simd.simdNormals.enabled = false;
      expect(bitDifferences(random.normalValues(random.key(3), 11), reference).count).toBe(0);
    });
    expect(compiled).not.toHaveBeenCalled();
  });
});

describe('the committed binary', () => {
  declareCommittedBinaryTests(NORMAL_SIMD);
});
