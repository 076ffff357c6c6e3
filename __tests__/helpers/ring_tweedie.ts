/** The ring's exact E[eps | x_t] and E[x0 | x_t] on the host, in float64, for the exact denoisers' specs. */
import { RING_STD, ringMeans } from 'tfjs-diffusion-schedulers';

/** log p_t(x) of the ring at level (alpha, sigma), float64: a mixture of N(alpha mu_k, (alpha^2 s^2 + sigma^2) I). */
function ringLogDensity(x: number, y: number, alpha: number, sigma: number): number {
  const variance = alpha * alpha * RING_STD ** 2 + sigma * sigma;
  const logTerms = ringMeans().map(([mx, my]) => Math.log(1 / 8) - Math.log(2 * Math.PI * variance) - ((x - alpha * mx) ** 2 + (y - alpha * my) ** 2) / (2 * variance));
  const top = Math.max(...logTerms);
  return top + Math.log(logTerms.reduce((sum, term) => sum + Math.exp(term - top), 0));
}

/**
 * Tweedie's formula with the score by central differences: E[eps | x] = -sigma grad log p(x)
 * and E[x0 | x] = (x + sigma^2 grad log p(x)) / alpha; at alpha = 0 x_t says nothing of x0,
 * whose mean is the mean of the means, 0.
 */
export function ringTweedie(x: number, y: number, alpha: number, sigma: number): { noise: number[]; denoised: number[] } {
  const h = 1e-6;
  const grad = [
    (ringLogDensity(x + h, y, alpha, sigma) - ringLogDensity(x - h, y, alpha, sigma)) / (2 * h),
    (ringLogDensity(x, y + h, alpha, sigma) - ringLogDensity(x, y - h, alpha, sigma)) / (2 * h),
  ];
  return {
    noise: grad.map((g) => -sigma * g),
    denoised: alpha === 0 ? [0, 0] : [x, y].map((v, i) => (v + sigma * sigma * grad[i]) / alpha),
  };
}
