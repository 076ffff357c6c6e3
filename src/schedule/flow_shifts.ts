/**
 * The time shifts of rectified-flow schedules (SD3, Flux, LTX-Video), as diffusers computes
 * them. diffusers applies each either to float64 numpy arrays (its default linspace) or to
 * float32 ones (custom sigmas or timesteps: numpy 2 keeps Python scalars weak, so every
 * operation then rounds to float32). `round` says which: `FLOAT64` leaves every operation as
 * it is, `FLOAT32` (Math.fround) rounds each one, operand by operand in diffusers' order, so
 * that the sigmas agree with diffusers' to the bit.
 */
import type { Rounding } from './float32';

/**
 * SD3's resolution shift (arXiv 2403.03206, eq. 23 with m/n = shift):
 * shift * s / (1 + (shift - 1) * s), evaluated as diffusers and torch do.
 */
export function shiftFlowSigma(sigma: number, shift: number, round: Rounding): number {
  return round(round(round(shift) * sigma) / round(1 + round(round(shift - 1) * sigma)));
}

/**
 * Flux's dynamic shift: e^mu / (e^mu + (1/t - 1)^1) ('exponential', diffusers'
 * `_time_shift_exponential` with its exponent sigma = 1), or mu / (mu + (1/t - 1))
 * ('linear', `_time_shift_linear`). For t = 1 both give 1; e^mu = shift gives SD3's shift.
 */
/** How a flow schedule is shifted by mu: exp(mu) (diffusers' 'exponential', Flux) or mu itself ('linear'). */
export type TimeShiftType = 'exponential' | 'linear';

export function timeShift(type: TimeShiftType, mu: number, t: number, round: Rounding): number {
  const scale = round(type === 'exponential' ? Math.exp(mu) : mu);
  return round(scale / round(scale + round(round(1 / t) - 1)));
}

/**
 * LTX-Video's stretch (diffusers' `stretch_shift_to_terminal`): 1 - (1 - s) / k with
 * k = (1 - s_last) / (1 - shiftTerminal), so that the last sigma becomes shiftTerminal and 1
 * stays 1. Needs a last sigma below 1 (k = 0 otherwise).
 */
export function stretchToTerminal(sigmas: ArrayLike<number>, shiftTerminal: number, round: Rounding): Float64Array {
  const oneMinus = Float64Array.from(sigmas as ArrayLike<number>, (sigma) => round(1 - sigma));
  const scale = round(oneMinus[oneMinus.length - 1] / round(1 - shiftTerminal));
  return oneMinus.map((value) => round(1 - round(value / scale)));
}

/**
 * mu of Flux's dynamic shifting from the image's token count (diffusers' pipelines'
 * `calculate_shift`): linear in imageSeqLen, baseShift at baseSeqLen and maxShift at
 * maxSeqLen. float64, as Python computes it.
 */
export function calculateShift(imageSeqLen: number, baseSeqLen: number, maxSeqLen: number, baseShift: number, maxShift: number): number {
  const slope = (maxShift - baseShift) / (maxSeqLen - baseSeqLen);
  const intercept = baseShift - slope * baseSeqLen;
  return imageSeqLen * slope + intercept;
}
