import { alphaBarsFromBetas } from './alpha_bars';

/**
 * Rescales betas to a zero terminal SNR (Lin et al., arXiv 2305.08891, Algorithm 1): shift
 * sqrt(alpha-bar) so that its last value is 0, scale it so that its first value is unchanged,
 * and convert back to betas. The last beta becomes 1 and the last alpha-bar exactly 0.
 * float64 math over the float32 alpha-bars, each beta rounded once to float32. Where
 * alpha-bar is already 0 (float32 underflow before the last step), the beta is 1 (diffusers:
 * 0 / 0 = NaN). Needs alpha-bar to fall between the first and the last step (the caller checks).
 */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const roots = Float64Array.from(alphaBarsFromBetas(betas), Math.sqrt);
  const first = roots[0];
  const last = roots[roots.length - 1];
  const scale = first / (first - last);
  const rescaled = roots.map((root) => ((root - last) * scale) ** 2);
  return Float32Array.from(rescaled, (alphaBar, t) => (t === 0 ? 1 - alphaBar : rescaled[t - 1] > 0 ? 1 - alphaBar / rescaled[t - 1] : 1));
}
