/**
 * diffusers' DPMSolverMultistepScheduler.step and UniPCMultistepScheduler.step written out
 * literally for one element, in float64 (alpha_t and sigma_t rounded to float32 as diffusers'
 * torch code computes them from its float32 sigmas): the references the plans are compared with
 * on the host (helpers/plan_interpreter.ts), apart from float32. UniPC keeps its corrected sample
 * (`last_sample`) as diffusers does; no thresholding, no variance_type.
 */
const f = Math.fround;

export type Process = 'vp' | 'flow';

/** diffusers' _sigma_to_alpha_sigma_t in torch's float32. */
export function alphaSigma(process: Process, sigma: number): [number, number] {
  if (process === 'flow') return [f(1 - sigma), sigma];
  const alpha = f(1 / f(Math.sqrt(f(f(sigma * sigma) + 1))));
  return [alpha, f(sigma * alpha)];
}

function lambdaOf(process: Process, sigma: number): number {
  const [alpha, sigmaT] = alphaSigma(process, sigma);
  return Math.log(alpha) - Math.log(sigmaT);
}

type PredictionType = 'noise' | 'angular_velocity' | 'sample' | 'flow';

/**
 * What both references keep of a run from step `start` on: the scheduler's config, the run's
 * sigmas (final included), the step index, the converted model outputs so far, how many
 * lower-order steps were taken.
 */
abstract class DiffusersMultistep<Config> {
  protected readonly outputs: number[] = [];
  protected lowerOrderNums = 0;
  protected index: number;
  protected readonly numTimesteps: number;

  constructor(
    protected readonly config: Config,
    protected readonly sigmas: readonly number[],
    protected readonly process: Process,
    start = 0,
  ) {
    this.index = start;
    this.numTimesteps = sigmas.length - 1;
  }

  /** convert_model_output at this step's sigma: x0 when `dataPrediction` (DPM-Solver++, UniPC's predict_x0), else the noise. */
  protected convert(modelOutput: number, sample: number, predictionType: PredictionType, dataPrediction: boolean): number {
    const [alpha, sigma] = alphaSigma(this.process, this.sigmas[this.index]);
    if (dataPrediction) {
      if (predictionType === 'noise') return (sample - sigma * modelOutput) / alpha;
      if (predictionType === 'sample') return modelOutput;
      if (predictionType === 'angular_velocity') return alpha * sample - sigma * modelOutput;
      return sample - this.sigmas[this.index] * modelOutput;
    }
    if (predictionType === 'noise') return modelOutput;
    if (predictionType === 'sample') return (sample - alpha * modelOutput) / sigma;
    return alpha * modelOutput + sigma * sample;
  }
}

export interface DpmConfig {
  algorithmType: 'dpmsolver++' | 'sde-dpmsolver++' | 'dpmsolver' | 'sde-dpmsolver';
  solverType: 'midpoint' | 'heun';
  solverOrder: number;
  predictionType: PredictionType;
  lowerOrderFinal: boolean;
  eulerAtFinal: boolean;
  finalSigmasType: 'zero' | 'sigma_min';
}

/** One element through DPMSolverMultistepScheduler.step, from its first step (`sigmas`: the run's, final included). */
export class DiffusersDpm extends DiffusersMultistep<DpmConfig> {
  step(modelOutput: number, sample: number, noise: number): number {
    const n = this.numTimesteps;
    const { solverOrder, lowerOrderFinal, eulerAtFinal, finalSigmasType } = this.config;
    const i = this.index;
    const lowerOrderFinalStep = i === n - 1 && (eulerAtFinal || (lowerOrderFinal && n < 15) || finalSigmasType === 'zero');
    const lowerOrderSecond = i === n - 2 && lowerOrderFinal && n < 15;
    const converted = this.convert(modelOutput, sample, this.config.predictionType, this.config.algorithmType.endsWith('dpmsolver++'));
    this.outputs.push(converted);
    let prev: number;
    if (solverOrder === 1 || this.lowerOrderNums < 1 || lowerOrderFinalStep) prev = this.first(converted, sample, noise);
    else if (solverOrder === 2 || this.lowerOrderNums < 2 || lowerOrderSecond) prev = this.second(sample, noise);
    else prev = this.third(sample, noise);
    if (this.lowerOrderNums < solverOrder) this.lowerOrderNums++;
    this.index++;
    return prev;
  }

