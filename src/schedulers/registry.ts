import { DdimInverseScheduler } from './ddim/inverse';
import { DdimScheduler } from './ddim/scheduler';
import { FlowMatchEulerScheduler } from './flow_match_euler/scheduler';
import { EulerScheduler } from './euler/scheduler';
import { EulerAncestralScheduler } from './euler_ancestral/scheduler';
import type { Scheduler } from './protocol';

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
    name: 'flow-match-euler',
    diffusersClass: 'FlowMatchEulerDiscreteScheduler',
    suits: 'rectified-flow models (SD3, Flux, Wan, Z-Image): 4 to 50 steps, or their distilled 1 to 9; deterministic or stochastic',
    create: (options) => new FlowMatchEulerScheduler(options),
    fromDiffusersConfig: (config, overrides) => FlowMatchEulerScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'euler',
    diffusersClass: 'EulerDiscreteScheduler',
    suits: '20 to 50 steps (SDXL default); Karras sigmas, optional churn',
    create: (options) => new EulerScheduler(options),
    fromDiffusersConfig: (config, overrides) => EulerScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'euler-ancestral',
    diffusersClass: 'EulerAncestralDiscreteScheduler',
    suits: '1 to 4 steps for distilled models (SD-Turbo), 20 to 50 otherwise; stochastic',
    create: (options) => new EulerAncestralScheduler(options),
    fromDiffusersConfig: (config, overrides) => EulerAncestralScheduler.fromDiffusersConfig(config, overrides),
  },
];
