import { show } from '../errors';

/** What an exact denoiser needs of the scheduler it runs with (a DdimScheduler is one). */
export interface ScheduleSource {
  /** alpha-bar_t for every training timestep. */
  readonly alphaBars: Float32Array;
  readonly options: { readonly predictionType: string };
}

/** The prediction types an exact denoiser can answer. */
export type ExactPredictionType = 'noise' | 'angular_velocity' | 'sample';

const PREDICTION_TYPES: readonly string[] = ['noise', 'angular_velocity', 'sample'];

/** The schedule of `scheduler`, read once: alpha-bars and prediction type. */
export function readSchedule(name: string, scheduler: ScheduleSource): { alphaBars: Float32Array; predictionType: ExactPredictionType } {
  const candidate = scheduler as Partial<ScheduleSource> | null;
  if (typeof candidate !== 'object' || candidate === null || !(candidate.alphaBars instanceof Float32Array) || typeof candidate.options !== 'object') {
    throw new TypeError(`${name} needs a scheduler with alphaBars and options (e.g. a DdimScheduler), got ${show(scheduler)}`);
  }
  const predictionType = candidate.options.predictionType;
  if (!PREDICTION_TYPES.includes(predictionType)) {
    throw new RangeError(`${name} answers predictionType 'noise', 'angular_velocity' or 'sample', got ${show(predictionType)}`);
  }
  return { alphaBars: candidate.alphaBars, predictionType: predictionType as ExactPredictionType };
}

/** alpha-bar of the host timestep the loop passes in `info`, checked. */
export function alphaBarAt(name: string, alphaBars: Float32Array, info: { timestep: number } | undefined): number {
  const timestep = info?.timestep;
  if (typeof timestep !== 'number' || !Number.isInteger(timestep) || timestep < 0 || timestep >= alphaBars.length) {
    throw new RangeError(`${name} needs info.timestep, an integer in [0, ${alphaBars.length - 1}], got ${show(timestep)}`);
  }
  return alphaBars[timestep];
}