  private levels(count: number): Array<[number, number, number]> {
    // [alpha, sigma, lambda] of t (index + 1), s0 (index), s1, s2
    return Array.from({ length: count }, (_, k) => {
      const sigma = this.sigmas[this.index + 1 - k];
      const [alpha, sigmaT] = alphaSigma(this.process, sigma);
      return [alpha, sigmaT, lambdaOf(this.process, sigma)];
    });
  }

  private first(m: number, x: number, z: number): number {
    const [[alphaT, sigmaT, lambdaT], [alphaS, sigmaS, lambdaS]] = this.levels(2);
    const h = lambdaT - lambdaS;
    switch (this.config.algorithmType) {
      case 'dpmsolver++':
        return (sigmaT / sigmaS) * x - alphaT * (Math.exp(-h) - 1.0) * m;
      case 'dpmsolver':
        return (alphaT / alphaS) * x - sigmaT * (Math.exp(h) - 1.0) * m;
      case 'sde-dpmsolver++':
        return ((sigmaT / sigmaS) * Math.exp(-h)) * x + alphaT * (1 - Math.exp(-2.0 * h)) * m + sigmaT * Math.sqrt(1.0 - Math.exp(-2 * h)) * z;
      case 'sde-dpmsolver':
        return (alphaT / alphaS) * x - 2.0 * (sigmaT * (Math.exp(h) - 1.0)) * m + sigmaT * Math.sqrt(Math.exp(2 * h) - 1.0) * z;
    }
  }

  private second(x: number, z: number): number {
    const [[alphaT, sigmaT, lambdaT], [alphaS0, sigmaS0, lambdaS0], [, , lambdaS1]] = this.levels(3);
    const [m0, m1] = [this.outputs[this.outputs.length - 1], this.outputs[this.outputs.length - 2]];
    const h = lambdaT - lambdaS0;
    const r0 = (lambdaS0 - lambdaS1) / h;
    const D0 = m0;
    const D1 = (1.0 / r0) * (m0 - m1);
    const midpoint = this.config.solverType === 'midpoint';
    switch (this.config.algorithmType) {
      case 'dpmsolver++':
        return midpoint
          ? (sigmaT / sigmaS0) * x - alphaT * (Math.exp(-h) - 1.0) * D0 - 0.5 * (alphaT * (Math.exp(-h) - 1.0)) * D1
          : (sigmaT / sigmaS0) * x - alphaT * (Math.exp(-h) - 1.0) * D0 + alphaT * ((Math.exp(-h) - 1.0) / h + 1.0) * D1;
      case 'dpmsolver':
        return midpoint
          ? (alphaT / alphaS0) * x - sigmaT * (Math.exp(h) - 1.0) * D0 - 0.5 * (sigmaT * (Math.exp(h) - 1.0)) * D1
          : (alphaT / alphaS0) * x - sigmaT * (Math.exp(h) - 1.0) * D0 - sigmaT * ((Math.exp(h) - 1.0) / h - 1.0) * D1;
      case 'sde-dpmsolver++': {
        const base = ((sigmaT / sigmaS0) * Math.exp(-h)) * x + alphaT * (1 - Math.exp(-2.0 * h)) * D0;
        const d1 = midpoint ? 0.5 * (alphaT * (1 - Math.exp(-2.0 * h))) * D1 : alphaT * ((1.0 - Math.exp(-2.0 * h)) / (-2.0 * h) + 1.0) * D1;
        return base + d1 + sigmaT * Math.sqrt(1.0 - Math.exp(-2 * h)) * z;
      }
      case 'sde-dpmsolver': {
        const base = (alphaT / alphaS0) * x - 2.0 * (sigmaT * (Math.exp(h) - 1.0)) * D0;
        const d1 = midpoint ? -(sigmaT * (Math.exp(h) - 1.0)) * D1 : -2.0 * (sigmaT * ((Math.exp(h) - 1.0) / h - 1.0)) * D1;
        return base + d1 + sigmaT * Math.sqrt(Math.exp(2 * h) - 1.0) * z;
      }
    }
  }

