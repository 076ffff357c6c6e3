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
 * log1p and sqrt are not correctly rounded, ours are).
 */

const f32 = Math.fround;

/** Coefficients of P, highest degree first, as float32 (the C++ source spells them `...f`). */
const CENTRAL = Float32Array.of(
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941,
);

/** Coefficients of Q (the tails, |x| beyond about 0.9966), highest degree first. */
const TAIL = Float32Array.of(
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682,
);

/** erfinv of a float32 `x` in [-1, 1], rounded to float32; NaN outside. */
export function erfinv32(x: number): number {
  if (x === 1 || x === -1) return x * Infinity;
  // -x * x is exact in sign, so -log1p(-(x*x)) rounds exactly as XLA's -Log1p(-x * x).
  const w = -f32(Math.log1p(-f32(x * x)));
  const central = w < 5;
  const coefficients = central ? CENTRAL : TAIL;
  const t = central ? f32(w - 2.5) : f32(f32(Math.sqrt(w)) - 3);
  let p = coefficients[0];
  for (let i = 1; i < coefficients.length; i++) p = f32(coefficients[i] + f32(p * t));
  return f32(p * x);
}
