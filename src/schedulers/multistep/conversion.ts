/**
 * The model's output as the multistep solvers integrate it (diffusers' `convert_model_output`):
 * the data prediction x0 (DPM-Solver++, arXiv 2211.01095; UniPC with predictX0) or the noise
 * prediction eps (DPM-Solver, arXiv 2206.00927; UniPC without), each a weighted sum of the
 * step's sample x, model output p and, where dynamic thresholding bounds x0, the bounded x0
 * itself. At a level x = alpha * x0 + sigma * eps:
 *
 *   'noise' (p = eps):           x0 = (x - sigma * p) / alpha
 *   'angular_velocity' (p = v):  x0 = alpha * x - sigma * p,  eps = alpha * p + sigma * x
 *   'sample' (p = x0):           eps = (x - alpha * p) / sigma
 *   'flow' (p = eps - x0):       x0 = x - sigma * p                (alpha = 1 - sigma)
 *
 * Each is written as diffusers evaluates it, a sum then one scale, so that the float32 kernel
 * rounds where torch does.
 */
import { weightedSum, type Bound, type Value } from '../../kernels/combination';
import type { Level } from './levels';
import type { MultistepPredictionType } from './options';

/** What the solver integrates: x0 ('data') or eps ('noise'). */
export type Integrand = 'data' | 'noise';

/** A step's own tensors that a converted output reads (and that the run keeps for later steps). */
export type Source = 'sample' | 'modelOutput' | 'denoised';

/** A quantity as (sum of weight * source) * scale. */
export interface SourceSum {
  readonly terms: ReadonlyArray<readonly [Source, number]>;
  readonly scale: number;
}

/** The predicted x0 of a step at `level` from its sample and model output (before any threshold). */
export function denoisedSum(predictionType: MultistepPredictionType, level: Level): SourceSum {
  const { alpha, sigma } = level;
  switch (predictionType) {
    case 'noise':
      return { terms: [['sample', 1], ['modelOutput', -sigma]], scale: 1 / alpha };
    case 'angular_velocity':
      return { terms: [['sample', alpha], ['modelOutput', -sigma]], scale: 1 };
    case 'sample':
      return { terms: [['modelOutput', 1]], scale: 1 };
    case 'flow':
      return { terms: [['sample', 1], ['modelOutput', -sigma]], scale: 1 };
  }
}

/**
 * The converted output: x0 is the (bounded) denoised itself; eps is read from the model output
 * where it can be, and re-derived from the bounded x0 when thresholding bounds it (diffusers:
 * eps = (x - alpha * x0) / sigma after the threshold).
 */
export function convertedSum(integrand: Integrand, predictionType: MultistepPredictionType, thresholded: boolean, level: Level): SourceSum {
  const { alpha, sigma } = level;
  if (integrand === 'data') return { terms: [['denoised', 1]], scale: 1 };
  if (thresholded) return { terms: [['sample', 1], ['denoised', -alpha]], scale: 1 / sigma };
  switch (predictionType) {
    case 'noise':
      return { terms: [['modelOutput', 1]], scale: 1 };
    case 'angular_velocity':
      return { terms: [['modelOutput', alpha], ['sample', sigma]], scale: 1 };
    case 'sample':
      return { terms: [['sample', 1], ['modelOutput', -alpha]], scale: 1 / sigma };
    case 'flow':
      throw new RangeError("a 'flow' prediction converts to x0 only: the solver must integrate the data prediction");
  }
}

/**
 * The values that compute `sum` as `name` from the tensors `names` gives each source, with an
 * optional bound on the result. A plain source (one term of weight 1, scale 1, no bound) needs no
 * value: `ref` is then the tensor's own name.
 */
export function sumValues(name: string, sum: SourceSum, names: Readonly<Record<Source, string>>, bound?: Bound): { values: Value[]; ref: string } {
  const terms = sum.terms.map(([source, weight]) => [names[source], weight] as const);
  if (sum.scale === 1) {
    if (bound === undefined && terms.length === 1 && terms[0][1] === 1) return { values: [], ref: terms[0][0] };
    return { values: [weightedSum(name, terms, bound)], ref: name };
  }
  const unscaled = `${name}Unscaled`;
  return { values: [weightedSum(unscaled, terms), weightedSum(name, [[unscaled, sum.scale]], bound)], ref: name };
}