  private third(x: number, z: number): number {
    const [[alphaT, sigmaT, lambdaT], [alphaS0, sigmaS0, lambdaS0], [, , lambdaS1], [, , lambdaS2]] = this.levels(4);
    const count = this.outputs.length;
    const [m0, m1, m2] = [this.outputs[count - 1], this.outputs[count - 2], this.outputs[count - 3]];
    const h = lambdaT - lambdaS0;
    const r0 = (lambdaS0 - lambdaS1) / h;
    const r1 = (lambdaS1 - lambdaS2) / h;
    const D0 = m0;
    const D10 = (1.0 / r0) * (m0 - m1);
    const D11 = (1.0 / r1) * (m1 - m2);
    const D1 = D10 + (r0 / (r0 + r1)) * (D10 - D11);
    const D2 = (1.0 / (r0 + r1)) * (D10 - D11);
    switch (this.config.algorithmType) {
      case 'dpmsolver++':
        return (
          (sigmaT / sigmaS0) * x -
          alphaT * (Math.exp(-h) - 1.0) * D0 +
          alphaT * ((Math.exp(-h) - 1.0) / h + 1.0) * D1 -
          alphaT * ((Math.exp(-h) - 1.0 + h) / h ** 2 - 0.5) * D2
        );
      case 'dpmsolver':
        return (
          (alphaT / alphaS0) * x -
          sigmaT * (Math.exp(h) - 1.0) * D0 -
          sigmaT * ((Math.exp(h) - 1.0) / h - 1.0) * D1 -
          sigmaT * ((Math.exp(h) - 1.0 - h) / h ** 2 - 0.5) * D2
        );
      case 'sde-dpmsolver++':
        return (
          ((sigmaT / sigmaS0) * Math.exp(-h)) * x +
          alphaT * (1.0 - Math.exp(-2.0 * h)) * D0 +
          alphaT * ((1.0 - Math.exp(-2.0 * h)) / (-2.0 * h) + 1.0) * D1 +
          alphaT * ((1.0 - Math.exp(-2.0 * h) - 2.0 * h) / (2.0 * h) ** 2 - 0.5) * D2 +
          sigmaT * Math.sqrt(1.0 - Math.exp(-2 * h)) * z
        );
      case 'sde-dpmsolver':
        throw new Error('diffusers has no third-order sde-dpmsolver update');
    }
  }
}

export interface UniPcConfig {
  solverOrder: number;
  solverType: 'bh1' | 'bh2';
  predictX0: boolean;
  predictionType: PredictionType;
  lowerOrderFinal: boolean;
  disableCorrector: number[];
}

/** Gaussian elimination without pivoting (torch.linalg.solve's answer on these small systems). */
function solveSystem(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let c = 0; c < n; c++) for (let r = c + 1; r < n; r++) {
    const factor = a[r][c] / a[c][c];
    for (let k = c; k <= n; k++) a[r][k] -= factor * a[c][k];
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) x[r] = (a[r][n] - a[r].slice(r + 1, n).reduce((s, v, k) => s + v * x[r + 1 + k], 0)) / a[r][r];
  return x;
}

/** One element through UniPCMultistepScheduler.step (with its last_sample), from its first step. */
export class DiffusersUniPc extends DiffusersMultistep<UniPcConfig> {
  private lastSample: number | null = null;
  private thisOrder = 0;

