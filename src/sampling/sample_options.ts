import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, checkNumberIn, checkOptionNames, checkShape, disposedTensorMessage, show } from '../errors';
import { key as keyFromSeed, type TorchGenerator } from '../random';
import { DdimInverseScheduler } from '../schedulers/ddim/inverse';

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
  /**
   * Image to image: start from this clean sample (float32; never disposed by `sample()`)
   * noised to the timestep `strength` selects, and run only the steps after it. Needs `strength`.
   */
  image?: tf.Tensor;
  /**
   * How much of the schedule an `image` start runs, 0 < strength <= 1, as diffusers'
   * img2img pipelines: the last floor(numSteps * strength) steps, from
   * `addNoise(image, noise, t)` at the first of them. 1 starts from the noisiest timestep.
   */
  strength?: number;
  /** Seed of the starting noise (without `initialSample`) and of the scheduler's noise: the Nx/JAX threefry stream (Bumblebee's). */
  seed?: number | bigint;
  /**
   * Or torch's generator (`random.torchGenerator(seed)`), as diffusers' pipelines draw: the
   * start latents first (`generator.randn(shape)`), then each step's noise, continuing its stream.
   */
  generator?: TorchGenerator;
  /** The scheduler's own init options (e.g. LCM's strength, a custom `sigmas` schedule, flow matching's `mu`). */
  init?: Record<string, unknown>;
  /** Stops the loop at the next step boundary; `sample()` then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called after every step, awaited; what it returns is ignored. */
  onStep?: (info: StepInfo) => unknown;
}

/** The options after their checks, with the shape resolved. */
export interface CheckedSampleOptions {
  numSteps: number;
  shape: number[];
  initialSample: tf.Tensor | undefined;
  /** An image-to-image start: the image and the first step to run. */
  imageStart: { image: tf.Tensor; startIndex: number } | undefined;
  seed: number | bigint | undefined;
  generator: TorchGenerator | undefined;
  init: Record<string, unknown>;
  signal: AbortSignal | undefined;
  onStep: ((info: StepInfo) => unknown) | undefined;
}

const SCHEDULER_METHODS = ['init', 'step', 'scaleModelInput', 'addNoise'];

const OPTION_NAMES = ['numSteps', 'shape', 'initialSample', 'image', 'strength', 'seed', 'generator', 'init', 'signal', 'onStep'];

/** Duck-typed, so that a signal from another realm (a worker, a test VM) passes too. */
function isAbortSignal(value: unknown): value is AbortSignal {
  const candidate = value as AbortSignal | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.aborted === 'boolean' && typeof candidate.addEventListener === 'function';
}

function checkStartTensor(name: string, value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) throw new TypeError(`${name} must be a tf.Tensor, got ${show(value)}`);
  if (value.isDisposed) throw new TypeError(disposedTensorMessage(name));
  if (value.dtype !== 'float32') throw new TypeError(`${name} must be a float32 tensor, got dtype ${value.dtype}`);
  return value;
}

/**
 * The first step an image-to-image run takes, as diffusers' img2img `get_timesteps`: the
 * last floor(numSteps * strength) steps run. At least one must.
 */
function imageStartIndex(numSteps: number, strength: unknown): number {
  const checked = checkNumberIn('strength', strength, { min: 0, max: 1, openMin: true });
  const stepsRun = Math.min(Math.floor(numSteps * checked), numSteps);
  if (stepsRun < 1) {
    throw new RangeError(`strength ${checked} with numSteps ${numSteps} runs floor(${numSteps} * ${checked}) = 0 steps; use a strength >= ${1 / numSteps} or more steps`);
  }
  return numSteps - stepsRun;
}

/** The image start of the options, checked: `image` and `strength` go together, without `initialSample`. */
function checkImageStart(given: SampleOptions, numSteps: number): { image: tf.Tensor; startIndex: number } | undefined {
  if (given.image === undefined && given.strength === undefined) return undefined;
  if (given.image === undefined) throw new TypeError(`strength goes with an image to start from, got strength ${show(given.strength)} and no image`);
  if (given.strength === undefined) throw new TypeError('image needs a strength (0 < strength <= 1): how much of the schedule to run from it');
  if (given.initialSample !== undefined) throw new TypeError('sample() starts from initialSample (noise) or from image (with strength), not both');
  return { image: checkStartTensor('image', given.image), startIndex: imageStartIndex(numSteps, given.strength) };
}

