import { logValues, trainingSigmas } from '../../schedule/sigmas';
import { trainingAlphaBars, type TrainingScheduleOptions } from '../training_alpha_bars';

/**
 * The training schedule in sigma (the variance-exploding view x = x0 + sigma eps of the DDPM
 * process, Karras et al. 2022, arXiv 2206.00364, section 2): sigma_t and log sigma_t for
 * t = 0 .. T - 1, ascending, float32 as diffusers computes them.
 */
export interface TrainingSigmas {
  readonly sigmas: Float32Array;
  readonly logSigmas: Float32Array;
  /** 0 .. T - 1: the timesteps the training sigmas sit at (np.arange), for interpolation. */
  readonly indices: Float64Array;
}

/**
 * The alpha-bar diffusers' Euler schedulers put in place of a zero-SNR schedule's last one (0):
 * its sigma is then 4096 (sqrt((1 - 2^-24) / 2^-24) in float32) instead of infinite.
 */
const ZERO_SNR_LAST_ALPHA_BAR = 2 ** -24;

/** The training alpha-bars (float32), the last one 2^-24 after a zero-SNR rescale, as diffusers' Euler schedulers hold them. */
export function eulerAlphaBars(options: TrainingScheduleOptions): Float32Array {
  const alphaBars = trainingAlphaBars(options);
  if (options.rescaleBetasZeroSnr) alphaBars[alphaBars.length - 1] = ZERO_SNR_LAST_ALPHA_BAR;
  return alphaBars;
}

/** sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t) and its log, float32, for every training timestep. */
export function eulerTrainingSigmas(alphaBars: Float32Array): TrainingSigmas {
  const sigmas = trainingSigmas(alphaBars);
  return { sigmas, logSigmas: logValues(sigmas), indices: Float64Array.from(sigmas, (_, t) => t) };
}
