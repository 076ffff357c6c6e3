/**
 * The multistep DPM-Solver updates as host numbers, float64, as diffusers'
 * DPMSolverMultistepScheduler writes them. With h = lambda_t - lambda_s0, the differences
 * h0 = lambda_s0 - lambda_s1, h1 = lambda_s1 - lambda_s2, r0 = h0 / h, r1 = h1 / h and the
 * converted outputs m0 (this step), m1, m2 (the steps before):
 *
 *   D0 = m0
 *   order 2: D1 = (m0 - m1) / r0
 *   order 3: D1_0 = (m0 - m1) / r0, D1_1 = (m1 - m2) / r1,
 *            D1 = D1_0 + r0 / (r0 + r1) (D1_0 - D1_1), D2 = (D1_0 - D1_1) / (r0 + r1)
 *   x_t = sample * x + d0 * D0 + d1 * D1 + d2 * D2 + noise * z
 *
 * with the weights of
 * - 'dpmsolver++' (arXiv 2211.01095, eqs. 5 and 9, Algorithm 2): sample = sigma_t / sigma_s0,
 *   d0 = -alpha_t (e^-h - 1); midpoint d1 = d0 / 2; heun (and order 3) d1 = alpha_t ((e^-h - 1) / h + 1),
 *   d2 = -alpha_t ((e^-h - 1 + h) / h^2 - 1/2);
 * - 'sde-dpmsolver++' (section 5 of the same paper, the SDE solver): sample = e^-h sigma_t / sigma_s0,
 *   d0 = alpha_t (1 - e^-2h), midpoint d1 = d0 / 2, heun d1 = alpha_t ((1 - e^-2h) / (-2h) + 1),
 *   d2 = alpha_t ((1 - e^-2h - 2h) / (2h)^2 - 1/2), noise = sigma_t sqrt(1 - e^-2h);
 * - 'dpmsolver' (arXiv 2206.00927, eqs. 3.7 and section 3.3 multistep): sample = alpha_t / alpha_s0,
 *   d0 = -sigma_t (e^h - 1), midpoint d1 = d0 / 2, heun d1 = -sigma_t ((e^h - 1) / h - 1),
 *   d2 = -sigma_t ((e^h - 1 - h) / h^2 - 1/2);
 * - 'sde-dpmsolver': sample = alpha_t / alpha_s0, d0 = -2 sigma_t (e^h - 1), midpoint d1 = d0 / 2,
 *   heun d1 = -2 sigma_t ((e^h - 1) / h - 1), noise = sigma_t sqrt(e^2h - 1) (no order 3).
 *
 * Where the step moves nothing (h = 0: the two equal final sigmas of some schedules), the
 * update is x itself: the limit of every order, which diffusers reaches at orders 1 and 2 and
 * turns into NaN at order 3 (0 / 0).
 */
import { firstOrderWeights } from '../multistep/first_order';
import type { Level } from '../multistep/levels';

export type AlgorithmType = 'dpmsolver++' | 'sde-dpmsolver++' | 'dpmsolver' | 'sde-dpmsolver';
export type SolverType = 'midpoint' | 'heun';

export interface DpmUpdate {
  readonly sample: number;
  readonly d0: number;
  readonly d1: number;
  readonly d2: number;
  readonly noise: number;
  /** 1 / r0 and 1 / r1. */
  readonly inverseR0: number;
  readonly inverseR1: number;
  /** r0 / (r0 + r1) and 1 / (r0 + r1). */
  readonly r0Share: number;
  readonly inverseRSum: number;
}

const IDENTITY: DpmUpdate = { sample: 1, d0: 0, d1: 0, d2: 0, noise: 0, inverseR0: 0, inverseR1: 0, r0Share: 0, inverseRSum: 0 };

/** Whether the algorithm integrates x0 (DPM-Solver++) rather than eps. */
export function integratesData(algorithm: AlgorithmType): boolean {
  return algorithm === 'dpmsolver++' || algorithm === 'sde-dpmsolver++';
}

/**
 * The weights of the update of `order` from level `s[0]` (earlier steps at s[1], s[2]) to level
 * `t`. Orders above 1 need finite h (a final sigma of 0 takes a first-order step).
 */
export function dpmSolverUpdate(algorithm: AlgorithmType, solverType: SolverType, order: 1 | 2 | 3, t: Level, s: readonly Level[]): DpmUpdate {
  const h = t.lambda - s[0].lambda;
  if (h === 0) return IDENTITY;
  const ratios = order === 1 ? IDENTITY : multistepRatios(h, s);
  const secondOrHigher = order >= 2;
  const heunLike = solverType === 'heun' || order === 3;
  switch (algorithm) {
    case 'dpmsolver++': {
      const first = firstOrderWeights('data', t, s[0]);
      const expm1 = Math.expm1(-h);
      return {
        ...ratios,
        sample: first.sample,
        d0: first.output,
        d1: !secondOrHigher ? 0 : heunLike ? t.alpha * (expm1 / h + 1) : first.output / 2,
        d2: order === 3 ? -t.alpha * ((expm1 + h) / (h * h) - 0.5) : 0,
        noise: 0,
      };
    }
    case 'sde-dpmsolver++': {
      const decay = -Math.expm1(-2 * h); // 1 - e^-2h
      const d0 = t.alpha * decay;
      return {
        ...ratios,
        sample: (t.sigma / s[0].sigma) * Math.exp(-h),
        d0,
        d1: !secondOrHigher ? 0 : heunLike ? t.alpha * (decay / (-2 * h) + 1) : d0 / 2,
        d2: order === 3 ? t.alpha * ((decay - 2 * h) / (2 * h) ** 2 - 0.5) : 0,
        noise: t.sigma * Math.sqrt(decay),
      };
    }
    case 'dpmsolver': {
      const first = firstOrderWeights('noise', t, s[0]);
      const expm1 = Math.expm1(h);
      return {
        ...ratios,
        sample: first.sample,
        d0: first.output,
        d1: !secondOrHigher ? 0 : heunLike ? -t.sigma * (expm1 / h - 1) : first.output / 2,
        d2: order === 3 ? -t.sigma * ((expm1 - h) / (h * h) - 0.5) : 0,
        noise: 0,
      };
    }
    case 'sde-dpmsolver': {
      if (order === 3) throw new RangeError("algorithmType 'sde-dpmsolver' has no third-order update");
      const expm1 = Math.expm1(h);
      const d0 = -2 * t.sigma * expm1;
      return {
        ...ratios,
        sample: t.alpha / s[0].alpha,
        d0,
        d1: !secondOrHigher ? 0 : solverType === 'heun' ? -2 * t.sigma * (expm1 / h - 1) : d0 / 2,
        d2: 0,
        noise: t.sigma * Math.sqrt(Math.expm1(2 * h)),
      };
    }
  }
}

/** 1 / r0, 1 / r1, r0 / (r0 + r1) and 1 / (r0 + r1) from the log-SNR steps (written without dividing by h). */
function multistepRatios(h: number, s: readonly Level[]): Pick<DpmUpdate, 'inverseR0' | 'inverseR1' | 'r0Share' | 'inverseRSum'> {
  const h0 = s[0].lambda - s[1].lambda;
  if (s.length < 3) return { inverseR0: h / h0, inverseR1: 0, r0Share: 0, inverseRSum: 0 };
  const h1 = s[1].lambda - s[2].lambda;
  return { inverseR0: h / h0, inverseR1: h / h1, r0Share: h0 / (h0 + h1), inverseRSum: h / (h0 + h1) };
}
