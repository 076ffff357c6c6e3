/**
 * Torch's Box-Muller over 16 float32 uniforms on x86-64 (aten/src/ATen/native/cpu/
 * DistributionTemplates.h, `NormalFill16<float, true>` under CPU_CAPABILITY_AVX2, which
 * machines with AVX-512 run too: `normal_stub` is not dispatched to AVX-512). It computes log
 * and sin/cos with the float32 Cephes polynomials of avx_mathfun.h (`log256_ps`,
 * `sincos256_ps`), and the compiler (GCC, -mfma) fused their multiplies and adds into FMA
 * instructions. Each step below is one instruction of torch 2.13's compiled kernel
 * (libtorch_cpu.so, x86-64 wheel), float32 rounding and fusion as there.
 */

// Module-level names: a global lookup of Math per call is slow where code runs in a vm
// context (jest's test environment).
const { fround: f32, sqrt, clz32 } = Math;

/**
 * A float32 fused multiply-add (`vfmadd*ps`), a * b + c rounded once, for the operands this
 * kernel meets. The product of two float32 values is exact in float64; the float64 sum could
 * mislead the float32 rounding only by landing exactly on a float32 tie that the exact sum is
 * not on, and that happens for none of the 2^24 possible uniforms of either chain (log and
 * sincos): the exhaustive test in __tests__/torch_randn.test.ts compares every value of both
 * chains with torch's own.
 */
function fused(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/** Values per block; torch takes this path for contiguous tensors of at least this many values. */
export const BLOCK = 16;

/**
 * avx_mathfun.h's constants, as the float32 values the kernel loads (SQRTHF and DP3 written
 * with fewer digits than there, the same float32).
 */
const SQRTHF = f32(0.7071067811865476);
const LOG_P0 = f32(7.0376836292e-2);
const LOG_P1 = f32(-1.151461031e-1);
const LOG_P2 = f32(1.167699874e-1);
const LOG_P3 = f32(-1.2420140846e-1);
const LOG_P4 = f32(1.4249322787e-1);
const LOG_P5 = f32(-1.6668057665e-1);
const LOG_P6 = f32(2.0000714765e-1);
const LOG_P7 = f32(-2.4999993993e-1);
const LOG_P8 = f32(3.3333331174e-1);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);
const MINUS_DP1 = f32(-0.78515625);
const MINUS_DP2 = f32(-2.4187564849853515625e-4);
const MINUS_DP3 = f32(-3.774894977445941e-8);
const SIN_P0 = f32(-1.9515295891e-4);
const SIN_P1 = f32(8.3321608736e-3);
const SIN_P2 = f32(-1.6666654611e-1);
const COS_P0 = f32(2.443315711809948e-5);
const COS_P1 = f32(-1.388731625493765e-3);
const COS_P2 = f32(4.166664568298827e-2);
const FOUR_OVER_PI = f32(1.27323954473516);
/** 2^-k for k = 0..25, to scale 1 - u1 into [1/2, 1) without Math.pow. */
const INVERSE_POWERS_OF_TWO = Float64Array.from({ length: 26 }, (_, k) => 2 ** -k);
/** `_mm256_set1_ps(2.0f * c10::pi<double>)`: 2 pi rounded to float32. */
const TWO_PI = f32(2 * Math.PI);

/**
 * The radius sqrt(-2 log256_ps(1 - u1)) for a uniform u1 = k / 2^24 (k < 2^24), so
 * 1 - u1 = m / 2^24 with m = 2^24 - k in [1, 2^24]: a normal float32, exactly. Cephes' logf:
 * 1 - u1 = x 2^e with x in [sqrt(1/2), sqrt(2)), log = (x - 1) + polynomial + e log 2 (log 2
 * split as q2 - q1).
 */
function boxMullerRadius(u1: number): number {
  const m = 2 ** 24 - u1 * 2 ** 24;
  const top = 31 - clz32(m); // 1 - u1 = mantissa in [1/2, 1) * 2^(top - 23)
  let mantissa = m * INVERSE_POWERS_OF_TWO[top + 1];
  let exponent = top - 23;
  if (mantissa < SQRTHF) {
    exponent -= 1;
    mantissa = mantissa + mantissa - 1; // exact in float32, as the kernel's (x - 1) + x
  } else {
    mantissa -= 1;
  }
  const x = mantissa;
  const z = f32(x * x);
  let y = fused(LOG_P0, x, LOG_P1);
  y = fused(y, x, LOG_P2);
  y = fused(y, x, LOG_P3);
  y = fused(y, x, LOG_P4);
  y = fused(y, x, LOG_P5);
  y = fused(y, x, LOG_P6);
  y = fused(y, x, LOG_P7);
  y = fused(y, x, LOG_P8);
  y = f32(x * y);
  y = fused(y, z, f32(exponent * LOG_Q1));
  y = f32(y - 0.5 * z); // vfnmadd of z * 0.5, which is exact
  const log = fused(exponent, LOG_Q2, f32(x + y));
  return f32(sqrt(-2 * log));
}

/**
 * cos and sin of theta = 2 pi u2 (float32) by `sincos256_ps`, into trig[0] and trig[1]:
 * theta = j pi/4 + x with j even and |x| <= pi/4, reduced in three fmas (Cody-Waite), then
 * Cephes' polynomials for cos and sin of x. theta >= 0, so the function's own sign handling
 * is idle.
 */
function boxMullerCosSin(u2: number, trig: Float64Array): void {
  const theta = f32(TWO_PI * u2);
  let octant = f32(theta * FOUR_OVER_PI) | 0;
  octant = (octant + 1) & ~1;
  let x = fused(octant, MINUS_DP1, theta);
  x = fused(MINUS_DP2, octant, x);
  x = fused(octant, MINUS_DP3, x);
  const z = f32(x * x);
  let cosine = fused(COS_P0, z, COS_P1);
  cosine = fused(cosine, z, COS_P2);
  cosine = f32(z * cosine);
  cosine = f32(fused(z, cosine, -f32(0.5 * z)) + 1);
  let sine = fused(SIN_P0, z, SIN_P1);
  sine = fused(sine, z, SIN_P2);
  sine = f32(z * sine);
  sine = fused(x, sine, x);
  // Octants 2 and 6 swap the polynomials; the signs flip as Cephes' sinf and cosf do.
  const swapped = (octant & 2) !== 0;
  const cosTheta = swapped ? sine : cosine;
  const sinTheta = swapped ? cosine : sine;
  trig[0] = ((octant - 2) & 4) === 0 ? -cosTheta : cosTheta;
  trig[1] = (octant & 4) !== 0 ? -sinTheta : sinTheta;
}

/** cos and sin of one lane, reused. */
const trig = new Float64Array(2);

/**
 * `NormalFill16<float, true>::operator()`: 16 uniforms at data[offset..] to 16 normals, in
 * place. Lane j pairs u1 = data[offset + j] with u2 = data[offset + j + 8], which become
 * radius cos(theta) and radius sin(theta). Mean 0 and std 1: the final fma(n, std, mean) is
 * n + 0, which turns -0 into +0.
 */
export function normalFill16(data: Float32Array, offset: number): void {
  for (let lane = offset; lane < offset + BLOCK / 2; lane++) {
    const radius = boxMullerRadius(data[lane]);
    boxMullerCosSin(data[lane + BLOCK / 2], trig);
    data[lane] = f32(radius * trig[0]) + 0;
    data[lane + BLOCK / 2] = f32(radius * trig[1]) + 0;
  }
}
