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

/** Coefficients of the step from `timestep` to `prevTimestep` (eqs. 12 and 16). */
export function ddimStepCoefficients(
  options: ResolvedDdimOptions,
  alphaBars: Float32Array,
  timestep: number,
  prevTimestep: number,
): DdimStepCoefficients {
  const alphaBar = alphaBars[timestep];
  const finalAlphaBar = options.alphaClipStrategy === 'one' ? 1 : alphaBars[0];
  const alphaBarPrev = prevTimestep >= 0 ? alphaBars[prevTimestep] : finalAlphaBar;
  const sqrtAlphaBar = Math.sqrt(alphaBar);
  const sqrtOneMinusAlphaBar = Math.sqrt(1 - alphaBar);

  const linear =
    options.predictionType === 'noise'
      ? { denoisedFromSample: 1 / sqrtAlphaBar, denoisedFromPrediction: -sqrtOneMinusAlphaBar / sqrtAlphaBar, noiseFromSample: 0, noiseFromPrediction: 1 }
      : // angular velocity v = sqrt(a) * eps - sqrt(1 - a) * x0 (arXiv 2202.00512, appendix D)
        { denoisedFromSample: sqrtAlphaBar, denoisedFromPrediction: -sqrtOneMinusAlphaBar, noiseFromSample: sqrtOneMinusAlphaBar, noiseFromPrediction: sqrtAlphaBar };

  const sigma = options.eta * Math.sqrt(((1 - alphaBarPrev) / (1 - alphaBar)) * (1 - alphaBar / alphaBarPrev));
  return {
    timestep,
    prevTimestep,
    alphaBar,
    alphaBarPrev,
    ...linear,
    rederivedNoiseFromSample: 1 / sqrtOneMinusAlphaBar,
    rederivedNoiseFromDenoised: -sqrtAlphaBar / sqrtOneMinusAlphaBar,
    prevFromDenoised: Math.sqrt(alphaBarPrev),
    // eta > 1 asks for more fresh noise than the step removes; the direction term then
    // vanishes instead of becoming the square root of a negative number (NaN).
    prevFromNoise: Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma)),
    sigma,
  };
}
