/**
 * Beta schedules, computed on the host in float64 and rounded once to float32, as diffusers
 * stores them (`torch.float32` betas) and as Bumblebee computes them in `Nx` float32.
 * No tfjs here: `tf.linspace` accumulates its step and drifts from the references.
 */

export type BetaSchedule = 'linear' | 'quadratic' | 'squared_cosine';

/** `count` evenly spaced float64 values from `start` to `end`, both included. */
export function linspace(start: number, end: number, count: number): Float64Array {
  const values = new Float64Array(count);
  if (count === 1) {
    values[0] = start;
    return values;
  }
  const last = count - 1;
  // Interpolating from both ends keeps the endpoints exact, as numpy and torch do.
  for (let i = 0; i < count; i++) values[i] = i < count / 2 ? start + ((end - start) * i) / last : end - ((end - start) * (last - i)) / last;
  return values;
}

/**
 * Cosine schedule of Nichol & Dhariwal (arXiv 2102.09672, eq. 17), offset s = 0.008:
 * alpha-bar(t) = cos^2((t + s) / (1 + s) * pi / 2).
 */
function squaredCosineAlphaBar(t: number): number {
  return Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
}

/** The largest beta the squared-cosine schedule allows (diffusers' `max_beta`), avoiding singularities near t = T. */
export const MAX_SQUARED_COSINE_BETA = 0.999;

/** beta_i = 1 - alpha-bar((i + 1) / T) / alpha-bar(i / T), clipped to 0.999 (arXiv 2102.09672, eq. 17 and after). */
function squaredCosineBetas(numTrainSteps: number): Float64Array {
  const betas = new Float64Array(numTrainSteps);
  for (let i = 0; i < numTrainSteps; i++) {
    const ratio = squaredCosineAlphaBar((i + 1) / numTrainSteps) / squaredCosineAlphaBar(i / numTrainSteps);
    betas[i] = Math.min(1 - ratio, MAX_SQUARED_COSINE_BETA);
  }
  return betas;
}

/**
 * The betas of a named schedule, as float32 values (float64 math, one rounding):
 * - 'linear': evenly spaced from betaStart to betaEnd (DDPM, arXiv 2006.11239, section 4);
 * - 'quadratic': evenly spaced in sqrt(beta), then squared (latent diffusion; diffusers' scaled_linear);
 * - 'squared_cosine': the cosine schedule (arXiv 2102.09672; diffusers' squaredcos_cap_v2).
 */
export function betaSchedule(schedule: BetaSchedule, numTrainSteps: number, betaStart: number, betaEnd: number): Float32Array {
  switch (schedule) {
    case 'linear':
      return Float32Array.from(linspace(betaStart, betaEnd, numTrainSteps));
    case 'quadratic':
      return Float32Array.from(linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), numTrainSteps), (root) => root * root);
    case 'squared_cosine':
      return Float32Array.from(squaredCosineBetas(numTrainSteps));
  }
}
