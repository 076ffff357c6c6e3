import * as tf from '@tensorflow/tfjs-core';
import { diffusersConfigOf } from '../config/to_diffusers';
import type { SchedulerTable } from '../config/diffusers_keys';
import { checkInteger, checkOptionNames, checkShape } from '../errors';
import { checkSampleTensor, checkStepState } from './check_step';
import type { ItemTimesteps } from './noising';
import type { TorchGenerator } from '../random';
import { noiseSourceOf } from './noise_source';
import { resolveOptions } from './options';
import type { RunSchedule } from './plan';
import type { Scheduler } from './protocol';
import { SchedulerRun } from './run';
import { runStep, type StepOptions, type StepResult } from './run_step';
import { SchedulerState } from './state';

/** The options of `init` that every scheduler takes: where the run's noise comes from, and where it starts. */
export interface InitOptions {
  /** Seed of the run's noise: the Nx/JAX key [seed >> 32, seed & 0xffffffff] (Bumblebee's). */
  seed?: number | bigint;
  /** An Nx/JAX PRNG key (two uint32 words), e.g. the one `random.normal` returned. */
  key?: Uint32Array;
  /**
   * torch's generator (`random.torchGenerator(seed)`): the run draws its noise with
   * `g.randn(sample.shape)` in diffusers' order, continuing the generator's stream.
   */
  generator?: TorchGenerator;
  /**
   * Start the run at this step of the numSteps-step schedule, skipping the steps before it
   * (image to image: diffusers' `timesteps[t_start:]`, t_start = numSteps - floor(numSteps *
   * strength)). The start sample is then `addNoise(image, noise, [t, ...])` at the first
   * timestep `init` returns. A multistep scheduler starts its history there. Default 0.
   */
  startIndex?: number;
}

const COMMON_INIT_OPTIONS = ['seed', 'key', 'generator', 'startIndex'];

/** What `init` returns: the first state, and the run's timesteps in call order (the caller's to dispose). */
export interface InitResult {
  state: SchedulerState;
  timesteps: tf.Tensor1D;
}

/** The index of the first step of a run of `numSteps` steps (`startIndex`, checked). */
export function startIndexOf(opts: InitOptions, numSteps: number): number {
  return opts.startIndex === undefined ? 0 : checkInteger('startIndex', opts.startIndex, 0, numSteps - 1);
}

/**
 * What every scheduler class shares (../shared/API.md, "Every scheduler: one protocol"): its
 * options, resolved and frozen at construction; `init`, which turns the class's schedule into
 * a run; `step`, which runs the state's plan; `scaleModelInput`; and the diffusers config. A
 * class supplies its options table and `schedule`: the host-side mathematics of its steps.
 */
export abstract class SchedulerBase<Options, Init extends InitOptions = InitOptions> implements Scheduler {
  /** Every option, resolved with its default (frozen). */
  readonly options: Readonly<Options>;
  /**
   * The standard deviation of the start noise of a run over the whole default schedule
   * (diffusers' init_noise_sigma before set_timesteps). A run's own, which `sample()` scales its
   * draw by, is `state.initNoiseSigma` (diffusers' after set_timesteps).
   */
  abstract readonly initNoiseSigma: number;
  /** The names of the class's own init options, besides seed, key, generator and startIndex. */
  protected abstract readonly ownInitOptions: readonly string[];

  protected constructor(
    private readonly table: SchedulerTable<Options>,
    options: unknown,
  ) {
    this.options = resolveOptions(table.options, options, { className: table.className, nameOf: (option) => option });
  }

  /**
   * The plans of a run of `numSteps` steps from `startIndex` on (and the timesteps' dtype):
   * checks numSteps against the class's limits, then the class's own init options.
   */
  protected abstract schedule(numSteps: number, opts: Init): RunSchedule;

  /**
   * Starts a run of `numSteps` steps over samples of `sampleShape`. Returns the state of the
   * first step and the model timesteps in call order (the caller's to dispose).
   */
  init(numSteps: number, sampleShape: number[], opts: Init = {} as Init): InitResult {
    checkOptionNames('init', opts, [...COMMON_INIT_OPTIONS, ...this.ownInitOptions], '{ seed }');
    const { plans, timestepDtype, initNoiseSigma = 1 } = this.schedule(numSteps, opts);
    const shape = checkShape('sampleShape', sampleShape);
    const { key, generator } = noiseSourceOf(opts);
    const run = new SchedulerRun(this, plans, timestepDtype, shape, generator, initNoiseSigma);
    return { state: new SchedulerState(run, 0, key), timesteps: tf.tensor1d(run.timestepValues, timestepDtype) };
  }

  /**
   * One step from the state's timestep to the next: one `tf.tidy`, no read-back to the host,
   * inputs left undisposed. `modelOutput` is what the model predicts at `state.timestep` (see
   * `predictionType`); `opts.noise` replaces the step's standard normal draw (diffusers'
   * variance_noise). Returns the state of the next step (this one is used up), the sample
   * after the step and `denoised`, the step's predicted x0.
   */
  step(state: SchedulerState, sample: tf.Tensor, modelOutput: tf.Tensor, opts: StepOptions = {}): StepResult {
    return runStep(this, state, sample, modelOutput, opts);
  }

  /**
   * What the model is given at the timestep of `state`, the state about to step (diffusers'
   * scale_model_input): a new tensor, the caller's.
   */
  scaleModelInput(state: SchedulerState, sample: tf.Tensor): tf.Tensor {
    checkStepState(state, this);
    checkSampleTensor('sample', sample, state.sampleShape, 'the sampleShape given to init');
    const divisor = state.run.plans[state.index].modelInputDivisor ?? 1;
    return divisor === 1 ? tf.clone(sample) : tf.div(sample, divisor);
  }

  /** The forward process at one timestep per item of the first axis (the result is the caller's). */
  abstract addNoise(original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor;

  /** The diffusers `scheduler_config.json` of this scheduler; `fromDiffusersConfig` reads it back to the same options. */
  toDiffusersConfig(): Record<string, unknown> {
    return diffusersConfigOf(this.table, this.options);
  }
}
