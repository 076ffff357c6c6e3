/**
 * `torch.randn(size, generator=g)` on the CPU, float32: torch's `normal_kernel`
 * (aten/src/ATen/native/cpu/DistributionTemplates.h) in its two paths.
 */
import type { Mt19937 } from './mt19937';
import { BLOCK, normalFill16 } from './normal_fill_16';
import { blockNormalsSimd } from './randn_simd';

/**
 * What a generator carries between draws: the engine, and the second value of the last
 * scalar Box-Muller pair (`CPUGeneratorImpl::next_double_normal_sample_`), or null.
 */
export interface TorchStream {
  readonly engine: Mt19937;
  cachedNormal: number | null;
}

/**
 * `uniform_real_distribution<float>(0, 1)`: the low 24 bits of one word times 2^-24
 * (transformation::uniform_real), exactly.
 */
function uniformFloat(word: number): number {
  return (word & 0xffffff) * 2 ** -24;
}

/**
 * `uniform_real_distribution<double>(0, 1)`: `random64()` joins two words, the first one high,
 * and keeps the low 53 bits, times 2^-53.
 */
function uniformDouble(engine: Mt19937): number {
  const high = engine.next();
  const low = engine.next();
  return ((high & 0x1fffff) * 2 ** 32 + low) * 2 ** -53;
}

/**
 * One value of `at::normal_distribution<double>(0, 1)` (aten/src/ATen/core/DistributionsHelper.h):
 * the cached second value if there is one (used once), else a fresh pair from two double
 * uniforms u1, u2: radius = sqrt(-2 log1p(-u2)), theta = 2 pi u1; returns radius cos(theta) and
 * caches radius sin(theta). Torch calls glibc's log1p and sincos in float64; Math.log1p,
 * Math.sin and Math.cos (fdlibm in V8) differ from them in the last float64 bit now and then,
 * which changes the float32 result only when the float64 value lies within that bit of a float32
 * rounding tie (about one value in 10^10).
 */
function scalarNormal(stream: TorchStream): number {
  const cached = stream.cachedNormal;
  if (cached !== null) {
    stream.cachedNormal = null;
    return cached;
  }
  const u1 = uniformDouble(stream.engine);
  const u2 = uniformDouble(stream.engine);
  const radius = Math.sqrt(-2 * Math.log1p(-u2));
  const theta = 2 * Math.PI * u1;
  stream.cachedNormal = radius * Math.sin(theta);
  return radius * Math.cos(theta);
}

/**
 * `normal_fill` for a contiguous float32 tensor of size >= 16: size uniform floats, the
 * Box-Muller block over each whole 16 of them in place, and when size is not a multiple of 16,
 * 16 fresh uniforms for the last 16 places (overlapping the last whole block), transformed as
 * one more block. Leaves the cached scalar value alone.
 */
function blockNormals(engine: Mt19937, values: Float32Array): void {
  const size = values.length;
  for (let i = 0; i < size; i++) values[i] = uniformFloat(engine.next());
  for (let i = 0; i + BLOCK <= size; i += BLOCK) normalFill16(values, i);
  if (size % BLOCK !== 0) {
    for (let i = size - BLOCK; i < size; i++) values[i] = uniformFloat(engine.next());
    normalFill16(values, size - BLOCK);
  }
}

/**
 * `size` float32 values of `torch.randn(size, generator=g)` from the stream, which they
 * advance. From 16 values on, the block path, by the WebAssembly kernel where it runs
 * (randn_simd.ts), in JavaScript otherwise: the same bits either way. Below 16 values torch
 * draws element by element with `normal_distribution<double>` (+ 0: its fma(n, 1, 0) turns -0
 * into +0), each rounded to float32.
 */
export function randnValues(stream: TorchStream, size: number): Float32Array {
  const values = new Float32Array(size);
  if (size < BLOCK) {
    for (let i = 0; i < size; i++) values[i] = scalarNormal(stream) + 0;
  } else if (!blockNormalsSimd(stream.engine, values)) {
    blockNormals(stream.engine, values);
  }
  return values;
}
