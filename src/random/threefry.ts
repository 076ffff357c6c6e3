/**
 * The Threefry-2x32 block cipher with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011), laid out over a flat array of counts exactly as JAX's
 * `threefry_2x32` (jax/_src/prng.py) and Nx's `Nx.Random.threefry2x32`.
 *
 * Arithmetic is int32 with `| 0`: the bits equal uint32 arithmetic modulo 2^32, and V8 keeps
 * int32 values unboxed where `>>> 0` results above 2^31 would become doubles. Storing into a
 * Uint32Array reinterprets the int32 bits as uint32.
 */

/** Key-schedule parity constant of Threefry (C240 in the Random123 sources). */
const KEY_PARITY = 0x1bd11bda;

/**
 * Mixes one block (x0, x1) under the key (k0, k1) and writes the two output words to
 * `out[index0]` and `out[index1]`; `index1` may be -1 to drop the second word (padding).
 */
function encryptBlock(k0: number, k1: number, x0: number, x1: number, out: Uint32Array, index0: number, index1: number): void {
  const k2 = k0 ^ k1 ^ KEY_PARITY;
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1) | 0;
  // Four rounds with rotations [13, 15, 26, 6], then the first key injection.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 1) | 0;
  // Rotations [17, 29, 16, 24]; injection 2.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + k0 + 2) | 0;
  // Injection 3.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1 + 3) | 0;
  // Injection 4.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 4) | 0;
  // Injection 5: after 20 rounds.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  out[index0] = x0 + k2;
  if (index1 >= 0) out[index1] = x1 + k0 + 5;
}

/**
 * JAX's `threefry_2x32(key, counts)`: the counts (padded with one 0 when their number is odd)
 * are cut in two halves; block i is (first half[i], second half[i]); the output is
 * [first words..., second words...] trimmed to the input length. So output[i] depends on the
 * length of `counts`, not only on counts[i].
 *
 * `key` must hold two words; it is not validated here (callers check user input).
 */
export function threefry2x32(key: Uint32Array, counts: Uint32Array): Uint32Array {
  const size = counts.length;
  const half = (size + 1) >>> 1;
  const out = new Uint32Array(size);
  const k0 = key[0] | 0;
  const k1 = key[1] | 0;
  for (let i = 0; i < half; i++) {
    const j = half + i;
    const padded = j === size;
    encryptBlock(k0, k1, counts[i], padded ? 0 : counts[j], out, i, padded ? -1 : j);
  }
  return out;
}

/**
 * JAX's `random_bits(key, 32, shape)` in non-partitionable mode for `size` values:
 * `threefry_2x32(key, iota(size))`, without materializing the iota. Valid for
 * size < 2^32 - 1; JAX switches to a blocked scheme beyond (callers enforce the bound).
 */
export function threefryIota(key: Uint32Array, size: number): Uint32Array {
  const half = Math.ceil(size / 2);
  const out = new Uint32Array(size);
  const k0 = key[0] | 0;
  const k1 = key[1] | 0;
  for (let i = 0; i < half; i++) {
    const j = half + i;
    const padded = j === size;
    encryptBlock(k0, k1, i, padded ? 0 : j, out, i, padded ? -1 : j);
  }
  return out;
}
