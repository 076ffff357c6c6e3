import { DdimInverseScheduler } from './ddim/inverse';
import { DdimScheduler } from './ddim/scheduler';
import type { Scheduler } from './protocol';

/** A scheduler class as the command line and `loadScheduler` know it. */
export interface SchedulerEntry {
  /** The command line's name (`--scheduler`). */
  readonly name: string;
  /** The diffusers class whose configs it reads (`_class_name`). */
  readonly diffusersClass: string;
  /** The step counts it is made for, in words (`tfjs-diffusion schedulers`). */
  readonly suits: string;
  /**
   * What a run does: 'sampling' (noise to data: `sample()`, the command line) or 'inversion'
   * (data to noise), which the command line refuses to sample with.
   */
  readonly purpose: 'sampling' | 'inversion';
  /** The step counts it is made for, inclusive (what `suits` says in words): tests hold the quality bars there. */
  readonly suitedSteps: readonly [number, number];
  /** The command line's default `--steps`, within suitedSteps. */
  readonly defaultSteps: number;
  create(options?: object): Scheduler;
  fromDiffusersConfig(config: object | string, overrides?: object): Scheduler;
}

/** Every scheduler class of the package, in the order the command line lists them. */
export const SCHEDULERS: readonly SchedulerEntry[] = [
  {
    name: 'ddim',
    diffusersClass: 'DDIMScheduler',
    suits: '20 to 50 steps; deterministic (eta 0) or stochastic',
    purpose: 'sampling',
    suitedSteps: [20, 50],
    defaultSteps: 50,
    create: (options) => new DdimScheduler(options),
    fromDiffusersConfig: (config, overrides) => DdimScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'ddim-inverse',
    diffusersClass: 'DDIMInverseScheduler',
    suits: 'inversion (image to noise), 20 to 50 steps',
    purpose: 'inversion',
    suitedSteps: [20, 50],
    defaultSteps: 50,
    create: (options) => new DdimInverseScheduler(options),
    fromDiffusersConfig: (config, overrides) => DdimInverseScheduler.fromDiffusersConfig(config, overrides),
  },
];
