import type { Combination } from '../kernels/combination';

/**
 * The tensors a step's combination may read, besides the history the run keeps: the sample it
 * is given, the model's output, a standard normal draw, and THRESHOLDS (kernels/combination).
 */
export const SAMPLE = 'sample';
export const MODEL_OUTPUT = 'modelOutput';
export const NOISE = 'noise';

/**
 * The forward process at a model call: the model's input is alpha * x0 + sigma * eps, with x0
 * the clean sample and eps a standard normal. Exact denoisers (src/denoisers) answer from it.
 */
export interface NoiseLevel {
  readonly alpha: number;
  readonly sigma: number;
}

/** The level of a sample of the DDPM forward process at alpha-bar a: sqrt(a) x0 + sqrt(1 - a) eps. */
export function alphaBarLevel(alphaBar: number): NoiseLevel {
  return { alpha: Math.sqrt(alphaBar), sigma: Math.sqrt(1 - alphaBar) };
}

/**
 * Everything one model call's step does, decided on the host at init (every number float64
 * until the kernel rounds it): the update as a combination of tensors, which of its values
 * are the step's results, whether it consumes a noise draw, and what the run keeps for later
 * steps. A scheduler is its options plus a function from the schedule to these plans.
 */
export interface StepPlan {
  /** The model timestep of this call, as the run's timesteps hold it. */
  readonly timestep: number;
  /** The model's input is the sample divided by this (diffusers' scale_model_input); default 1. */
  readonly modelInputDivisor?: number;
  /** Where the model's input lies on the forward process (after modelInputDivisor). */
  readonly modelInputLevel: NoiseLevel;
  /** The update: reads SAMPLE, MODEL_OUTPUT, NOISE (when drawn), kept history, THRESHOLDS. */
  readonly combination: Combination;
  /** The combination's outputs that the step returns as `sample` and `denoised`. */
  readonly sample: string;
  readonly denoised: string;
  /**
   * Whether this step consumes one standard normal draw of the sample's shape: the Nx key
   * advances (`[next, sub] = split(key)`) or the torch generator draws, whether or not the
   * combination reads NOISE (diffusers draws, and Bumblebee splits, also where the noise is
   * weighted by 0).
   */
  readonly drawsNoise: boolean;
  /**
   * Dynamic thresholding (Imagen, arXiv 2205.11487): `measure` computes the unbounded value
   * whose per-item quantile gives THRESHOLDS.
   */
  readonly threshold?: { readonly measure: Combination; readonly ratio: number; readonly maxValue: number };
  /**
   * What the run holds after this step, by name: SAMPLE or MODEL_OUTPUT (kept as they were
   * given), an output of the combination, or a name the run already holds. Every other tensor
   * the run held is released.
   */
  readonly keep: Readonly<Record<string, string>>;
}

/** A run's schedule: one plan per model call, and the model timesteps with diffusers' dtype. */
export interface RunSchedule {
  readonly plans: readonly StepPlan[];
  readonly timestepDtype: 'int32' | 'float32';
  /** The standard deviation of the run's start noise (diffusers' init_noise_sigma after set_timesteps); default 1. */
  readonly initNoiseSigma?: number;
}
