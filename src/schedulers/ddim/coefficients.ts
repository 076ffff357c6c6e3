import { noiseFromDenoisedWeights, predictionWeights } from '../prediction_weights';
import type { ResolvedDdimOptions } from './options';

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
  const weights = predictionWeights(options.predictionType, alphaBar);
  const rederived = noiseFromDenoisedWeights(alphaBar);

  // sigma^2 of eq. (16); 0 unless the step removes noise (a' > a, which also keeps both divisors positive).
  const variance = alphaBarPrev > alphaBar ? ((1 - alphaBarPrev) / (1 - alphaBar)) * (1 - alphaBar / alphaBarPrev) : 0;
  const sigma = options.eta * Math.sqrt(variance);
  return {
    timestep: from.timestep,
    prevTimestep: to.timestep,
    alphaBar,
    alphaBarPrev,
    denoisedFromSample: weights.denoisedFromSample,
    denoisedFromPrediction: weights.denoisedFromOutput,
    noiseFromSample: weights.noiseFromSample,
    noiseFromPrediction: weights.noiseFromOutput,
    rederivedNoiseFromSample: rederived.fromSample,
    rederivedNoiseFromDenoised: rederived.fromDenoised,
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
