import { sigmaTable, type SigmaTable } from '../../schedule/sigmas';

/**
 * The training schedule in sigma (the variance-exploding view x = x0 + sigma eps of the DDPM
 * process, Karras et al. 2022, arXiv 2206.00364, section 2): sigma_t and log sigma_t for
 * t = 0 .. T - 1, ascending, float32 as diffusers computes them.
 */
export interface TrainingSigmas extends SigmaTable {
  /** 0 .. T - 1: the timesteps the training sigmas sit at (np.arange), for interpolation. */
  readonly indices: Float64Array;
}

/** sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t) and its log, float32, for every training timestep. */
export function eulerTrainingSigmas(alphaBars: Float32Array): TrainingSigmas {
  const table = sigmaTable(alphaBars);
  return { ...table, indices: Float64Array.from(table.sigmas, (_, t) => t) };
}
