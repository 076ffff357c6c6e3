import type * as tf from '@tensorflow/tfjs-core';
import type { SchedulerTable } from '../../config/diffusers_keys';
import { checkOptionNames } from '../../errors';
import { addNoiseAtLevels, type ItemTimesteps, type LevelTables } from '../noising';
import type { RunSchedule, StepPlan } from '../plan';
import { SchedulerBase, startIndexOf, type InitOptions } from '../scheduler_base';
import type { TrainingScheduleOptions } from '../training_alpha_bars';
import { levelOf, type ForwardProcess } from './levels';
import { checkMultistepCombination, type MultistepPredictionType, type SigmaSchedule } from './options';
import type { RunSigmas } from './run_sigmas';
import { vpTraining, type VpTraining } from './training';

/** The options every multistep class has. */
export interface MultistepOptions extends TrainingScheduleOptions {
  readonly predictionType: MultistepPredictionType;
  readonly sigmaSchedule: SigmaSchedule;
  readonly useDynamicShifting: boolean;
}

/** The own init options of every multistep class. */
export interface MultistepInitOptions extends InitOptions {
  /** A custom schedule: numSteps sigmas (the final one appended per finalSigmasType) or numSteps + 1, descending. */
  sigmas?: ArrayLike<number>;
  /** Dynamic shifting of flow sigmas (useDynamicShifting), as diffusers' set_timesteps(mu=...). */
  mu?: number;
}

/**
 * What DpmSolverMultistepScheduler and UniPcMultistepScheduler share: the training schedule in
 * sigma, the run's sigmas (`sigmasFor`), and the forward process at the run's own levels
 * (`addNoise`). A class supplies its schedule (sigmas and timesteps from its options, as its
 * diffusers class's set_timesteps) and its plans.
 */
export abstract class MultistepScheduler<Options extends MultistepOptions, Init extends MultistepInitOptions> extends SchedulerBase<Options, Init> {
  readonly initNoiseSigma = 1;
  protected readonly training: VpTraining;
  /** The forward process the sigmas live on: the rectified flow for flow sigmas, else DDPM's. */
  protected readonly process: ForwardProcess;
  /** addNoise's levels: those of the latest init's schedule at its timesteps, the training ones elsewhere. */
  private levelTables: LevelTables;

  protected constructor(table: SchedulerTable<Options>, options: unknown) {
    super(table, options);
    checkMultistepCombination(table.className, this.options);
    this.training = vpTraining(this.options);
    this.process = this.options.sigmaSchedule === 'flow' || this.options.sigmaSchedule === 'flow_karras' ? 'flow' : 'vp';
    this.levelTables = this.trainingLevelTables();
  }

  /** alpha-bar_t for t = 0 .. numTrainSteps - 1 (float32; a copy; a zero-SNR schedule's last is 2^-24, as diffusers). */
  get alphaBars(): Float32Array {
    return this.training.alphaBars.slice();
  }

  /** The run's schedule from the class's options (checked, with numSteps and the init options). */
  protected abstract runSigmas(numSteps: number, opts: Init): RunSigmas;

  /** The plans of the run's steps from `start` on (the history starts there). */
  protected abstract plans(run: RunSigmas, start: number): StepPlan[];

  /**
   * The sigmas of a run of `numSteps` steps with these init options (the schedule's own:
   * sigmas, timesteps, mu): numSteps + 1 values, the final one included, as diffusers'
   * `scheduler.sigmas` after set_timesteps (float32 values). `init(numSteps, shape, { sigmas })`
   * takes them back to the same steps; its timesteps then come from the float32 sigmas, so one
   * that diffusers rounds or truncates from a float64 sigma may move by 1.
   */
  sigmasFor(numSteps: number, opts: Omit<Init, keyof InitOptions> = {} as Init): Float64Array {
    checkOptionNames('sigmasFor', opts, this.ownInitOptions, '{ mu }');
    return this.runSigmas(numSteps, opts as Init).sigmas.slice();
  }

  protected schedule(numSteps: number, opts: Init): RunSchedule {
    const run = this.runSigmas(numSteps, opts);
    const start = startIndexOf(opts, run.timesteps.length);
    const plans = this.plans(run, start);
    this.levelTables = this.runLevelTables(run);
    return { plans, timestepDtype: 'int32' };
  }

  /**
   * The forward process at one timestep per item of the first axis (integers in [0,
   * numTrainSteps - 1], host numbers or an int32 tensor): alpha * original + sigma_t * noise at
   * the level of that timestep in the latest `init`'s schedule, as diffusers' add_noise reads the
   * sigmas of its latest set_timesteps (of a timestep the schedule holds twice, the second);
   * the training level at a timestep that schedule does not hold (or before any init). So
   * `addNoise(image, noise, [state.timestep, ...])` right after `init` starts the run exactly at
   * its first step's level (image to image). alpha and sigma_t are float32 as torch computes them.
   */
  addNoise(original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
    return addNoiseAtLevels(this.levelTables, original, noise, timesteps);
  }

  private trainingLevelTables(): LevelTables {
    const numTrainSteps = this.training.sigmas.length;
    // A flow model's timestep t stands for the sigma t / T (diffusers' timesteps are sigma * T).
    const sigmaAt = (t: number) => (this.process === 'flow' ? Math.fround(t / numTrainSteps) : this.training.sigmas[t]);
    const levels = Array.from({ length: numTrainSteps }, (_, t) => levelOf(this.process, sigmaAt(t)));
    return { signal: Float32Array.from(levels, (level) => level.alpha), noise: Float32Array.from(levels, (level) => level.sigma) };
  }

  private runLevelTables(run: RunSigmas): LevelTables {
    const tables = this.trainingLevelTables();
    const seen = new Map<number, number>();
    run.timesteps.forEach((t, i) => {
      const count = (seen.get(t) ?? 0) + 1;
      seen.set(t, count);
      if (count > 2) return;
      const level = levelOf(this.process, run.sigmas[i]);
      tables.signal[t] = level.alpha;
      tables.noise[t] = level.sigma;
    });
    return tables;
  }
}
