/** Float32 arithmetic: the rounding of each operation of a formula evaluated as numpy or torch does, and a fused multiply-add rounded once. */

/**
 * How each operation of a formula is rounded: not at all (float64, numpy's float64 arrays), or
 * to float32 (numpy's float32 arrays, torch's float32 tensors), operand by operand.
 */
export type Rounding = (value: number) => number;
export const FLOAT64: Rounding = (value) => value;
export const FLOAT32: Rounding = Math.fround;

const scratch = new Float32Array(1);
const bits = new Uint32Array(scratch.buffer);

/** The float32 next to `value` (a float32) in the direction of `toward`. */
function nextFloat32(value: number, toward: number): number {
  if (value === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  scratch[0] = value;
  // Away from zero when moving the way of the sign, towards zero otherwise.
  bits[0] += toward > value === value > 0 ? 1 : -1;
  return scratch[0];
}

/**
 * a * b + c rounded once to float32, for float32 a, b, c with a * b exact in float64 (as it is
 * for float32 operands): C's fmaf, which compilers emit for `c + a * b` under FP contraction.
 * The float64 sum is exact but for its last half-ulp `low`, which decides the rare sum that
 * lands exactly halfway between two float32 numbers.
 */
export function fusedMultiplyAddFloat32(a: number, b: number, c: number): number {
  const product = a * b;
  const high = product + c;
  // TwoSum: high + low = product + c exactly.
  const virtual = high - product;
  const low = product - (high - virtual) + (c - virtual);
  const rounded = Math.fround(high);
  if (rounded === high || low === 0) return rounded;
  const other = nextFloat32(rounded, high);
  if ((rounded + other) / 2 !== high) return rounded;
  // high is a tie between two float32 numbers: the exact sum lies on the side of low.
  return (other > rounded) === (low > 0) ? other : rounded;
}
