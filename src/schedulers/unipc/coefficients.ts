/**
 * UniPC's coefficients (Zhao et al., arXiv 2302.04867, Algorithms 2 and 3, B(h) variants) for
 * one interval from level s0 to level t, as diffusers' UniPCMultistepScheduler computes them, in
 * float64. With h = lambda_t - lambda_s0, hh = -h for the data prediction (predictX0) and h for
 * the noise prediction, the earlier levels s1, s2, ... and r_k = (lambda_sk - lambda_s0) / h:
 *
 *   h phi_1 = e^hh - 1, B(h) = hh ('bh1') or e^hh - 1 ('bh2'),
 *   R = [r^0; r^1; ...; r^(p-1)] over (r_1, ..., r_(p-1), 1),
 *   b_i = i! h phi_(i+1)(hh) / B(h), with h phi_(k+1) = h phi_k / hh - 1 / k!,
 *   predictor (UniP-p): rho_p = 1/2 for p = 2, else R[:-1, :-1] \ b[:-1]  (none for p = 1);
 *   corrector (UniC-p): rho_c = 1/2 for p = 1, else R \ b.
 *
 * The update (data prediction) from x_s0 with converted outputs m0, m1, ...:
 *   x_t = (sigma_t / sigma_s0) x_s0 - alpha_t h phi_1 m0 - alpha_t B(h) sum_k rho_k D_k,
 *   D_k = (m_k - m0) / r_k                      (eq. 6; noise prediction: alpha and sigma swap roles)
 * and the corrector adds rho_c[last] (m_t - m0) with m_t the output at x_t.
 */
import type { Level } from '../multistep/levels';

export type UniPcSolverType = 'bh1' | 'bh2';

export interface UniPcInterval {
  /** 1 / r_k for k = 1 .. p - 1. */
  readonly inverseRks: readonly number[];
  /** The scale of the output terms: alpha_t (data prediction) or sigma_t (noise prediction). */
  readonly scale: number;
  readonly bH: number;
  /** The predictor's rho_1 .. rho_(p-1), and the corrector's rho_1 .. rho_p. */
  readonly rhosP: readonly number[];
  readonly rhosC: readonly number[];
}

/**
 * The interval from `levels[0]` to `target` at order p = levels.length (levels: the interval's
 * start, then the p - 1 levels before it).
 */
export function uniPcInterval(predictX0: boolean, solverType: UniPcSolverType, target: Level, levels: readonly Level[]): UniPcInterval {
  const order = levels.length;
  const h = target.lambda - levels[0].lambda;
  const hh = predictX0 ? -h : h;
  const bH = solverType === 'bh1' ? hh : Math.expm1(hh);
  const rks = [...levels.slice(1).map((level) => (level.lambda - levels[0].lambda) / h), 1];
  const matrix = Array.from({ length: order }, (_, power) => rks.map((r) => r ** power));
  const b: number[] = [];
  let hPhiK = Math.expm1(hh) / hh - 1;
  let factorial = 1;
  for (let i = 1; i <= order; i++) {
    b.push((hPhiK * factorial) / bH);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  const rhosP = order === 1 ? [] : order === 2 ? [0.5] : solve(leading(matrix, order - 1), b.slice(0, order - 1));
  const rhosC = order === 1 ? [0.5] : solve(matrix, b);
  return { inverseRks: rks.slice(0, -1).map((r) => 1 / r), scale: predictX0 ? target.alpha : target.sigma, bH, rhosP, rhosC };
}

/** The top-left n x n block. */
function leading(matrix: readonly number[][], n: number): number[][] {
  return matrix.slice(0, n).map((row) => row.slice(0, n));
}

/** x with A x = b, by Gaussian elimination with partial pivoting (the systems are 2 x 2 or 3 x 3). */
export function solve(matrix: readonly number[][], rhs: readonly number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++) if (Math.abs(a[row][column]) > Math.abs(a[pivot][column])) pivot = row;
    if (!(Math.abs(a[pivot][column]) > 0)) throw new RangeError('UniPC: the order conditions are singular (two steps at the same log-SNR)');
    [a[column], a[pivot]] = [a[pivot], a[column]];
    for (let row = column + 1; row < n; row++) {
      const factor = a[row][column] / a[column][column];
      for (let k = column; k <= n; k++) a[row][k] -= factor * a[column][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row][n];
    for (let k = row + 1; k < n; k++) sum -= a[row][k] * x[k];
    x[row] = sum / a[row][row];
  }
  return x;
}
