/**
 * Noise levels of the sigma-space samplers (Euler, DPM-Solver, UniPC, flow matching), as
 * diffusers computes them: sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t), the variance-
 * exploding view of the DDPM forward process (Karras et al. 2022, arXiv 2206.00364, section 2),
 * with the same float32 / float64 steps as diffusers' torch and numpy code, so that the
 * schedules agree with its to the last bit where it matters (timesteps, the sigmas a run uses).
 */
import { betaQuantile } from './beta_quantile';
import { FLOAT64, type Rounding } from './float32';
import { linspaceValues } from './numpy';

const f32 = Math.fround;

/**
 * sigma_t for every training timestep from the float32 alpha-bars, in float32 as diffusers'
 * torch code computes `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5`: each operation rounded.
 */
export function trainingSigmas(alphaBars: Float32Array): Float32Array {
  return Float32Array.from(alphaBars, (alphaBar) => f32(Math.sqrt(f32(f32(1 - alphaBar) / alphaBar))));
}

/** The training schedule in sigma: sigma_t and log sigma_t for t = 0 .. T - 1, ascending, float32. */
export interface SigmaTable {
  readonly sigmas: Float32Array;
  readonly logSigmas: Float32Array;
}

/** The sigma table of float32 alpha-bars, as diffusers computes it. */
export function sigmaTable(alphaBars: Float32Array): SigmaTable {
  const sigmas = trainingSigmas(alphaBars);
  return { sigmas, logSigmas: logValues(sigmas) };
}

/** `np.log` of float32 values, rounded to float32 (numpy keeps the dtype). */
export function logValues(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values as ArrayLike<number>, (value) => Math.log(value));
}

/** `np.interp(x, xp, fp)` for increasing `xp`: linear between neighbours, clamped at the ends. */
export function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const last = xp.length - 1;
  if (x <= xp[0]) return fp[0];
  if (x >= xp[last]) return fp[last];
  let high = 1;
  while (xp[high] < x) high++;
  const low = high - 1;
  const slope = (fp[high] - fp[low]) / (xp[high] - xp[low]);
  return slope * (x - xp[low]) + fp[low];
}

/**
 * The (fractional) training timestep of noise level `sigma`, as diffusers' `_sigma_to_t`: the
 * position of log(sigma) on the ascending `logSigmas` (float32, one per training timestep),
 * linear between the two neighbours that bracket it, clamped to [0, T - 1]. `round` is the
 * precision numpy evaluates it in: float64 for the sigmas set_timesteps computes, float32 for
 * custom float32 sigmas (every operation but the last blend rounded).
 */
export function sigmaToTimestep(sigma: number, logSigmas: ArrayLike<number>, round: Rounding = FLOAT64): number {
  const logSigma = round(Math.log(Math.max(sigma, round(1e-10))));
  // The last index whose log-sigma is <= log(sigma), at most T - 2 (numpy's cumsum-argmax).
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (logSigma >= logSigmas[i]) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const lowLog = logSigmas[low];
  const highLog = logSigmas[low + 1];
  const weight = Math.min(Math.max(round(round(lowLog - logSigma) / round(lowLog - highLog)), 0), 1);
  return round(1 - weight) * low + weight * (low + 1);
}

/**
 * Karras et al.'s schedule (arXiv 2206.00364, eq. 5): `count` levels from sigmaMax down to
 * sigmaMin, evenly spaced in sigma^(1/rho) (rho = 7, the paper's). With rho = 1 on log-SNRs
 * lambda it is Lu et al.'s uniform-lambda schedule (DPM-Solver, arXiv 2206.00927). float64.
 */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, count: number, rho = 7): Float64Array {
  const ramp = linspaceValues(0, 1, count);
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  return ramp.map((r) => (maxInvRho + r * (minInvRho - maxInvRho)) ** rho);
}

/** `count` levels from sigmaMax down to sigmaMin, evenly spaced in log sigma. float64. */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, count: number): Float64Array {
  return linspaceValues(Math.log(sigmaMax), Math.log(sigmaMin), count).map(Math.exp);
}

/**
 * `count` levels from sigmaMax down to sigmaMin at the quantiles of Beta(alpha, beta) of
 * 1 - linspace(0, 1, count) ("Beta sampling is all you need", arXiv 2407.12173; diffusers'
 * defaults alpha = beta = 0.6): more steps near both ends. float64.
 */
export function betaSigmas(sigmaMin: number, sigmaMax: number, count: number, alpha = 0.6, beta = 0.6): Float64Array {
  return linspaceValues(0, 1, count).map((r) => sigmaMin + betaQuantile(1 - r, alpha, beta) * (sigmaMax - sigmaMin));
}

/** The schedules that place `count` levels between a smallest and a largest sigma. */
export type PlacedSigmaSchedule = 'karras' | 'exponential' | 'beta';

/** `count` levels from sigmaMax down to sigmaMin by `schedule` (diffusers' _convert_to_karras / _exponential / _beta). */
export function placedSigmas(schedule: PlacedSigmaSchedule, sigmaMin: number, sigmaMax: number, count: number): Float64Array {
  switch (schedule) {
    case 'karras':
      return karrasSigmas(sigmaMin, sigmaMax, count);
    case 'exponential':
      return exponentialSigmas(sigmaMin, sigmaMax, count);
    case 'beta':
      return betaSigmas(sigmaMin, sigmaMax, count);
  }
}