/** Checks the arguments of `sample()` up front, before any tensor is made. */
export function checkSampleArguments(scheduler: unknown, denoiser: unknown, options: unknown): CheckedSampleOptions {
  const candidate = scheduler as Partial<Record<string, unknown>> | null;
  const missing = typeof candidate !== 'object' || candidate === null ? ['init'] : SCHEDULER_METHODS.filter((name) => typeof candidate[name] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(`scheduler must be a scheduler of this package (init, step, scaleModelInput, addNoise; e.g. a DdimScheduler), got ${show(scheduler)}`);
  }
  if (typeof candidate!.initNoiseSigma !== 'number') throw new TypeError(`scheduler.initNoiseSigma must be a number, got ${show(candidate!.initNoiseSigma)}`);
  if (typeof denoiser !== 'function') {
    throw new TypeError(`denoiser must be a function (sample, timestep, info) => tf.Tensor | Promise<tf.Tensor>, got ${show(denoiser)}`);
  }
  checkOptionNames('sample()', options, OPTION_NAMES, '{ numSteps, shape }');
  const given = options as SampleOptions;

  const numSteps = checkInteger('numSteps', given.numSteps, 1);
  const initialSample = given.initialSample === undefined ? undefined : checkStartTensor('initialSample', given.initialSample);
  const imageStart = checkImageStart(given, numSteps);
  if (imageStart && scheduler instanceof DdimInverseScheduler) {
    throw new TypeError('image starts an image-to-image run, which needs a sampling scheduler; a DdimInverseScheduler runs from an image towards noise (give it the image as initialSample)');
  }
  const start = initialSample ?? imageStart?.image;
  const startName = initialSample ? 'initialSample' : 'image';
  const shape = given.shape === undefined ? undefined : checkShape('shape', given.shape);
  if (shape === undefined && start === undefined) throw new TypeError('sample() needs a shape, an initialSample or an image, got none');
  if (shape !== undefined && start !== undefined && !tf.util.arraysEqual(shape, start.shape)) {
    throw new RangeError(`shape ${show(shape)} differs from the shape of ${startName} ${show(start.shape)}; give one of them, or both equal`);
  }
  if (given.seed !== undefined) keyFromSeed(given.seed); // throws on a seed that is not an integer of 64 bits
  if (given.generator !== undefined) {
    const generator = given.generator as Partial<TorchGenerator> | null;
    if (typeof generator !== 'object' || generator === null || typeof generator.randn !== 'function' || typeof generator.randnValues !== 'function') {
      throw new TypeError(`generator must be a generator from random.torchGenerator(seed), got ${show(given.generator)}`);
    }
    if (given.seed !== undefined) throw new TypeError('sample() takes a seed (Nx/JAX stream) or a generator (torch stream), not both');
  }
  const init = given.init ?? {};
  if (typeof init !== 'object' || init === null || Array.isArray(init)) throw new TypeError(`init must be an object of the scheduler's init options, got ${show(given.init)}`);
  for (const name of ['seed', 'key', 'generator', 'startIndex']) {
    if (name in init) throw new TypeError(`init.${name} is sample()'s to set: give seed or generator to sample(), and image + strength for a later start`);
  }
  if (given.signal !== undefined && !isAbortSignal(given.signal)) throw new TypeError(`signal must be an AbortSignal, got ${show(given.signal)}`);
  if (given.onStep !== undefined && typeof given.onStep !== 'function') throw new TypeError(`onStep must be a function, got ${show(given.onStep)}`);
  return {
    numSteps,
    shape: shape ?? start!.shape.slice(),
    initialSample,
    imageStart,
    seed: given.seed,
    generator: given.generator,
    init,
    signal: given.signal,
    onStep: given.onStep,
  };
}

/** What a denoiser returned, checked against the sample it was given. */
export function checkPrediction(prediction: unknown, sample: tf.Tensor, index: number, timestep: number, timestepTensor: tf.Tensor): tf.Tensor {
  const where = `at step ${index} (timestep ${timestep})`;
  if (!(prediction instanceof tf.Tensor)) throw new TypeError(`denoiser must return a tf.Tensor (or a Promise of one), got ${show(prediction)} ${where}`);
  if (prediction === timestepTensor) {
    throw new TypeError(`denoiser returned the timestep tensor it was given (a ${timestepTensor.dtype} scalar tensor), not a prediction of the sample's shape ${show(sample.shape)}, ${where}`);
  }
  if (prediction.isDisposed) {
    throw new TypeError(
      `denoiser returned a disposed tensor ${where}: sample() disposes each prediction after its step, ` +
        'so the denoiser must return a new tensor on every call (not one it keeps, disposes or returned before)',
    );
  }
  if (prediction.dtype !== 'float32') throw new TypeError(`denoiser must return a float32 tensor, got dtype ${prediction.dtype} ${where}`);
  if (!tf.util.arraysEqual(prediction.shape, sample.shape)) {
    throw new RangeError(`denoiser returned shape ${show(prediction.shape)}, which differs from the sample's shape ${show(sample.shape)} ${where}`);
  }
  return prediction;
}
