import { show } from '../errors';
import { alphaBarsFromBetas } from '../schedule/alpha_bars';
import { betaSchedule } from '../schedule/betas';
import { rescaleZeroTerminalSnr } from '../schedule/zero_snr';
import type { BetaSchedule } from '../schedule/betas';

/** The options that make the training schedule, which every class of the DDPM family has. */
export interface TrainingScheduleOptions {
  readonly numTrainSteps: number;
  readonly betaSchedule: BetaSchedule;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly trainedBetas: readonly number[] | null;
  readonly rescaleBetasZeroSnr: boolean;
}

/**
 * alpha-bar_t for t = 0 .. numTrainSteps - 1 from the options: the trained or scheduled betas
 * (float32), rescaled to a zero terminal SNR if asked. Throws when the betas cannot make a
 * schedule: alpha-bar_0 must be below 1, and a zero-SNR rescale needs alpha-bar to fall
 * between the first step and the last.
 */
export function trainingAlphaBars(options: TrainingScheduleOptions): Float32Array {
  const { trainedBetas, numTrainSteps, betaStart, betaEnd } = options;
  let betas = trainedBetas !== null ? Float32Array.from(trainedBetas) : betaSchedule(options.betaSchedule, numTrainSteps, betaStart, betaEnd);
  let alphaBars = alphaBarsFromBetas(betas);
  if (alphaBars[0] >= 1) {
    throw new RangeError(
      trainedBetas !== null
        ? `trainedBetas[0] must leave alpha-bar_0 below 1 in float32 (trainedBetas[0] >= 3e-8 or so), got ${show(trainedBetas[0])}`
        : `betaStart must leave alpha-bar_0 below 1 in float32 (betaStart >= 3e-8 or so), got ${show(betaStart)}`,
    );
  }
  if (options.rescaleBetasZeroSnr) {
    const last = alphaBars[numTrainSteps - 1];
    if (!(alphaBars[0] > last)) {
      throw new RangeError(
        `rescaleBetasZeroSnr needs alpha-bar to fall from the first training step to the last, got ${alphaBars[0]} at both ends ` +
          (numTrainSteps === 1 ? '(numTrainSteps 1)' : '(every beta after the first is 0)'),
      );
    }
    betas = rescaleZeroTerminalSnr(betas);
    alphaBars = alphaBarsFromBetas(betas);
  }
  return alphaBars;
}

/**
 * The alpha-bar diffusers' sigma-space schedulers (Euler, DPM-Solver, UniPC) put in place of a
 * zero-SNR schedule's last one (0), "FP16 smallest positive subnormal": its sigma is then 4096
 * instead of infinite.
 */
const ZERO_SNR_LAST_ALPHA_BAR = 2 ** -24;

/** The training alpha-bars as diffusers' sigma-space schedulers hold them: the last one 2^-24 after a zero-SNR rescale. */
export function sigmaSpaceAlphaBars(options: TrainingScheduleOptions): Float32Array {
  const alphaBars = trainingAlphaBars(options);
  if (options.rescaleBetasZeroSnr) alphaBars[alphaBars.length - 1] = ZERO_SNR_LAST_ALPHA_BAR;
  return alphaBars;
}
