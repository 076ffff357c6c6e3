/**
 * Every sampler and variant the accuracy benchmark measures (issue 14), by the registry name of
 * its class and its options. A variant whose class is not in the registry yet stays in the
 * table and is reported as "not built yet".
 *
 * All variance-preserving variants use Stable Diffusion 1.5's training schedule (1000 steps,
 * betas 'quadratic' = diffusers' scaled_linear from 0.00085 to 0.012) and epsilon prediction;
 * DDIM runs without its default clip to [-1, 1], which the data (up to 2) would hit. Every other
 * option is the class's default (diffusers'), so 'linspace', 'leading' and 'trailing' schedules
 * are the integer-rounded ones of the 1000 training timesteps, and Karras sigmas and lu lambdas
 * the smooth ones.
 */
import { SCHEDULERS } from '../../src/schedulers/registry';
import type { Scheduler } from '../../src/schedulers/protocol';

export type ScheduleKind = 'integer-rounded' | 'smooth' | 'flow';

export interface AccuracyVariant {
  /** Short name, used in tables, plots and the fixture (fixtures/accuracy). */
  readonly id: string;
  readonly label: string;
  /** The class's name in src/schedulers/registry.ts. */
  readonly scheduler: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** 'vp': DDPM's x = sqrt(a) x0 + sqrt(1 - a) eps; 'rf': the rectified flow x = (1 - s) x0 + s eps. */
  readonly process: 'vp' | 'rf';
  readonly stochastic: boolean;
  readonly schedule: ScheduleKind;
  /** The convergence order its paper claims (deterministic samplers), and where. */
  readonly paperOrder?: { readonly order: number; readonly source: string };
}

const SD15 = { betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012 } as const;
const DDIM_PAPER = { order: 1, source: 'DDIM, arXiv 2010.02502 (Euler on its ODE, eq. 14)' };
const EULER_PAPER = { order: 1, source: 'Karras et al., arXiv 2206.00364, Alg. 2 without its correction' };
const PLMS_PAPER = { order: 4, source: 'PNDM, arXiv 2202.09778 (PLMS, a 4-step linear multistep method)' };
const DPM2_PAPER = { order: 2, source: 'DPM-Solver++, arXiv 2211.01095 (2M)' };
const DPM3_PAPER = { order: 3, source: 'DPM-Solver++, arXiv 2211.01095 (3M)' };
const UNIPC_PAPER = { order: 3, source: 'UniPC, arXiv 2302.04867 (UniPC-2: order 2 + 1 from the corrector)' };

function vp(id: string, label: string, scheduler: string, options: Record<string, unknown>, schedule: ScheduleKind, paperOrder?: AccuracyVariant['paperOrder']): AccuracyVariant {
  return { id, label, scheduler, options: { ...SD15, ...options }, process: 'vp', stochastic: paperOrder === undefined, schedule, paperOrder };
}

