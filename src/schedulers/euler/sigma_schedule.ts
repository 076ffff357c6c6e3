/**
 * The noise levels and model timesteps of a run of diffusers' Euler schedulers
 * (EulerDiscreteScheduler.set_timesteps; Euler ancestral's is its default path), with the same
 * float32 and float64 steps as diffusers' numpy and torch code: the model gets these
 * timesteps, so they must agree to the bit.
 */
import { checkInteger } from '../../errors';
import { linspace } from '../../schedule/betas';
import { FLOAT32 } from '../../schedule/float32';
import { linspaceValues } from '../../schedule/numpy';
import { interp, placedSigmas, sigmaToTimestep } from '../../schedule/sigmas';
import { inferenceTimesteps, type TimestepSpacing } from '../../schedule/timesteps';
import type { PredictionType } from '../shared_options';
import { checkCustomSigmas, checkCustomTimesteps, type CustomSchedule } from './custom_schedule';
import type { EulerSigmaSchedule } from './options';
import type { TrainingSigmas } from './training_sigmas';

const f32 = Math.fround;

/** What the schedule reads of the options (Euler's; Euler ancestral's are its defaults but for the base options). */
export interface EulerScheduleOptions {
  readonly numTrainSteps: number;
  readonly timestepSpacing: TimestepSpacing;
  readonly timestepsOffset: number;
  readonly predictionType: PredictionType;
  readonly interpolationType: 'linear' | 'log_linear';
  readonly sigmaSchedule: EulerSigmaSchedule;
  readonly sigmaMin: number | null;
  readonly sigmaMax: number | null;
  readonly timestepType: 'discrete' | 'continuous';
  readonly finalSigmasType: 'zero' | 'sigma_min';
}

/** The schedule Euler ancestral has: Euler's options without its sigma placement (diffusers' EulerAncestralDiscreteScheduler). */
export const ANCESTRAL_SCHEDULE = {
  interpolationType: 'linear',
  sigmaSchedule: 'default',
  sigmaMin: null,
  sigmaMax: null,
  timestepType: 'discrete',
  finalSigmasType: 'zero',
} as const;

/**
 * A run: one model timestep per model call, and diffusers' `scheduler.sigmas` (float32 values,
 * the final one included): call i moves the sample from sigmas[i] to sigmas[i + 1].
 */
export interface SigmaRun {
  readonly timesteps: Float32Array;
  readonly sigmas: Float32Array;
}

/** Whether the model gets 0.25 log sigma instead of a training timestep (diffusers: 'continuous' with v-prediction only). */
export function continuousTimesteps(options: EulerScheduleOptions): boolean {
  return options.timestepType === 'continuous' && options.predictionType === 'angular_velocity';
}

/** The spaced timesteps of `numSteps` steps, descending: 'linspace' keeps numpy's fractions (in float32), the others are integers. */
function spacedTimesteps(options: EulerScheduleOptions, numSteps: number): Float32Array {
  const { numTrainSteps, timestepSpacing, timestepsOffset } = options;
  if (timestepSpacing === 'linspace') return Float32Array.from(linspaceValues(0, numTrainSteps - 1, numSteps)).reverse();
  const timesteps = Float32Array.from(inferenceTimesteps(timestepSpacing, numTrainSteps, numSteps, timestepsOffset));
  if (timesteps[0] >= numTrainSteps) {
    throw new RangeError(
      `timestepsOffset ${timestepsOffset} with numSteps ${numSteps} makes timestep ${timesteps[0]}, outside [0, ${numTrainSteps - 1}]; use fewer steps or a smaller offset`,
    );
  }
  return timesteps;
}

/**
 * The levels at `timesteps` before any sigma schedule: 'linear' interpolates the training
 * sigmas (np.interp, float64); 'log_linear' ignores the timesteps and spaces numSteps + 1
 * levels in log sigma from the largest training sigma to the smallest (torch's float32
 * linspace of numpy's float32 logs, then a float32 exp).
 */
function interpolatedSigmas(options: EulerScheduleOptions, training: TrainingSigmas, timesteps: Float32Array): Float64Array {
  const { sigmas, indices } = training;
  if (options.interpolationType === 'linear') return Float64Array.from(timesteps, (t) => interp(t, indices, sigmas));
  const logMax = f32(Math.log(sigmas[sigmas.length - 1]));
  const logMin = f32(Math.log(sigmas[0]));
  return Float64Array.from(linspace(logMax, logMin, timesteps.length + 1), (logSigma) => f32(Math.exp(logSigma)));
}

