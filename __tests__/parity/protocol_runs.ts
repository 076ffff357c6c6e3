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
  /** init options besides the noise source (sigmas, mu, ...). */
  readonly init?: Record<string, unknown>;
}

export const PROTOCOL_RUNS: readonly ProtocolRun[] = [
  { scheduler: 'euler', options: { sChurn: 1, predictionType: 'angular_velocity' } },
  { scheduler: 'euler', options: { sigmaSchedule: 'karras', timestepSpacing: 'leading', timestepsOffset: 1 } },
  { scheduler: 'euler-ancestral', options: { predictionType: 'sample' } },
  { scheduler: 'flow-match-euler', options: { shift: 3 } },
  { scheduler: 'flow-match-euler', options: { stochasticSampling: true, useDynamicShifting: true, shiftTerminal: 0.05 }, init: { sigmas: [1, 0.75, 0.5], imageSeqLen: 1024 } },
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
