/** The figures of `--json`, rounded to what they measure. */

/** Seconds of wall time, to the millisecond (what a timer on a busy machine resolves). */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** A rate computed from a time: three significant digits (the time itself varies more than that between runs). */
export function roundRate(rate: number): number {
  return Number(rate.toPrecision(3));
}

/**
 * A share of `count` samples, k / count, to one decimal more than telling every k apart needs:
 * exact where count divides a power of ten (4: 0.25; 4000: 0.12475), else a third of the step.
 */
export function roundShare(share: number, count: number): number {
  const decimals = Math.ceil(Math.log10(count)) + 1;
  return Number(share.toFixed(decimals));
}
