/**
 * Where a schedule sigma puts the sample on the forward process x = alpha * x0 + sigma_t * eps,
 * and its log-SNR lambda = log(alpha / sigma_t), the variable the exponential integrators of
 * DPM-Solver (arXiv 2206.00927, section 3) and UniPC (arXiv 2302.04867) step in. float64.
 *
 * - 'vp': the DDPM process seen through sigma = sqrt((1 - alpha-bar) / alpha-bar):
 *   alpha = 1 / sqrt(sigma^2 + 1), sigma_t = sigma * alpha (lambda = -log sigma);
 * - 'flow': the rectified flow x = (1 - sigma) x0 + sigma eps: alpha = 1 - sigma, sigma_t = sigma.
 *
 * A final sigma of 0 gives alpha = 1, sigma_t = 0 and lambda = +Infinity (the clean end).
 *
 * alpha and sigma_t are rounded to float32 operation by operation, as diffusers' torch code
 * computes them from its float32 sigmas: they convert the model output (x0 = (x - sigma_t eps)
 * / alpha), where the noisiest steps cancel x against sigma_t eps, so that an ulp of sigma_t
 * moves x0 by 1e-4 on a squared-cosine schedule. lambda is float64 from those (rounding it too
 * brings the fixtures no closer).
 */
export type ForwardProcess = 'vp' | 'flow';

export interface Level {
  readonly alpha: number;
  readonly sigma: number;
  readonly lambda: number;
}

const f = Math.fround;

export function levelOf(process: ForwardProcess, scheduleSigma: number): Level {
  const alpha = process === 'flow' ? f(1 - scheduleSigma) : f(1 / f(Math.sqrt(f(f(scheduleSigma * scheduleSigma) + 1))));
  const sigma = process === 'flow' ? scheduleSigma : f(scheduleSigma * alpha);
  return { alpha, sigma, lambda: Math.log(alpha) - Math.log(sigma) };
}
