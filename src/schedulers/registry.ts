import { DdimInverseScheduler } from './ddim/inverse';
import { DdimScheduler } from './ddim/scheduler';
import { DpmSolverMultistepScheduler } from './dpm_solver/scheduler';
import { EulerScheduler } from './euler/scheduler';
import { EulerAncestralScheduler } from './euler_ancestral/scheduler';
import { FlowMatchEulerScheduler } from './flow_match_euler/scheduler';
import { LcmScheduler } from './lcm/scheduler';
import { PndmScheduler } from './pndm/scheduler';
import type { Scheduler } from './protocol';
import { TcdScheduler } from './tcd/scheduler';
import { UniPcMultistepScheduler } from './unipc/scheduler';

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
  /**
   * What its model predicts: a diffusion model's noise, x0, v or flow (the exact denoisers are
   * such models), or a consistency model's output (LCM, TCD: the ODE endpoint from any level,
   * which an exact posterior mean is not, so on the exact denoisers they blur what is
   * ambiguous at their last timestep, e.g. the ring's modes).
   */
  readonly model: 'diffusion' | 'consistency';
  /**
   * The step counts, inclusive, at which the command line's data sets (their modes are sharp)
   * come out right with it: the tests hold the quality bars there. Within what `suits` names.
   */
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
    model: 'diffusion',
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
    model: 'diffusion',
    suitedSteps: [20, 50],
    defaultSteps: 50,
    create: (options) => new DdimInverseScheduler(options),
    fromDiffusersConfig: (config, overrides) => DdimInverseScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'pndm',
    diffusersClass: 'PNDMScheduler',
    suits: '20 to 50 steps (more model calls: 10 steps are 19); Stable Diffusion 1.x/2.x configs',
    purpose: 'sampling',
    model: 'diffusion',
    suitedSteps: [20, 50],
    defaultSteps: 50,
    create: (options) => new PndmScheduler(options),
    fromDiffusersConfig: (config, overrides) => PndmScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'lcm',
    diffusersClass: 'LCMScheduler',
    suits: '1 to 8 steps with a latent consistency model (LCM, LCM-LoRA)',
    purpose: 'sampling',
    model: 'consistency',
    suitedSteps: [1, 8],
    defaultSteps: 4,
    create: (options) => new LcmScheduler(options),
    fromDiffusersConfig: (config, overrides) => LcmScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'tcd',
    diffusersClass: 'TCDScheduler',
    suits: '2 to 8 steps with a trajectory consistency distilled model (TCD-LoRA); gamma sets the noise',
    purpose: 'sampling',
    model: 'consistency',
    suitedSteps: [2, 8],
    defaultSteps: 4,
    create: (options) => new TcdScheduler(options),
    fromDiffusersConfig: (config, overrides) => TcdScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'euler',
    diffusersClass: 'EulerDiscreteScheduler',
    suits: '20 to 50 steps (SDXL default); Karras sigmas, optional churn',
    purpose: 'sampling',
    model: 'diffusion',
    suitedSteps: [20, 50],
    defaultSteps: 30,
    create: (options) => new EulerScheduler(options),
    fromDiffusersConfig: (config, overrides) => EulerScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'euler-ancestral',
    diffusersClass: 'EulerAncestralDiscreteScheduler',
    suits: '1 to 4 steps for distilled models (SD-Turbo), 20 to 50 otherwise; stochastic',
    purpose: 'sampling',
    model: 'diffusion',
    suitedSteps: [20, 50],
    defaultSteps: 30,
    create: (options) => new EulerAncestralScheduler(options),
    fromDiffusersConfig: (config, overrides) => EulerAncestralScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'dpm-solver',
    diffusersClass: 'DPMSolverMultistepScheduler',
    suits: '10 to 25 steps ("DPM++ 2M", with karras sigmas "DPM++ 2M Karras"); order 3 for unconditional models',
    purpose: 'sampling',
    model: 'diffusion',
    suitedSteps: [10, 25],
    defaultSteps: 20,
    create: (options) => new DpmSolverMultistepScheduler(options),
    fromDiffusersConfig: (config, overrides) => DpmSolverMultistepScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'unipc',
    diffusersClass: 'UniPCMultistepScheduler',
    suits: '15 to 30 steps on sharp data (image models: from 5); bh2 for guided, bh1 for unconditional sampling; flow sigmas for video models',
    purpose: 'sampling',
    model: 'diffusion',
    suitedSteps: [15, 30],
    defaultSteps: 20,
    create: (options) => new UniPcMultistepScheduler(options),
    fromDiffusersConfig: (config, overrides) => UniPcMultistepScheduler.fromDiffusersConfig(config, overrides),
  },
  {
    name: 'flow-match-euler',
    diffusersClass: 'FlowMatchEulerDiscreteScheduler',
    suits: 'rectified-flow models (SD3, Flux, Wan, Z-Image): 4 to 50 steps, or their distilled 1 to 9; deterministic or stochastic',
    purpose: 'sampling',
    model: 'diffusion',
    suitedSteps: [20, 50],
    defaultSteps: 28,
    create: (options) => new FlowMatchEulerScheduler(options),
    fromDiffusersConfig: (config, overrides) => FlowMatchEulerScheduler.fromDiffusersConfig(config, overrides),
  },
];
