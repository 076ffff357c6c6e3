import { show } from '../errors';

/**
 * What an exact denoiser needs of the scheduler it runs with: the prediction type it must
 * answer, and, for a scheduler of the DDPM family (a DdimScheduler), its alpha-bars, which
 * give the noise level of a call whose info lacks alpha and sigma.
 */
export interface ScheduleSource {
  readonly options: { readonly predictionType: string };
  /** alpha-bar_t for every training timestep (schedulers of the DDPM family). */
  readonly alphaBars?: Float32Array;
}

/** The prediction types an exact denoiser can answer. */
export type ExactPredictionType = 'noise' | 'angular_velocity' | 'sample' | 'flow';

const PREDICTION_TYPES: readonly string[] = ['noise', 'angular_velocity', 'sample', 'flow'];

/** What a denoiser reads of its scheduler, once. */
export interface ExactSchedule {
  readonly predictionType: ExactPredictionType;
  /** The scheduler's alpha-bars, or null for a scheduler without (flow matching). */
  readonly alphaBars: Float32Array | null;
}

/** The prediction type and alpha-bars (if any) of `scheduler`, read once. */
export function readSchedule(name: string, scheduler: ScheduleSource): ExactSchedule {
  const candidate = scheduler as Partial<ScheduleSource> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.options !== 'object' || candidate.options === null) {
    throw new TypeError(`${name} needs a scheduler with options (e.g. a DdimScheduler or a FlowMatchEulerScheduler), got ${show(scheduler)}`);
  }
  const predictionType = candidate.options.predictionType;
  if (!PREDICTION_TYPES.includes(predictionType)) {
    throw new RangeError(`${name} answers predictionType 'noise', 'angular_velocity', 'sample' or 'flow', got ${show(predictionType)}`);
  }
  const alphaBars = candidate.alphaBars;
  if (alphaBars !== undefined && !(alphaBars instanceof Float32Array)) throw new TypeError(`${name} needs scheduler.alphaBars to be a Float32Array when there is one, got ${show(alphaBars)}`);
  return { predictionType: predictionType as ExactPredictionType, alphaBars: alphaBars ?? null };
}