/** numSteps levels of `schedule` between sigmaMin and sigmaMax (the options', or the ends of `base`). */
function eulerPlacedSigmas(schedule: Exclude<EulerSigmaSchedule, 'default'>, options: EulerScheduleOptions, base: Float64Array, numSteps: number): Float64Array {
  const sigmaMin = options.sigmaMin ?? base[base.length - 1];
  const sigmaMax = options.sigmaMax ?? base[0];
  if (!(sigmaMin < sigmaMax)) {
    throw new RangeError(`sigmaSchedule '${schedule}' needs sigmaMin below sigmaMax, got sigmaMin ${sigmaMin} and sigmaMax ${sigmaMax} (set both, or neither)`);
  }
  return placedSigmas(schedule, sigmaMin, sigmaMax, numSteps);
}

/** diffusers' final level: 0, or the training sigma of t = 0. */
function finalSigma(options: EulerScheduleOptions, training: TrainingSigmas): number {
  return options.finalSigmasType === 'sigma_min' ? training.sigmas[0] : 0;
}

/**
 * The run of `numSteps` steps, as set_timesteps(numSteps) or set_timesteps(sigmas=...) /
 * set_timesteps(timesteps=...) computes it. Checks numSteps (1 <= numSteps <= numTrainSteps)
 * and the custom schedule.
 */
export function eulerSigmaRun(options: EulerScheduleOptions, training: TrainingSigmas, numSteps: number, custom: CustomSchedule = {}): SigmaRun {
  checkInteger('numSteps', numSteps, 1, options.numTrainSteps);
  if (custom.sigmas !== undefined && custom.timesteps !== undefined) throw new TypeError('init takes custom sigmas or custom timesteps, not both');
  let timesteps: Float32Array;
  let sigmas: Float32Array;
  if (custom.sigmas !== undefined) {
    sigmas = checkCustomSigmas(custom.sigmas, numSteps, finalSigma(options, training), `finalSigmasType '${options.finalSigmasType}'`);
    timesteps = Float32Array.from(sigmas.subarray(0, numSteps), (sigma) => sigmaToTimestep(sigma, training.logSigmas, FLOAT32));
  } else {
    if (custom.timesteps !== undefined && options.sigmaSchedule !== 'default') {
      throw new TypeError(`custom timesteps cannot be used with sigmaSchedule '${options.sigmaSchedule}', which places its own levels; give custom sigmas instead`);
    }
    if (custom.timesteps !== undefined && continuousTimesteps(options)) {
      throw new TypeError("custom timesteps cannot be used with timestepType 'continuous' and 'angular_velocity' (the timesteps are 0.25 log sigma); give custom sigmas instead");
    }
    timesteps = custom.timesteps !== undefined ? checkCustomTimesteps(custom.timesteps, numSteps, options.numTrainSteps) : spacedTimesteps(options, numSteps);
    let levels = interpolatedSigmas(options, training, timesteps);
    if (options.sigmaSchedule !== 'default') {
      levels = eulerPlacedSigmas(options.sigmaSchedule, options, levels, numSteps);
      timesteps = Float32Array.from(levels, (sigma) => sigmaToTimestep(sigma, training.logSigmas));
    }
    sigmas = Float32Array.from([...levels, finalSigma(options, training)]);
  }
  if (continuousTimesteps(options)) timesteps = Float32Array.from(sigmas.subarray(0, sigmas.length - 1), (sigma) => 0.25 * f32(Math.log(sigma)));
  return { timesteps, sigmas };
}

/** The run's init_noise_sigma as diffusers computes it after set_timesteps: the largest sigma, or sqrt(sigma^2 + 1) for 'leading' (float32). */
export function runInitNoiseSigma(spacing: TimestepSpacing, sigmas: Float32Array): number {
  const largest = sigmas.reduce((a, b) => Math.max(a, b), 0);
  return spacing === 'leading' ? f32(Math.sqrt(f32(f32(largest * largest) + 1))) : largest;
}
