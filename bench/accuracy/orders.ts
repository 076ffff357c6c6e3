/**
 * Convergence figures from errors against model calls: the measured order (the slope of
 * -log error against log calls, least squares over the asymptotic range) and the calls needed to
 * reach a given error (log-log interpolation between the budgets run).
 */

export interface CallsAndError {
  readonly calls: number;
  readonly error: number | null;
}

/** The asymptotic range: from 25 model calls up; errors below the floor (float64 rounding) are left out. */
export const ASYMPTOTIC_CALLS = 25;
const ERROR_FLOOR = 1e-12;

/** -d log(error) / d log(calls), least squares over the points with calls in [from, to]; null with fewer than 2 points. */
export function measuredOrder(points: readonly CallsAndError[], from = ASYMPTOTIC_CALLS, to = Infinity): number | null {
  const used = points.filter((p): p is { calls: number; error: number } => p.error !== null && p.error > ERROR_FLOOR && p.calls >= from && p.calls <= to);
  if (used.length < 2) return null;
  const xs = used.map((p) => Math.log(p.calls));
  const ys = used.map((p) => Math.log(p.error));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
  });
  return -sxy / sxx;
}

/**
 * The model calls at which the error first falls to `target`, interpolated log-log between the
 * budget where it is last above and the next; null if no budget reaches it. An error that
 * rises again later does not count as reached before it stays below.
 */
export function callsToReach(points: readonly CallsAndError[], target: number): number | null {
  const sorted = points.filter((p): p is { calls: number; error: number } => p.error !== null).sort((a, b) => a.calls - b.calls);
  let lastAbove = -1;
  sorted.forEach((p, i) => {
    if (p.error > target) lastAbove = i;
  });
  if (lastAbove === sorted.length - 1) return null;
  if (lastAbove < 0) return sorted[0].calls;
  const [a, b] = [sorted[lastAbove], sorted[lastAbove + 1]];
  const fraction = Math.log(a.error / target) / Math.log(a.error / b.error);
  return Math.exp(Math.log(a.calls) + fraction * Math.log(b.calls / a.calls));
}
