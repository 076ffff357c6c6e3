import { logValues, trainingSigmas } from '../../schedule/sigmas';
import { trainingAlphaBars, type TrainingScheduleOptions } from '../training_alpha_bars';

/**
 * The training schedule of the multistep solvers, as diffusers' DPMSolverMultistepScheduler and
 * UniPCMultistepScheduler hold it: alpha-bar_t, sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t)
 * (the variance-exploding view of the DDPM process) and log sigma_t for t = 0 .. T - 1, float32.
 */
export interface VpTraining {
  readonly alphaBars: Float32Array;
  readonly sigmas: Float32Array;
  readonly logSigmas: Float32Array;
}

/**
 * The alpha-bar diffusers puts in place of a zero-SNR schedule's last one (0): its sigma is then
 * 4096 instead of infinite ("FP16 smallest positive subnormal").
 */
const ZERO_SNR_LAST_ALPHA_BAR = 2 ** -24;

export function vpTraining(options: TrainingScheduleOptions): VpTraining {
  const alphaBars = trainingAlphaBars(options);
  if (options.rescaleBetasZeroSnr) alphaBars[alphaBars.length - 1] = ZERO_SNR_LAST_ALPHA_BAR;
  const sigmas = trainingSigmas(alphaBars);
  return { alphaBars, sigmas, logSigmas: logValues(sigmas) };
}
