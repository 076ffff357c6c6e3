/** The figures of `--json`, rounded to what they measure. */

/** Seconds of wall time, to the millisecond (what a timer on a busy machine resolves). */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** A rate computed from a time: three significant digits (the time itself varies more than that between runs). */
export function roundRate(rate: number): number {
  return Number(rate.toPrecision(3));
}

/** A share of `count` samples, to the decimals that tell every count k / count apart. */
export function roundShare(share: number, count: number): number {
  const decimals = Math.max(1, Math.ceil(Math.log10(count)));
  return Number(share.toFixed(decimals));
}
