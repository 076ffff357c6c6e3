import type { ResolvedDdimOptions } from './ddim_options';

/**
 * The numbers one DDIM step needs, computed on the host in float64 from the float32
 * alpha-bars. With a = alpha-bar_t and a' = alpha-bar of the previous (less noisy) timestep,
 * DDIM (arXiv 2010.02502) eq. (12) reads
 *
 *   x_{t-1} = sqrt(a') * x0 + sqrt(1 - a' - sigma^2) * eps + sigma * z,
 *   x0 = (x_t - sqrt(1 - a) * eps) / sqrt(a),
 *   sigma = eta * sqrt((1 - a') / (1 - a)) * sqrt(1 - a / a')            (eq. 16).
 *
 * Every prediction type makes x0 and eps linear in the sample x and the prediction p, so a
 * step is a handful of multiply-adds whose weights are these coefficients.
 */
export interface DdimStepCoefficients {
  readonly timestep: number;
  /** The timestep the step lands on; negative on the last step (then alphaBarPrev follows alphaClipStrategy). */
  readonly prevTimestep: number;
  readonly alphaBar: number;
  readonly alphaBarPrev: number;
  /** x0 = denoisedFromSample * x + denoisedFromPrediction * p. */
  readonly denoisedFromSample: number;
  readonly denoisedFromPrediction: number;
  /** eps = noiseFromSample * x + noiseFromPrediction * p. */
  readonly noiseFromSample: number;
  readonly noiseFromPrediction: number;
  /** Re-derived eps (GLIDE) = (x - sqrt(a) * x0) / sqrt(1 - a) = rederivedNoiseFromSample * x + rederivedNoiseFromDenoised * x0. */
  readonly rederivedNoiseFromSample: number;
  readonly rederivedNoiseFromDenoised: number;
  /** x_{t-1} = prevFromDenoised * x0 + prevFromNoise * eps + sigma * z. */
  readonly prevFromDenoised: number;
  readonly prevFromNoise: number;
  readonly sigma: number;
}

/**
 * What a step divides by in place of a zero alpha-bar or a zero 1 - alpha-bar: 2^-24, the
 * value diffusers' Euler scheduler puts in place of a zero terminal alpha-bar. Zero-SNR
 * schedules (rescaleBetasZeroSnr) end at alpha-bar = 0 exactly, where x0 from a noise
 * prediction divides by sqrt(alpha-bar) (diffusers: NaN or Infinity); an inversion starting at
 * alpha-bar = 1 derives eps from a 'sample' prediction (or rederiveNoise) by dividing by
 * sqrt(1 - alpha-bar) = 0. Only exact zeros are replaced, so every finite diffusers number
 * stays as it is (a squared-cosine schedule's last alpha-bar, 2.4e-9, is used as it is).
 */
const ZERO_DIVISOR_FLOOR = 2 ** -24;

/** sqrt(value), with an exact zero replaced by ZERO_DIVISOR_FLOOR: for divisions. */
function sqrtDivisor(value: number): number {
  return Math.sqrt(value > 0 ? value : ZERO_DIVISOR_FLOOR);
}

/** One end of a step: a timestep (negative: past the schedule's end) and its alpha-bar. */
export interface NoiseLevel {
  readonly timestep: number;
  readonly alphaBar: number;
}

/**
 * Coefficients of the step that moves a sample from noise level `from` to level `to`
 * (eqs. 12 and 16). Sampling moves to a lower noise level, inversion to a higher one.
 */
export function ddimCoefficientsBetween(options: ResolvedDdimOptions, from: NoiseLevel, to: NoiseLevel): DdimStepCoefficients {
  const alphaBar = from.alphaBar;
  const alphaBarPrev = to.alphaBar;
  const sqrtAlphaBar = Math.sqrt(alphaBar);
  const sqrtOneMinusAlphaBar = Math.sqrt(1 - alphaBar);
  const sqrtAlphaBarDivisor = sqrtDivisor(alphaBar);
  const sqrtOneMinusAlphaBarDivisor = sqrtDivisor(1 - alphaBar);
  // eps from x and x0: (x - sqrt(a) * x0) / sqrt(1 - a)
  const noiseFromDenoised = { sample: 1 / sqrtOneMinusAlphaBarDivisor, denoised: -sqrtAlphaBar / sqrtOneMinusAlphaBarDivisor };

  let linear;
  switch (options.predictionType) {
    case 'noise': // x0 = (x - sqrt(1 - a) * eps) / sqrt(a)
      linear = { denoisedFromSample: 1 / sqrtAlphaBarDivisor, denoisedFromPrediction: -sqrtOneMinusAlphaBar / sqrtAlphaBarDivisor, noiseFromSample: 0, noiseFromPrediction: 1 };
      break;
    case 'angular_velocity': // v = sqrt(a) * eps - sqrt(1 - a) * x0 (arXiv 2202.00512, appendix D)
      linear = { denoisedFromSample: sqrtAlphaBar, denoisedFromPrediction: -sqrtOneMinusAlphaBar, noiseFromSample: sqrtOneMinusAlphaBar, noiseFromPrediction: sqrtAlphaBar };
      break;
    case 'sample':
      linear = { denoisedFromSample: 0, denoisedFromPrediction: 1, noiseFromSample: noiseFromDenoised.sample, noiseFromPrediction: noiseFromDenoised.denoised };
      break;
  }

  // sigma^2 of eq. (16); 0 unless the step removes noise (a' > a, which also keeps both divisors positive).
  const variance = alphaBarPrev > alphaBar ? ((1 - alphaBarPrev) / (1 - alphaBar)) * (1 - alphaBar / alphaBarPrev) : 0;
  const sigma = options.eta * Math.sqrt(variance);
  return {
    timestep: from.timestep,
    prevTimestep: to.timestep,
    alphaBar,
    alphaBarPrev,
    ...linear,
    rederivedNoiseFromSample: noiseFromDenoised.sample,
    rederivedNoiseFromDenoised: noiseFromDenoised.denoised,
    prevFromDenoised: Math.sqrt(alphaBarPrev),
    // eta > 1 asks for more fresh noise than the step removes, and at a zero-SNR start (a = 0)
    // 1 - a' - sigma^2 is 0 up to rounding; the direction term then vanishes instead of
    // becoming the square root of a negative number (NaN).
    prevFromNoise: Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma)),
    sigma,
  };
}

/**
 * Coefficients of the sampling step from `timestep` to `prevTimestep`; a negative
 * `prevTimestep` means past t = 0, where alpha-bar follows alphaClipStrategy.
 */
export function ddimStepCoefficients(
  options: ResolvedDdimOptions,
  alphaBars: Float32Array,
  timestep: number,
  prevTimestep: number,
): DdimStepCoefficients {
  const finalAlphaBar = options.alphaClipStrategy === 'one' ? 1 : alphaBars[0];
  const alphaBarPrev = prevTimestep >= 0 ? alphaBars[prevTimestep] : finalAlphaBar;
  return ddimCoefficientsBetween(options, { timestep, alphaBar: alphaBars[timestep] }, { timestep: prevTimestep, alphaBar: alphaBarPrev });
}
