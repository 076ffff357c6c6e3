/**
 * Random bits to a float32 uniform in [min, max), as JAX's `_uniform` (jax/_src/random.py)
 * and Nx's `Nx.Random.uniform_split` do for float32.
 */

const f32 = Math.fround;

/**
 * One uniform float32 from 32 random bits. JAX keeps the top 23 bits as the mantissa of a
 * float in [1, 2) and subtracts 1: `bitcast((bits >>> 9) | 0x3F800000) - 1`, which is exactly
 * (bits >>> 9) / 2^23. It then scales and shifts in float32 and clamps at `min` (lax.max),
 * because the rounding of `unit * (max - min) + min` could fall below it.
 * `min` and `max` must be float32 values.
 */
export function uniformFromBits(bits: number, min: number, max: number): number {
  const unit = (bits >>> 9) * 2 ** -23;
  return Math.max(min, f32(f32(unit * f32(max - min)) + min));
}
