// The sigma schedules' host numbers against scipy and diffusers: the Beta quantile, and the
// Karras, exponential and beta sigmas with their timesteps as diffusers' EulerDiscreteScheduler
// computes them (fixtures/diffusers/euler.json), within 1e-6 relative: our float32 betas are
// the float64 linspace rounded once (src/schedule/betas.ts, unchanged for DDIM's numbers),
// torch's are its float32 linspace, so a training sigma can differ from diffusers' by an ulp.
import betaPpf from '../fixtures/diffusers/beta_ppf.json';
import euler from '../fixtures/diffusers/euler.json';
import { betaQuantile, logGamma, regularizedIncompleteBeta } from '../src/schedule/beta_quantile';
import { alphaBarsFromBetas } from '../src/schedule/alpha_bars';
import { betaSchedule } from '../src/schedule/betas';
import { betaSigmas, exponentialSigmas, interp, karrasSigmas, logValues, sigmaToTimestep, trainingSigmas } from '../src/schedule/sigmas';
import { linspaceValues } from '../src/schedule/numpy';
import { expectCloseToDiffusers } from './helpers/close_to_diffusers';

describe('betaQuantile (scipy.stats.beta.ppf)', () => {
  const points = [...betaPpf.grid, ...betaPpf.diffusers_points].flatMap(({ a, b, x, ppf }) => x.map((p, i) => [a, b, p, ppf[i]] as const));

  test.each(points)('Beta(%p, %p) at %p', (a, b, p, expected) => {
    const actual = betaQuantile(p, a, b);
    // Relative to the value, and near 1 relative to 1 - value, where its precision lives.
    const error = Math.min(Math.abs(actual - expected) / Math.max(expected, 1e-300), Math.abs(1 - actual - (1 - expected)) / Math.max(1 - expected, 1e-300));
    expect(error).toBeLessThan(1e-12);
  });

  test('inverts the regularized incomplete beta, which ends at 0 and 1 and is 1/2 at the median of a symmetric Beta', () => {
    for (const [a, b] of [[0.6, 0.6], [2, 5], [0.3, 4]]) {
      for (const p of [1e-9, 0.01, 0.3, 0.77, 0.999999]) expect(Math.abs(regularizedIncompleteBeta(betaQuantile(p, a, b), a, b) - p)).toBeLessThan(1e-13 + 1e-12 * p);
      expect(regularizedIncompleteBeta(0, a, b)).toBe(0);
      expect(regularizedIncompleteBeta(1, a, b)).toBe(1);
    }
    expect(regularizedIncompleteBeta(0.5, 0.6, 0.6)).toBeCloseTo(0.5, 14);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
  });

  test.each([
    [NaN, 0.6, 0.6, /p must be a number in \[0, 1\], got NaN/],
    [1.5, 0.6, 0.6, /p must be a number in \[0, 1\], got 1.5/],
    [0.5, 0, 0.6, /a and b must be positive, got a = 0, b = 0.6/],
  ])('p %p, a %p, b %p is refused', (p, a, b, message) => {
    expect(() => betaQuantile(p, a, b)).toThrow(message);
  });
});

/** Euler's schedule from the fixture's config, as its set_timesteps computes it for the 'linspace' spacing. */
function eulerSchedule(name: string) {
  const recorded = euler.cases.find((entry) => entry.name === name)!;
  const config = recorded.config as { num_train_timesteps: number; beta_start: number; beta_end: number; sigma_min: number | null; sigma_max: number | null };
  const steps = recorded.num_inference_steps!;
  const T = config.num_train_timesteps;
  const sigmas = trainingSigmas(alphaBarsFromBetas(betaSchedule('linear', T, config.beta_start, config.beta_end)));
  const logSigmas = logValues(sigmas);
  const timesteps = Float32Array.from(linspaceValues(0, T - 1, steps)).reverse();
  const interpolated = Array.from(timesteps, (t) => interp(t, Float64Array.from(sigmas, (_, i) => i), sigmas));
  const sigmaMin = config.sigma_min ?? interpolated[interpolated.length - 1];
  const sigmaMax = config.sigma_max ?? interpolated[0];
  return { recorded, steps, logSigmas, timesteps, interpolated, sigmaMin, sigmaMax };
}

describe("diffusers' Euler schedules (fixtures/diffusers/euler.json)", () => {
  test('the default: np.interp of the training sigmas at linspace timesteps, then 0', () => {
    const { recorded, timesteps, interpolated } = eulerSchedule('default');
    expect(Array.from(timesteps)).toEqual(recorded.timesteps);
    expectCloseToDiffusers(Float32Array.from([...interpolated, 0]), recorded.sigmas!);
  });

  test.each([
    ['karras', (min: number, max: number, n: number) => karrasSigmas(min, max, n)],
    ['karras_sigma_min_max', (min: number, max: number, n: number) => karrasSigmas(min, max, n)],
    ['exponential', exponentialSigmas],
    ['beta', (min: number, max: number, n: number) => betaSigmas(min, max, n)],
  ])('%s: the sigmas and their timesteps (diffusers _sigma_to_t), float32', (name, schedule) => {
    const { recorded, steps, logSigmas, sigmaMin, sigmaMax } = eulerSchedule(name);
    const sigmas = schedule(sigmaMin, sigmaMax, steps);
    expectCloseToDiffusers(Float32Array.from([...sigmas, 0]), recorded.sigmas!);
    expectCloseToDiffusers(Float32Array.from(sigmas, (sigma) => sigmaToTimestep(sigma, logSigmas)), recorded.timesteps);
  });

  test('sigmaToTimestep clamps outside the training range and is exact on the grid', () => {
    const { logSigmas } = eulerSchedule('default');
    expect(sigmaToTimestep(1e-20, logSigmas)).toBe(0);
    expect(sigmaToTimestep(1e20, logSigmas)).toBe(logSigmas.length - 1);
    expect(sigmaToTimestep(Math.exp(logSigmas[400]), logSigmas)).toBeCloseTo(400, 6);
  });

  test('interp clamps at the ends like numpy', () => {
    expect(interp(-1, [0, 1, 2], [5, 6, 8])).toBe(5);
    expect(interp(1.5, [0, 1, 2], [5, 6, 8])).toBe(7);
    expect(interp(3, [0, 1, 2], [5, 6, 8])).toBe(8);
  });
});
