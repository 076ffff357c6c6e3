import type { Integrand } from './conversion';
import type { Level } from './levels';

/**
 * The first-order exponential-integrator step from level s to level t, x_t = sample * x_s +
 * output * m, with m the converted output (DPM-Solver-1, arXiv 2206.00927 eq. 3.7, and its
 * data-prediction form, DPM-Solver++ arXiv 2211.01095 eq. 5; both are DDIM, arXiv 2010.02502):
 *
 *   x0 ('data'):  x_t = (sigma_t / sigma_s) x_s - alpha_t (e^-h - 1) x0
 *   eps ('noise'): x_t = (alpha_t / alpha_s) x_s - sigma_t (e^h - 1) eps,     h = lambda_t - lambda_s
 *
 * UniPC's predictor starts from the same terms (arXiv 2302.04867, eq. 6). To a final sigma of 0
 * (h = +Infinity) the eps form's sigma_t (e^h - 1) is 0 * Infinity; its limit
 * alpha_t sigma_s / alpha_s (e^h = alpha_t sigma_s / (sigma_t alpha_s)) is used there.
 */
export function firstOrderWeights(integrand: Integrand, t: Level, s: Level): { sample: number; output: number } {
  const h = t.lambda - s.lambda;
  if (integrand === 'data') return { sample: t.sigma / s.sigma, output: -t.alpha * Math.expm1(-h) };
  const scaledExpm1 = Number.isFinite(h) ? t.sigma * Math.expm1(h) : (t.alpha * s.sigma) / s.alpha;
  return { sample: t.alpha / s.alpha, output: -scaledExpm1 };
}
