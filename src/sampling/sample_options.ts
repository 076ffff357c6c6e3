import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, checkShape, show } from '../errors';
import { key as keyFromSeed } from '../random';

/** What `onStep` sees after each step; the tensors are valid during the call only. */
export interface StepInfo {
  /** The step just taken, from 0 to numSteps - 1. */
  index: number;
  /** Its timestep. */
  timestep: number;
  /** The sample after the step (x_{t-1}). */
  sample: tf.Tensor;
  /** The predicted x0 of the step (DDIM eq. 12). */
  denoised: tf.Tensor;
}

export interface SampleOptions {
  /** Denoising steps, an integer in [1, the scheduler's numTrainSteps]. */
  numSteps: number;
  /** Shape of the sample, batch first; give it or `initialSample` (or both, equal). */
  shape?: number[];
  /** The starting noise x_T (float32); never disposed by `sample()`. Default: drawn from `seed`. */
  initialSample?: tf.Tensor;
  /** Seed of the starting noise (without `initialSample`) and of the scheduler's noise (eta > 0). */
  seed?: number | bigint;
  /** Stops the loop at the next step boundary; `sample()` then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called after every step, awaited. */
  onStep?: (info: StepInfo) => void | Promise<void>;
}

/** The options after their checks, with the shape resolved. */
export interface CheckedSampleOptions {
  numSteps: number;
  shape: number[];
  initialSample: tf.Tensor | undefined;
  seed: number | bigint | undefined;
  signal: AbortSignal | undefined;
  onStep: ((info: StepInfo) => void | Promise<void>) | undefined;
}

const OPTION_NAMES = ['numSteps', 'shape', 'initialSample', 'seed', 'signal', 'onStep'];

/** Duck-typed, so that a signal from another realm (a worker, a test VM) passes too. */
function isAbortSignal(value: unknown): value is AbortSignal {
  const candidate = value as AbortSignal | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.aborted === 'boolean' && typeof candidate.addEventListener === 'function';
}

function checkInitialSample(value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) throw new TypeError(`initialSample must be a tf.Tensor, got ${show(value)}`);
  if (value.isDisposed) throw new Error('initialSample was disposed before the call');
  if (value.dtype !== 'float32') throw new TypeError(`initialSample must be a float32 tensor, got dtype ${value.dtype}`);
  return value;
}

/** Checks the arguments of `sample()` up front, before any tensor is made. */
export function checkSampleArguments(scheduler: unknown, denoiser: unknown, options: unknown): CheckedSampleOptions {
  const candidate = scheduler as { init?: unknown; step?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.init !== 'function' || typeof candidate.step !== 'function') {
    throw new TypeError(`scheduler must be a scheduler with init() and step() (e.g. a DdimScheduler), got ${show(scheduler)}`);
  }
  if (typeof denoiser !== 'function') {
    throw new TypeError(`denoiser must be a function (sample, timestep, info) => tf.Tensor | Promise<tf.Tensor>, got ${show(denoiser)}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`options must be an object like { numSteps, shape }, got ${show(options)}`);
  }
  const unknown = Object.keys(options).filter((name) => !OPTION_NAMES.includes(name));
  if (unknown.length > 0) throw new TypeError(`unknown sample() option ${show(unknown[0])}; the options are ${OPTION_NAMES.join(', ')}`);
  const given = options as SampleOptions;

  const numSteps = checkInteger('numSteps', given.numSteps, 1);
  const initialSample = given.initialSample === undefined ? undefined : checkInitialSample(given.initialSample);
  const shape = given.shape === undefined ? undefined : checkShape('shape', given.shape);
  if (shape === undefined && initialSample === undefined) throw new TypeError('sample() needs a shape or an initialSample, got neither');
  if (shape !== undefined && initialSample !== undefined && !tf.util.arraysEqual(shape, initialSample.shape)) {
    throw new RangeError(`shape ${show(shape)} differs from the shape of initialSample ${show(initialSample.shape)}; give one of them, or both equal`);
  }
  if (given.seed !== undefined) keyFromSeed(given.seed); // throws on a seed that is not an integer of 64 bits
  if (given.signal !== undefined && !isAbortSignal(given.signal)) throw new TypeError(`signal must be an AbortSignal, got ${show(given.signal)}`);
  if (given.onStep !== undefined && typeof given.onStep !== 'function') throw new TypeError(`onStep must be a function, got ${show(given.onStep)}`);
  return {
    numSteps,
    shape: shape ?? initialSample!.shape.slice(),
    initialSample,
    seed: given.seed,
    signal: given.signal,
    onStep: given.onStep,
  };
}

/** What a denoiser returned, checked against the sample it was given. */
export function checkPrediction(prediction: unknown, sample: tf.Tensor, index: number, timestep: number): tf.Tensor {
  const where = `at step ${index} (timestep ${timestep})`;
  if (!(prediction instanceof tf.Tensor)) throw new TypeError(`denoiser must return a tf.Tensor (or a Promise of one), got ${show(prediction)} ${where}`);
  if (prediction.isDisposed) throw new Error(`denoiser returned a disposed tensor ${where}`);
  if (prediction.dtype !== 'float32') throw new TypeError(`denoiser must return a float32 tensor, got dtype ${prediction.dtype} ${where}`);
  if (!tf.util.arraysEqual(prediction.shape, sample.shape)) {
    throw new RangeError(`denoiser returned shape ${show(prediction.shape)}, which differs from the sample's shape ${show(sample.shape)} ${where}`);
  }
  return prediction;
}
