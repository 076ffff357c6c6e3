import type { Bound, Value } from '../kernels/combination';
import type { StepPlan } from './plan';

/** The options that bound a predicted x0, shared by every class that has them (DDIM, LCM). */
export interface X0BoundOptions {
  readonly clipDenoisedSample: boolean;
  readonly clipSampleRange: number;
  readonly thresholding: boolean;
  readonly dynamicThresholdingRatio: number;
  readonly sampleMaxValue: number;
}

/**
 * How a step bounds its predicted x0: dynamic thresholding (Imagen, arXiv 2205.11487), which
 * wins over the clip to ±clipSampleRange, or none (diffusers' `_threshold_sample` / `clamp`).
 */
export function x0Bound(options: X0BoundOptions): Bound | undefined {
  if (options.thresholding) return { kind: 'threshold' };
  return options.clipDenoisedSample ? { kind: 'clip', range: options.clipSampleRange } : undefined;
}

/**
 * The plan's dynamic thresholding of a predicted x0 (undefined without it): `values` compute
 * that x0 unbounded (the last of them), whose per-item quantile gives the threshold.
 */
export function x0Threshold(options: X0BoundOptions, values: readonly Value[]): StepPlan['threshold'] {
  if (!options.thresholding) return undefined;
  return { measure: { values, outputs: [values[values.length - 1].name] }, ratio: options.dynamicThresholdingRatio, maxValue: options.sampleMaxValue };
}
