import { DdimInverseScheduler } from './ddim/inverse';
import { DdimScheduler } from './ddim/scheduler';
import { DpmSolverMultistepScheduler } from './dpm_solver/scheduler';
import type { Scheduler } from './protocol';
import { UniPcMultistepScheduler } from './unipc/scheduler';

/** A scheduler class as the command line and `loadScheduler` know it. */
export interface SchedulerEntry {
  /** The command line's name (`--scheduler`). */
  readonly name: string;
  /** The diffusers class whose configs it reads (`_class_name`). */
  readonly diffusersClass: string;
  /** The step counts it is made for, in words (`tfjs-diffusion schedulers`). */
  readonly suits: string;
  create(options?: object): Scheduler;
  fromDiffusersConfig(config: object | string, overrides?: object): Scheduler;
}

/** Every scheduler class of the package, in the order the command line lists them. */
export const SCHEDULERS: readonly SchedulerEntry[] = [
  {
    name: 'ddim',
    diffusersClass: 'DDIMScheduler',
    suits: '20 to 50 steps; deterministic (eta 0) or stochastic',
    create: (options) => new DdimScheduler(options),
    fromDiffusersConfig: (config, overrides) => DdimScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'ddim-inverse',
    diffusersClass: 'DDIMInverseScheduler',
    suits: 'inversion (image to noise), 20 to 50 steps',
    create: (options) => new DdimInverseScheduler(options),
    fromDiffusersConfig: (config, overrides) => DdimInverseScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'dpm-solver',
    diffusersClass: 'DPMSolverMultistepScheduler',
    suits: '10 to 25 steps ("DPM++ 2M", with karras sigmas "DPM++ 2M Karras"); order 3 for unconditional models',
    create: (options) => new DpmSolverMultistepScheduler(options),
    fromDiffusersConfig: (config, overrides) => DpmSolverMultistepScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'unipc',
    diffusersClass: 'UniPCMultistepScheduler',
    suits: '5 to 20 steps (bh2 for guided, bh1 for unconditional sampling); flow sigmas for video models',
    create: (options) => new UniPcMultistepScheduler(options),
    fromDiffusersConfig: (config, overrides) => UniPcMultistepScheduler.fromDiffusersConfig(config, overrides),
  },
];