  /** rks, the hh-terms and (rhos of) R \ b for an interval from sigma index `s0` to `t`, p earlier outputs back. */
  private terms(t: number, s0: number, order: number) {
    const [alphaT, sigmaT] = alphaSigma(this.process, this.sigmas[t]);
    const [alphaS0, sigmaS0] = alphaSigma(this.process, this.sigmas[s0]);
    const h = lambdaOf(this.process, this.sigmas[t]) - lambdaOf(this.process, this.sigmas[s0]);
    const rks: number[] = [];
    for (let i = 1; i < order; i++) rks.push((lambdaOf(this.process, this.sigmas[s0 - i]) - lambdaOf(this.process, this.sigmas[s0])) / h);
    rks.push(1);
    const hh = this.config.predictX0 ? -h : h;
    const hPhi1 = Math.expm1(hh);
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    const bH = this.config.solverType === 'bh1' ? hh : Math.expm1(hh);
    const R: number[][] = [];
    const b: number[] = [];
    for (let i = 1; i <= order; i++) {
      R.push(rks.map((r) => r ** (i - 1)));
      b.push((hPhiK * factorial) / bH);
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    return { alphaT, sigmaT, alphaS0, sigmaS0, rks, hPhi1, bH, R, b };
  }

  private predictor(x: number, order: number): number {
    const i = this.index;
    const { alphaT, sigmaT, alphaS0, sigmaS0, rks, hPhi1, bH, R, b } = this.terms(i + 1, i, order);
    const m0 = this.outputs[this.outputs.length - 1];
    const D1s = rks.slice(0, -1).map((rk, k) => (this.outputs[this.outputs.length - 2 - k] - m0) / rk);
    const rhosP = D1s.length === 0 ? [] : order === 2 ? [0.5] : solveSystem(R.slice(0, -1).map((row) => row.slice(0, -1)), b.slice(0, -1));
    const predRes = D1s.reduce((sum, d, k) => sum + rhosP[k] * d, 0);
    if (this.config.predictX0) return (sigmaT / sigmaS0) * x - alphaT * hPhi1 * m0 - (D1s.length > 0 ? alphaT * bH * predRes : 0);
    return (alphaT / alphaS0) * x - sigmaT * hPhi1 * m0 - (D1s.length > 0 ? sigmaT * bH * predRes : 0);
  }

  private corrector(modelT: number, lastSample: number, order: number): number {
    const i = this.index;
    const { alphaT, sigmaT, alphaS0, sigmaS0, rks, hPhi1, bH, R, b } = this.terms(i, i - 1, order);
    const m0 = this.outputs[this.outputs.length - 1];
    const D1s = rks.slice(0, -1).map((rk, k) => (this.outputs[this.outputs.length - 2 - k] - m0) / rk);
    const rhosC = order === 1 ? [0.5] : solveSystem(R, b);
    const corrRes = D1s.reduce((sum, d, k) => sum + rhosC[k] * d, 0);
    const D1t = modelT - m0;
    const scale = this.config.predictX0 ? alphaT : sigmaT;
    const linear = this.config.predictX0 ? (sigmaT / sigmaS0) * lastSample - alphaT * hPhi1 * m0 : (alphaT / alphaS0) * lastSample - sigmaT * hPhi1 * m0;
    return linear - scale * bH * (corrRes + rhosC[rhosC.length - 1] * D1t);
  }

  step(modelOutput: number, sample: number): number {
    const i = this.index;
    const useCorrector = i > 0 && !this.config.disableCorrector.includes(i - 1) && this.lastSample !== null;
    const converted = this.convert(modelOutput, sample, this.config.predictionType, this.config.predictX0);
    if (useCorrector) sample = this.corrector(converted, this.lastSample!, this.thisOrder);
    this.outputs.push(converted);
    const order = this.config.lowerOrderFinal ? Math.min(this.config.solverOrder, this.numTimesteps - i) : this.config.solverOrder;
    this.thisOrder = Math.min(order, this.lowerOrderNums + 1);
    this.lastSample = sample;
    const prev = this.predictor(sample, this.thisOrder);
    if (this.lowerOrderNums < this.config.solverOrder) this.lowerOrderNums++;
    this.index++;
    return prev;
  }
}
