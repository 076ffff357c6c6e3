import { sigmaTable, type SigmaTable } from '../../schedule/sigmas';
import { sigmaSpaceAlphaBars, type TrainingScheduleOptions } from '../training_alpha_bars';

/**
 * The training schedule of the multistep solvers, as diffusers' DPMSolverMultistepScheduler and
 * UniPCMultistepScheduler hold it: alpha-bar_t, sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t)
 * (the variance-exploding view of the DDPM process) and log sigma_t for t = 0 .. T - 1, float32.
 */
export interface VpTraining extends SigmaTable {
  readonly alphaBars: Float32Array;
}

export function vpTraining(options: TrainingScheduleOptions): VpTraining {
  const alphaBars = sigmaSpaceAlphaBars(options);
  return { alphaBars, ...sigmaTable(alphaBars) };
}
