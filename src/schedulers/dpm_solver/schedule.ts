/**
 * The sigmas and timesteps of a DPM-Solver run, as diffusers' DPMSolverMultistepScheduler
 * `set_timesteps` makes them (numpy float64, rounded to float32 at the end), plus custom sigmas.
 */
import { FLOAT64 } from '../../schedule/float32';
import { shiftFlowSigma } from '../../schedule/flow_shifts';
import { checkInteger, show } from '../../errors';
import { linspaceValues } from '../../schedule/numpy';
import { multistepTimesteps } from '../../schedule/multistep_timesteps';
import { customSigmaRun, customTimesteps, dynamicShiftOf } from '../multistep/custom_schedule';
import type { ForwardProcess } from '../multistep/levels';
import { checkRunSigmas, timestepsOfFlowSigmas, timestepsOfSigmas, vpLevelSigmas, withFinalSigma, type RunSigmas } from '../multistep/run_sigmas';
import type { VpTraining } from '../multistep/training';
import { integratesData } from './coefficients';
import type { ResolvedDpmSolverOptions } from './options';

/** The init options that choose a DPM-Solver run's schedule. */
export interface DpmSolverScheduleOptions {
  /** Custom sigmas: numSteps values (the final one appended per finalSigmasType) or numSteps + 1, descending. */
  sigmas?: ArrayLike<number>;
  /** Custom timesteps (diffusers' set_timesteps(timesteps=...)): numSteps integers, descending; 'default' sigmas only. */
  timesteps?: ArrayLike<number>;
  /** Dynamic shifting (useDynamicShifting): the flow shift becomes e^mu, as diffusers' set_timesteps(mu=...). */
  mu?: number;
}

/**
 * The first timestep the schedule may use: diffusers clips lambda(t) = log(alpha_t / sigma_t)
 * (float32, as torch computes it) from below at lambdaMinClipped, by starting the timesteps at
 * T - (the number of training steps whose lambda is below it).
 */
function lastTimestep(training: VpTraining, lambdaMinClipped: number): number {
  const numTrainSteps = training.alphaBars.length;
  if (lambdaMinClipped === -Infinity) return numTrainSteps;
  const f32 = Math.fround;
  let below = 0;
  for (const alphaBar of training.alphaBars) {
    const lambda = f32(f32(Math.log(f32(Math.sqrt(alphaBar)))) - f32(Math.log(f32(Math.sqrt(f32(1 - alphaBar))))));
    if (lambda < lambdaMinClipped) below++;
  }
  return numTrainSteps - below;
}

/** The flow sigmas: 1 - linspace(1, 1/T, numSteps + 1), shifted, reversed, the last (0) dropped. */
function flowSigmas(numTrainSteps: number, numSteps: number, shift: number): Float64Array {
  const shifted = linspaceValues(1, 1 / numTrainSteps, numSteps + 1).map((alpha) => shiftFlowSigma(1 - alpha, shift, FLOAT64));
  return shifted.reverse().slice(0, numSteps);
}

/** The run's sigmas (numSteps + 1, float32 values) and timesteps, checked; `numSteps` and the init options too. */
export function dpmSolverSchedule(options: ResolvedDpmSolverOptions, training: VpTraining, process: ForwardProcess, numSteps: number, opts: DpmSolverScheduleOptions): RunSigmas {
  const { numTrainSteps, sigmaSchedule, finalSigmasType } = options;
  checkInteger('numSteps', numSteps, 1, numTrainSteps);
  const trainingSigmaMin = training.sigmas[0];
  const finalSigma = finalSigmasType === 'zero' ? 0 : trainingSigmaMin;
  const mu = dynamicShiftOf(options.useDynamicShifting, opts.mu, 'the flow shift becomes e^mu');
  if (opts.sigmas !== undefined && opts.timesteps !== undefined) throw new TypeError('init takes custom sigmas or custom timesteps, not both');

  let run: RunSigmas;
  if (opts.timesteps !== undefined) {
    if (sigmaSchedule !== 'default') throw new TypeError(`custom timesteps go with sigmaSchedule 'default' (the others set the timesteps from their sigmas), got ${show(sigmaSchedule)}`);
    const timesteps = customTimesteps(opts.timesteps, numSteps, numTrainSteps);
    run = { sigmas: withFinalSigma(Array.from(timesteps, (t) => training.sigmas[t]), finalSigma), timesteps };
  } else if (opts.sigmas !== undefined) {
    // The appended sigma_min is the VP training one, as for every DPM-Solver schedule.
    run = customSigmaRun(opts.sigmas, numSteps, process, training, () => finalSigma);
  } else {
    run = computedSchedule(options, training, numSteps, mu, finalSigma);
  }
  const where = opts.sigmas !== undefined ? 'sigmas' : opts.timesteps !== undefined ? 'timesteps' : `sigmaSchedule ${show(sigmaSchedule)} with ${numSteps} steps`;
  checkRunSigmas(run.sigmas, process, where);
  if (!integratesData(options.algorithmType) && run.sigmas[run.sigmas.length - 1] === 0) {
    throw new RangeError(`${where}: a final sigma of 0 needs a data-prediction algorithm ('dpmsolver++' or 'sde-dpmsolver++'); algorithmType ${show(options.algorithmType)} divides by it`);
  }
  return run;
}

function computedSchedule(options: ResolvedDpmSolverOptions, training: VpTraining, numSteps: number, mu: number | undefined, finalSigma: number): RunSigmas {
  const { numTrainSteps, sigmaSchedule, timestepSpacing, timestepsOffset } = options;
  // diffusers truncates the Karras and Lu timesteps instead of rounding them when its config
  // says squaredcos_cap_v2 (trained betas or not).
  const rounding = options.betaSchedule === 'squared_cosine' ? 'truncate' : 'round';
  switch (sigmaSchedule) {
    case 'karras':
    case 'lu_lambdas': {
      const sigmas = vpLevelSigmas(sigmaSchedule, training, numSteps);
      return { sigmas: withFinalSigma(sigmas, finalSigma), timesteps: timestepsOfSigmas(sigmas, training, rounding) };
    }
    case 'exponential':
    case 'beta': {
      const sigmas = vpLevelSigmas(sigmaSchedule, training, numSteps);
      return { sigmas: withFinalSigma(sigmas, finalSigma), timesteps: timestepsOfSigmas(sigmas, training, 'truncate') };
    }
    case 'flow': {
      const sigmas = flowSigmas(numTrainSteps, numSteps, mu === undefined ? options.flowShift : Math.exp(mu));
      // The appended sigma_min is the VP training one here too, as diffusers appends it.
      return { sigmas: withFinalSigma(sigmas, finalSigma), timesteps: timestepsOfFlowSigmas(sigmas, numTrainSteps) };
    }
    case 'default': {
      const timesteps = multistepTimesteps(timestepSpacing, numTrainSteps, numSteps, timestepsOffset, lastTimestep(training, options.lambdaMinClipped));
      const beyond = timesteps.find((t) => t >= numTrainSteps);
      if (beyond !== undefined) {
        throw new RangeError(`timestepsOffset ${timestepsOffset} with numSteps ${numSteps} makes timestep ${beyond}, outside [0, ${numTrainSteps - 1}]; use fewer steps or a smaller offset`);
      }
      return { sigmas: withFinalSigma(Array.from(timesteps, (t) => training.sigmas[t]), finalSigma), timesteps };
    }
  }
}