export const VARIANTS: readonly AccuracyVariant[] = [
  vp('ddim', "DDIM, 'leading'", 'ddim', { clipDenoisedSample: false }, 'integer-rounded', DDIM_PAPER),
  vp('ddim-trailing', "DDIM, 'trailing' (previousTimestep 'schedule')", 'ddim', { clipDenoisedSample: false, timestepSpacing: 'trailing' }, 'integer-rounded', DDIM_PAPER),
  vp('ddim-trailing-fixed-stride', "DDIM, 'trailing', 'fixed_stride' (diffusers)", 'ddim', { clipDenoisedSample: false, timestepSpacing: 'trailing', previousTimestep: 'fixed_stride' }, 'integer-rounded', DDIM_PAPER),
  vp('ddim-linspace', "DDIM, 'linspace' (previousTimestep 'schedule')", 'ddim', { clipDenoisedSample: false, timestepSpacing: 'linspace' }, 'integer-rounded', DDIM_PAPER),
  vp('ddim-linspace-fixed-stride', "DDIM, 'linspace', 'fixed_stride' (diffusers)", 'ddim', { clipDenoisedSample: false, timestepSpacing: 'linspace', previousTimestep: 'fixed_stride' }, 'integer-rounded', DDIM_PAPER),
  vp('pndm', 'PNDM (Runge-Kutta warm-up, then PLMS)', 'pndm', {}, 'integer-rounded', PLMS_PAPER),
  vp('pndm-reduce-warmup', 'PNDM, reduceWarmup (PLMS only)', 'pndm', { reduceWarmup: true }, 'integer-rounded', PLMS_PAPER),
  vp('euler', 'Euler', 'euler', {}, 'integer-rounded', EULER_PAPER),
  vp('euler-karras', 'Euler, Karras', 'euler', { sigmaSchedule: 'karras' }, 'smooth', EULER_PAPER),
  vp('dpm-2m', 'DPM-Solver++ 2M', 'dpm-solver', { solverOrder: 2 }, 'integer-rounded', DPM2_PAPER),
  vp('dpm-2m-karras', 'DPM-Solver++ 2M, Karras', 'dpm-solver', { solverOrder: 2, sigmaSchedule: 'karras' }, 'smooth', DPM2_PAPER),
  vp('dpm-2m-lu', 'DPM-Solver++ 2M, lu lambdas', 'dpm-solver', { solverOrder: 2, sigmaSchedule: 'lu_lambdas' }, 'smooth', DPM2_PAPER),
  vp('dpm-3m', 'DPM-Solver++ 3M', 'dpm-solver', { solverOrder: 3 }, 'integer-rounded', DPM3_PAPER),
  vp('dpm-3m-karras', 'DPM-Solver++ 3M, Karras', 'dpm-solver', { solverOrder: 3, sigmaSchedule: 'karras' }, 'smooth', DPM3_PAPER),
  vp('dpm-3m-lu', 'DPM-Solver++ 3M, lu lambdas', 'dpm-solver', { solverOrder: 3, sigmaSchedule: 'lu_lambdas' }, 'smooth', DPM3_PAPER),
  vp('unipc-bh1', 'UniPC bh1', 'unipc', { solverType: 'bh1' }, 'integer-rounded', UNIPC_PAPER),
  vp('unipc-bh2', 'UniPC bh2', 'unipc', { solverType: 'bh2' }, 'integer-rounded', UNIPC_PAPER),
  vp('unipc-bh1-karras', 'UniPC bh1, Karras', 'unipc', { solverType: 'bh1', sigmaSchedule: 'karras' }, 'smooth', UNIPC_PAPER),
  vp('unipc-bh2-karras', 'UniPC bh2, Karras', 'unipc', { solverType: 'bh2', sigmaSchedule: 'karras' }, 'smooth', UNIPC_PAPER),
  {
    id: 'flow-match-euler',
    label: 'FlowMatch Euler (rectified flow)',
    scheduler: 'flow-match-euler',
    options: {},
    process: 'rf',
    stochastic: false,
    schedule: 'flow',
    paperOrder: { order: 1, source: 'Euler on the rectified flow, arXiv 2209.03003' },
  },
  {
    id: 'flow-match-euler-shift-3',
    label: 'FlowMatch Euler, shift 3 (SD3)',
    scheduler: 'flow-match-euler',
    options: { shift: 3 },
    process: 'rf',
    stochastic: false,
    schedule: 'flow',
    paperOrder: { order: 1, source: 'Euler on the rectified flow, arXiv 2209.03003' },
  },
  vp('dpm-sde-2m', 'SDE-DPM-Solver++ 2M', 'dpm-solver', { solverOrder: 2, algorithmType: 'sde-dpmsolver++' }, 'integer-rounded'),
  vp('dpm-sde-2m-karras', 'SDE-DPM-Solver++ 2M, Karras', 'dpm-solver', { solverOrder: 2, algorithmType: 'sde-dpmsolver++', sigmaSchedule: 'karras' }, 'smooth'),
  vp('euler-ancestral', 'Euler ancestral', 'euler-ancestral', {}, 'integer-rounded'),
  vp('lcm', 'LCM', 'lcm', {}, 'integer-rounded'),
  vp('tcd', 'TCD (gamma 0.3)', 'tcd', {}, 'integer-rounded'),
];

/** The variant's name in the distance tables and plots, where stochastic and deterministic samplers stand together. */
export function samplerName(variant: AccuracyVariant): string {
  return variant.label + (variant.stochastic ? ' (stochastic)' : '');
}

/** The variant's scheduler, or null when its class is not in the registry yet. */
export function schedulerOf(variant: AccuracyVariant): Scheduler | null {
  const entry = SCHEDULERS.find((candidate) => candidate.name === variant.scheduler);
  return entry === undefined ? null : entry.create(variant.options);
}

export function variantById(id: string): AccuracyVariant {
  const variant = VARIANTS.find((candidate) => candidate.id === id);
  if (variant === undefined) throw new RangeError(`no accuracy variant ${JSON.stringify(id)}; the variants are ${VARIANTS.map((v) => v.id).join(', ')}`);
  return variant;
}
