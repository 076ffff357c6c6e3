/**
 * Standard normal float32 draws, bit-compatible with `Nx.Random.normal` (which splits the key
 * first) and `jax.random.normal` (which does not) in threefry's non-partitionable mode.
 */
import * as tf from '@tensorflow/tfjs-core';

import { checkInteger, checkShape } from '../errors';
import { erfinv32 } from './erfinv';
import { checkKey, split } from './key';
import { normalValuesSimd } from './normal_simd';
import { threefryIota } from './threefry';
import { uniformFromBits } from './uniform';

const f32 = Math.fround;

/** nextafter(-1, 0) in float32, JAX's lower bound for the uniform it maps through erfinv. */
const LOWEST_UNIFORM = f32(-1 + 2 ** -24);

/** sqrt(2) as the float32 constant JAX multiplies by. */
const SQRT2 = f32(Math.SQRT2);

/**
 * Largest number of values: JAX's `random_bits` draws threefry(key, iota(n)) only while
 * n < 2^32 - 1, and switches to a blocked scheme beyond, which we do not reproduce.
 */
export const MAX_SIZE = 2 ** 32 - 2;

/** The standard normal of 32 threefry bits: sqrt(2) * erfinv(u), u uniform in [nextafter(-1, 0), 1). */
export function normalFromBits(bits: number): number {
  return f32(SQRT2 * erfinv32(uniformFromBits(bits, LOWEST_UNIFORM, 1)));
}

/** `normalValues` in JavaScript, where the WebAssembly kernel cannot run (or is switched off). */
function normalValuesJs(key: Uint32Array, size: number): Float32Array {
  const bits = threefryIota(key, size);
  // Each value replaces its own bits, read first, in the same buffer.
  const values = new Float32Array(bits.buffer);
  for (let i = 0; i < size; i++) values[i] = normalFromBits(bits[i]);
  return values;
}

/**
 * `size` standard normals drawn with `key` itself, not split: the values of
 * `jax.random.normal(key, (size,), float32)` and `Nx.Random.normal_split(key, 0, 1, shape: {size})`.
 * Host-side, no tensors (for kernels that upload the noise themselves): u = uniform in
 * [nextafter(-1, 0), 1) from threefry bits, then sqrt(2) * erfinv(u), all in float32. u never
 * reaches ±1, so every value is finite: the extreme bits give -5.42 and 5.23. Computed by a
 * WebAssembly SIMD kernel where the engine runs it (normal_simd.ts), in JavaScript otherwise:
 * the same bits either way.
 */
export function normalValues(key: Uint32Array, size: number): Float32Array {
  checkKey('key', key);
  checkInteger('size', size, 0, MAX_SIZE);
  return normalValuesSimd(key, size) ?? normalValuesJs(key, size);
}

/**
 * Checks a shape for `normal` (and `TorchGenerator.randn`); the empty shape [] (a scalar) is
 * allowed. Returns a copy.
 */
export function checkSampleShape(shape: unknown): number[] {
  if (Array.isArray(shape) && shape.length === 0) return [];
  return checkShape('shape', shape);
}

/**
 * A float32 tensor of standard normals and the key for the next draw, as
 * `Nx.Random.normal(key, shape: shape)`: `[next, sub] = split(key)`, the values come from
 * `sub` (see `normalValues`) and `next` is returned. Equivalent in JAX:
 * `key, sub = jax.random.split(key); sample = jax.random.normal(sub, shape)`.
 *
 * `shape` is an array of positive integers, or [] for a scalar. The tensor is the caller's to
 * dispose; the input key is left as it is.
 */
export function normal(key: Uint32Array, shape: number[]): { sample: tf.Tensor; key: Uint32Array } {
  checkKey('key', key);
  const sampleShape = checkSampleShape(shape);
  const [next, sub] = split(key);
  const values = normalValues(sub, tf.util.sizeFromShape(sampleShape));
  return { sample: tf.tensor(values, sampleShape, 'float32'), key: next };
}
