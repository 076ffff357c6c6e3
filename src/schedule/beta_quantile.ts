/**
 * The quantile function of the Beta(a, b) distribution (the inverse of the regularized
 * incomplete beta function I_x(a, b)) in float64: what `scipy.stats.beta.ppf` computes, which
 * diffusers' beta sigma schedule (arXiv 2407.12173) evaluates. Tested against scipy's values
 * (fixtures/diffusers/beta_ppf.json).
 */

/** Lanczos' coefficients (g = 7, n = 9): ln Gamma to ~1e-15 relative for x > 0. */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0 (Lanczos; the reflection formula below 0.5). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b). */
function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** The continued fraction of I_x(a, b) (modified Lentz), for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    // even step
    let term = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    fraction *= d * c;
    // odd step
    term = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return fraction;
}

/** I_x(a, b), the regularized incomplete beta function, for x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The x in [0, 1] with I_x(a, b) = p (scipy.stats.beta.ppf(p, a, b)), for p in [0, 1] and
 * a, b > 0. Newton's method on I_x - p from the leading term of the series at the nearer end,
 * kept inside a bisection bracket; above the median it solves the mirrored problem
 * 1 - x = ppf(1 - p; b, a), so that x near 1 keeps its precision in 1 - x.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`betaQuantile: p must be a number in [0, 1], got ${p}`);
  if (!(a > 0 && b > 0)) throw new RangeError(`betaQuantile: a and b must be positive, got a = ${a}, b = ${b}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logB = logBeta(a, b);
  const median = regularizedIncompleteBeta(0.5, a, b);
  if (p > median) return 1 - lowerQuantile(1 - p, b, a, logB);
  return lowerQuantile(p, a, b, logB);
}

/** The quantile for p at or below the median, where x <= 1/2 or so. */
function lowerQuantile(p: number, a: number, b: number, logB: number): number {
  // I_x ~ x^a / (a B(a, b)) for small x.
  let x = Math.min(0.5, Math.exp((Math.log(p) + Math.log(a) + logB) / a));
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 200; iteration++) {
    const error = regularizedIncompleteBeta(x, a, b) - p;
    if (error > 0) high = x;
    else low = x;
    // dI/dx = x^(a-1) (1 - x)^(b-1) / B(a, b)
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logB);
    let next = x - error / density;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - x) <= 1e-15 * x) return next;
    x = next;
  }
  return x;
}
