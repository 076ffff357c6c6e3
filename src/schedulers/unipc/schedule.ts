/**
 * The sigmas and timesteps of a UniPC run, as diffusers' UniPCMultistepScheduler
 * `set_timesteps` makes them (numpy float64, rounded to float32 at the end), plus custom sigmas.
 */
import { checkInteger, show } from '../../errors';
import { FLOAT64 } from '../../schedule/float32';
import { shiftFlowSigma, stretchToTerminal, timeShift } from '../../schedule/flow_shifts';
import { linspaceValues } from '../../schedule/numpy';
import { multistepTimesteps } from '../../schedule/multistep_timesteps';
import { customSigmaRun, dynamicShiftOf } from '../multistep/custom_schedule';
import type { ForwardProcess } from '../multistep/levels';
import { checkRunSigmas, nudgeFlowStart, timestepsOfFlowSigmas, timestepsOfSigmas, vpLevelSigmas, withFinalSigma, type RunSigmas } from '../multistep/run_sigmas';
import type { VpTraining } from '../multistep/training';
import type { ResolvedUniPcOptions } from './options';

/** The init options that choose a UniPC run's schedule. */
export interface UniPcScheduleOptions {
  /** Custom sigmas: numSteps values (the final one appended per finalSigmasType) or numSteps + 1, descending. */
  sigmas?: ArrayLike<number>;
  /** Dynamic shifting (useDynamicShifting): the time shift of timeShiftType by mu, as diffusers' set_timesteps(mu=...). */
  mu?: number;
}

/** The flow sigmas: linspace(1, 1/T, numSteps + 1) without its last, shifted (by flowShift or mu), stretched to shiftTerminal, the first moved off 1. */
function flowSigmas(options: ResolvedUniPcOptions, numSteps: number, mu: number | undefined): Float64Array {
  const { numTrainSteps, flowShift, timeShiftType, shiftTerminal } = options;
  const base = linspaceValues(1, 1 / numTrainSteps, numSteps + 1).slice(0, numSteps);
  const shifted = base.map((sigma) => (mu === undefined ? shiftFlowSigma(sigma, flowShift, FLOAT64) : timeShift(timeShiftType, mu, sigma, FLOAT64)));
  return nudgeFlowStart(shiftTerminal === null ? shifted : stretchToTerminal(shifted, shiftTerminal, FLOAT64));
}

/** The run's sigmas (numSteps + 1, float32 values) and timesteps, checked; `numSteps` and the init options too. */
export function uniPcSchedule(options: ResolvedUniPcOptions, training: VpTraining, process: ForwardProcess, numSteps: number, opts: UniPcScheduleOptions): RunSigmas {
  const { numTrainSteps, sigmaSchedule, finalSigmasType, timestepSpacing, timestepsOffset } = options;
  checkInteger('numSteps', numSteps, 1, numTrainSteps);
  const mu = dynamicShiftOf(options.useDynamicShifting, opts.mu, `the ${options.timeShiftType} time shift's parameter`);
  // 'sigma_min' ends on the training sigma_min for the default schedule, on the schedule's own last sigma otherwise.
  const finalOf = (stepSigmas: ArrayLike<number>) => (finalSigmasType === 'zero' ? 0 : sigmaSchedule === 'default' ? training.sigmas[0] : stepSigmas[stepSigmas.length - 1]);

  let run: RunSigmas;
  if (opts.sigmas !== undefined) {
    run = customSigmaRun(opts.sigmas, numSteps, process, training, finalOf);
  } else {
    switch (sigmaSchedule) {
      case 'karras':
      case 'flow_karras': {
        const karras = vpLevelSigmas('karras', training, numSteps, options);
        const sigmas = sigmaSchedule === 'karras' ? karras : karras.map((sigma) => sigma / (sigma + 1));
        const timesteps = sigmaSchedule === 'karras' ? timestepsOfSigmas(sigmas, training, 'round') : timestepsOfFlowSigmas(sigmas, numTrainSteps);
        run = { sigmas: withFinalSigma(sigmas, finalOf(sigmas)), timesteps };
        break;
      }
      case 'exponential':
      case 'beta': {
        const sigmas = vpLevelSigmas(sigmaSchedule, training, numSteps, options);
        run = { sigmas: withFinalSigma(sigmas, finalOf(sigmas)), timesteps: timestepsOfSigmas(sigmas, training, 'truncate') };
        break;
      }
      case 'flow': {
        const sigmas = flowSigmas(options, numSteps, mu);
        run = { sigmas: withFinalSigma(sigmas, finalOf(sigmas)), timesteps: timestepsOfFlowSigmas(sigmas, numTrainSteps) };
        break;
      }
      case 'default': {
        const timesteps = multistepTimesteps(timestepSpacing, numTrainSteps, numSteps, timestepsOffset);
        const beyond = timesteps.find((t) => t >= numTrainSteps);
        if (beyond !== undefined) {
          throw new RangeError(`timestepsOffset ${timestepsOffset} with numSteps ${numSteps} makes timestep ${beyond}, outside [0, ${numTrainSteps - 1}]; use fewer steps or a smaller offset`);
        }
        const sigmas = Array.from(timesteps, (t) => training.sigmas[t]);
        run = { sigmas: withFinalSigma(sigmas, finalOf(sigmas)), timesteps };
        break;
      }
    }
  }
  checkRunSigmas(run.sigmas, process, opts.sigmas !== undefined ? 'sigmas' : `sigmaSchedule ${show(sigmaSchedule)} with ${numSteps} steps`);
  return run;
}
