/**
 * The model's output as the two quantities every update of the DDPM family combines: the
 * predicted x0 and the predicted noise eps, each a weighted sum of the sample x and the model
 * output p at alpha-bar a, for the forward process x = sqrt(a) * x0 + sqrt(1 - a) * eps:
 *
 *   'noise' (p = eps):           x0 = (x - sqrt(1 - a) * p) / sqrt(a)
 *   'angular_velocity' (p = v):  x0 = sqrt(a) * x - sqrt(1 - a) * p,  eps = sqrt(1 - a) * x + sqrt(a) * p
 *                                (v = sqrt(a) * eps - sqrt(1 - a) * x0, arXiv 2202.00512, appendix D)
 *   'sample' (p = x0):           eps = (x - sqrt(a) * p) / sqrt(1 - a)
 */

/**
 * What a step divides by in place of a zero alpha-bar or a zero 1 - alpha-bar: 2^-24, the
 * value diffusers' Euler scheduler puts in place of a zero terminal alpha-bar. Zero-SNR
 * schedules (rescaleBetasZeroSnr) end at alpha-bar = 0 exactly, where x0 from a noise
 * prediction divides by sqrt(alpha-bar) (diffusers: NaN or Infinity); an inversion starting at
 * alpha-bar = 1 derives eps from a 'sample' prediction by dividing by sqrt(1 - alpha-bar) = 0.
 * Only exact zeros are replaced, so every finite diffusers number stays as it is (a
 * squared-cosine schedule's last alpha-bar, 2.4e-9, is used as it is).
 */
const ZERO_DIVISOR_FLOOR = 2 ** -24;

/** sqrt(value), with an exact zero replaced by ZERO_DIVISOR_FLOOR: for divisions. */
export function sqrtDivisor(value: number): number {
  return Math.sqrt(value > 0 ? value : ZERO_DIVISOR_FLOOR);
}

/** x0 = denoisedFromSample * x + denoisedFromOutput * p; eps = noiseFromSample * x + noiseFromOutput * p. */
export interface PredictionWeights {
  readonly denoisedFromSample: number;
  readonly denoisedFromOutput: number;
  readonly noiseFromSample: number;
  readonly noiseFromOutput: number;
}

/** eps from x and x0 at alpha-bar a: (x - sqrt(a) * x0) / sqrt(1 - a), as weights of (x, x0). */
export function noiseFromDenoisedWeights(alphaBar: number): { fromSample: number; fromDenoised: number } {
  const divisor = sqrtDivisor(1 - alphaBar);
  return { fromSample: 1 / divisor, fromDenoised: -Math.sqrt(alphaBar) / divisor };
}

/** The weights of x0 and eps at alpha-bar `alphaBar` for a model predicting `predictionType`. */
export function predictionWeights(predictionType: 'noise' | 'angular_velocity' | 'sample', alphaBar: number): PredictionWeights {
  const sqrtAlphaBar = Math.sqrt(alphaBar);
  const sqrtOneMinusAlphaBar = Math.sqrt(1 - alphaBar);
  switch (predictionType) {
    case 'noise':
      return { denoisedFromSample: 1 / sqrtDivisor(alphaBar), denoisedFromOutput: -sqrtOneMinusAlphaBar / sqrtDivisor(alphaBar), noiseFromSample: 0, noiseFromOutput: 1 };
    case 'angular_velocity':
      return { denoisedFromSample: sqrtAlphaBar, denoisedFromOutput: -sqrtOneMinusAlphaBar, noiseFromSample: sqrtOneMinusAlphaBar, noiseFromOutput: sqrtAlphaBar };
    case 'sample': {
      const fromDenoised = noiseFromDenoisedWeights(alphaBar);
      return { denoisedFromSample: 0, denoisedFromOutput: 1, noiseFromSample: fromDenoised.fromSample, noiseFromOutput: fromDenoised.fromDenoised };
    }
  }
}
