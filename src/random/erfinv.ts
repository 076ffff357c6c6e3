/**
 * Single-precision inverse error function, as XLA's `ErfInv32` (xla/hlo/builder/lib/math.cc),
 * which `jax.lax.erf_inv` and EXLA's `Nx.erf_inv` run for float32. It is Giles' approximation
 * (M. Giles, "Approximating the erfinv function", GPU Computing Gems Jade Edition, 2011):
 *
 *   w = -log1p(-x^2)
 *   w < 5:  p = P(w - 2.5)        else:  p = Q(sqrt(w) - 3)
 *   erfinv(x) = p * x,            erfinv(±1) = ±Infinity
 *
 * P and Q are degree-8 polynomials evaluated by Horner's rule. Every operation is rounded to
 * float32 (Math.fround) where XLA rounds, so results agree with JAX to about 1 ulp (XLA's own
 * log1p and sqrt are not correctly rounded, ours are: Math.sqrt is, and Math.log1p, fdlibm's
 * in V8, lands at least 64 float64 ulps from every float32 rounding boundary on the arguments
 * a draw produces, so it rounds to the float32 of the exact log1p; random_simd.test.ts).
 */

const f32 = Math.fround;

// Coefficients of P (central region) and Q (the tails, |x| beyond about 0.9966), highest
// degree first, as float32: the C++ source spells them `...f`. Unrolled below: a loop over an
// array of them costs V8 about twice as much on a 262,144-value draw.
const P0 = f32(2.81022636e-8), P1 = f32(3.43273939e-7), P2 = f32(-3.5233877e-6), P3 = f32(-4.39150654e-6), P4 = f32(0.00021858087);
const P5 = f32(-0.00125372503), P6 = f32(-0.00417768164), P7 = f32(0.246640727), P8 = f32(1.50140941);
const Q0 = f32(-0.000200214257), Q1 = f32(0.000100950558), Q2 = f32(0.00134934322), Q3 = f32(-0.00367342844), Q4 = f32(0.00573950773);
const Q5 = f32(-0.0076224613), Q6 = f32(0.00943887047), Q7 = f32(1.00167406), Q8 = f32(2.83297682);

/** erfinv of a float32 `x` in [-1, 1], rounded to float32; NaN outside. */
export function erfinv32(x: number): number {
  if (x === 1 || x === -1) return x * Infinity;
  // -x * x is exact in sign, so -log1p(-(x*x)) rounds exactly as XLA's -Log1p(-x * x).
  const w = -f32(Math.log1p(-f32(x * x)));
  let p: number;
  if (w < 5) {
    const t = f32(w - 2.5);
    p = f32(P1 + f32(P0 * t));
    p = f32(P2 + f32(p * t));
    p = f32(P3 + f32(p * t));
    p = f32(P4 + f32(p * t));
    p = f32(P5 + f32(p * t));
    p = f32(P6 + f32(p * t));
    p = f32(P7 + f32(p * t));
    p = f32(P8 + f32(p * t));
  } else {
    const t = f32(f32(Math.sqrt(w)) - 3);
    p = f32(Q1 + f32(Q0 * t));
    p = f32(Q2 + f32(p * t));
    p = f32(Q3 + f32(p * t));
    p = f32(Q4 + f32(p * t));
    p = f32(Q5 + f32(p * t));
    p = f32(Q6 + f32(p * t));
    p = f32(Q7 + f32(p * t));
    p = f32(Q8 + f32(p * t));
  }
  return f32(p * x);
}
