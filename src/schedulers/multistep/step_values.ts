/**
 * The part of a multistep step's combination that DPM-Solver and UniPC share: the step's x0
 * (bounded by dynamic thresholding where asked; the output `denoised`), its converted output
 * m0 and the converted outputs m1, m2, ... of the steps before, recomputed from what the run
 * kept. Each class appends its update to these values.
 */
import { weightedSum, type Combination, type Value } from '../../kernels/combination';
import type { StepPlan } from '../plan';
import { convertedSum, denoisedSum, sumValues, type Integrand, type Source } from './conversion';
import { CURRENT_SOURCES, DENOISED, pastConverted } from './history';
import type { Level } from './levels';
import type { MultistepPredictionType } from './options';

/** What the conversion of a class's options depends on. */
export interface ConversionOptions {
  readonly integrand: Integrand;
  readonly predictionType: MultistepPredictionType;
  readonly thresholding: boolean;
  readonly dynamicThresholdingRatio: number;
  readonly sampleMaxValue: number;
}

export interface ConvertedValues {
  readonly values: Value[];
  /** The names m0 (this step), m1, m2, ... are read by. */
  readonly m: string[];
  readonly threshold: StepPlan['threshold'];
}

/**
 * The values of a step at `levels[0]` that reads the converted outputs of the
 * `levels.length - 1` steps before it (levels[j]: the level of the step j back).
 */
export function convertedValues(options: ConversionOptions, levels: readonly Level[]): ConvertedValues {
  const { integrand, predictionType, thresholding } = options;
  const x0 = denoisedSum(predictionType, levels[0]);
  const denoised = sumValues(DENOISED, x0, CURRENT_SOURCES, thresholding ? { kind: 'threshold' } : undefined);
  // The returned x0 is always a value of its own, also where it is the model output as it is.
  const denoisedValues = denoised.values.length > 0 ? denoised.values : [weightedSum(DENOISED, [[denoised.ref, 1]])];
  const current = sumValues('m0', convertedSum(integrand, predictionType, thresholding, levels[0]), CURRENT_SOURCES);
  const past = pastConverted(levels.slice(1).map((level) => convertedSum(integrand, predictionType, thresholding, level)));
  let threshold: StepPlan['threshold'];
  if (thresholding) {
    const measure = sumValues('unbounded', x0, CURRENT_SOURCES);
    const values = measure.values.length > 0 ? measure.values : [weightedSum('unbounded', [[measure.ref, 1]])];
    const combination: Combination = { values, outputs: ['unbounded'] };
    threshold = { measure: combination, ratio: options.dynamicThresholdingRatio, maxValue: options.sampleMaxValue };
  }
  return { values: [...denoisedValues, ...current.values, ...past.values], m: [current.ref, ...past.refs], threshold };
}

/** The sources a step's converted output reads: what the run keeps of each step for the later ones. */
export function convertedSources(options: ConversionOptions, level: Level): Source[] {
  return convertedSum(options.integrand, options.predictionType, options.thresholding, level).terms.map(([source]) => source);
}

/** `a - b` as the kernel evaluates it (a + b * -1, exact negation): diffusers' differences of outputs. */
export function difference(name: string, a: string, b: string): Value {
  return weightedSum(name, [
    [a, 1],
    [b, -1],
  ]);
}
