/**
 * The schedulers the shared leak and read-back checks (public_call_memory.ts, read_backs.ts)
 * run through the protocol, besides DDIM's own calls there: a registry name, options and
 * init options each. A class joins the checks with a line here. No Node built-ins.
 */
import { SCHEDULERS } from '../../src/schedulers/registry';
import type { Scheduler } from 'tfjs-diffusion-schedulers';

export interface ProtocolRun {
  /** The command line's name of the class (src/schedulers/registry). */
  readonly scheduler: string;
  readonly options: Record<string, unknown>;
  /** init options besides the noise source (sigmas, mu, ...), for a run of numSteps steps. */
  readonly init?: (numSteps: number) => Record<string, unknown>;
}

/** Model calls a run of the checks takes at least (PNDM's warm-up needs 4 steps). */
export const PROTOCOL_STEPS = 4;

export const PROTOCOL_RUNS: readonly ProtocolRun[] = [
  { scheduler: 'pndm', options: { predictionType: 'angular_velocity' } },
  { scheduler: 'pndm', options: { reduceWarmup: true } },
  { scheduler: 'lcm', options: { thresholding: true } },
  { scheduler: 'tcd', options: { predictionType: 'sample', gamma: 0.5 } },
  { scheduler: 'euler', options: { sChurn: 1, predictionType: 'angular_velocity' } },
  { scheduler: 'euler', options: { sigmaSchedule: 'karras', timestepSpacing: 'leading', timestepsOffset: 1 } },
  { scheduler: 'euler-ancestral', options: { predictionType: 'sample' } },
  { scheduler: 'dpm-solver', options: { solverOrder: 3, algorithmType: 'sde-dpmsolver++', thresholding: true } },
  { scheduler: 'dpm-solver', options: { solverOrder: 2, algorithmType: 'dpmsolver', predictionType: 'angular_velocity', sigmaSchedule: 'karras', finalSigmasType: 'sigma_min' } },
  { scheduler: 'unipc', options: { solverOrder: 3, predictX0: false, predictionType: 'angular_velocity' } },
  { scheduler: 'unipc', options: { solverOrder: 2, solverType: 'bh1' } },
  { scheduler: 'flow-match-euler', options: { shift: 3 } },
  { scheduler: 'flow-match-euler', options: { stochasticSampling: true, useDynamicShifting: true, shiftTerminal: 0.05 }, init: (n) => ({ sigmas: Array.from({ length: n }, (_, i) => 1 - i / n), imageSeqLen: 1024 }) },
];

/** The run's scheduler, made through the registry. */
export function protocolScheduler(run: ProtocolRun): Scheduler {
  const entry = SCHEDULERS.find((candidate) => candidate.name === run.scheduler);
  if (entry === undefined) throw new Error(`no scheduler named ${JSON.stringify(run.scheduler)} in src/schedulers/registry`);
  return entry.create(run.options);
}

/** A short label for test records. */
export function protocolLabel(run: ProtocolRun): string {
  return `${run.scheduler} ${JSON.stringify(run.options)}`;
}
