/**
 * Beta schedules as diffusers makes them: `torch.linspace(..., dtype=torch.float32)` for the
 * linear and quadratic ones, float64 math rounded once for the cosine one, to the float32 bit
 * (Bumblebee computes them in Nx float32; its tests' tolerance covers the last bit). No tfjs
 * here: `tf.linspace` accumulates its step and drifts from the references.
 */
import { fusedMultiplyAddFloat32 } from './float32';

export type BetaSchedule = 'linear' | 'quadratic' | 'squared_cosine';

/**
 * `torch.linspace(start, end, count, dtype=torch.float32)` as torch's CPU kernel computes it
 * (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp, linspace_kernel): start, end and
 * step = (end - start) / (count - 1) in float32, then start + step * i for the first half and
 * end - step * (count - 1 - i) for the second, each a fused multiply-add (one rounding; the
 * kernel is compiled with FMA contraction), which keeps both endpoints exact.
 */
export function linspace(start: number, end: number, count: number): Float32Array {
  const first = Math.fround(start);
  const last = Math.fround(end);
  if (count === 1) return Float32Array.of(first);
  const step = Math.fround(Math.fround(last - first) / (count - 1));
  const halfway = Math.floor(count / 2);
  return Float32Array.from({ length: count }, (_, i) => (i < halfway ? fusedMultiplyAddFloat32(step, i, first) : fusedMultiplyAddFloat32(-step, count - 1 - i, last)));
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
 * The betas of a named schedule, as float32 values, as diffusers computes them:
 * - 'linear': evenly spaced from betaStart to betaEnd (DDPM, arXiv 2006.11239, section 4);
 *   torch's float32 linspace;
 * - 'quadratic': evenly spaced in sqrt(beta), then squared (latent diffusion; diffusers'
 *   scaled_linear): torch's float32 linspace of the float64 square roots, squared in float32;
 * - 'squared_cosine': the cosine schedule (arXiv 2102.09672; diffusers' squaredcos_cap_v2),
 *   float64 rounded once.
 */
export function betaSchedule(schedule: BetaSchedule, numTrainSteps: number, betaStart: number, betaEnd: number): Float32Array {
  switch (schedule) {
    case 'linear':
      return linspace(betaStart, betaEnd, numTrainSteps);
    case 'quadratic':
      return linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), numTrainSteps).map((root) => root * root);
    case 'squared_cosine':
      return Float32Array.from(squaredCosineBetas(numTrainSteps));
  }
}
