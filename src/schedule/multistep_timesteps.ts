import { arangeValues, linspaceValues, roundHalfToEven } from './numpy';
import type { TimestepSpacing } from './timesteps';

/**
 * The inference timesteps of diffusers' multistep solvers (DPMSolverMultistepScheduler,
 * UniPCMultistepScheduler), descending. Unlike DDIM's, they spread numSteps + 1 points over the
 * training steps and drop the one at the t = 0 end, since the run's final noise level is
 * appended to its sigmas separately (finalSigmasType):
 *
 * - 'linspace': round(linspace(0, last - 1, numSteps + 1)), reversed, the last dropped;
 * - 'leading':  i * floor(last / (numSteps + 1)) for i = numSteps .. 1, plus `offset`;
 * - 'trailing': round(arange(last, 0, -T / numSteps)) - 1.
 *
 * `lastTimestep` is where the schedule starts (DPM-Solver's lambdaMinClipped moves it below
 * numTrainSteps); numpy's rounding (half to even) and arange as numpy fills it. 'trailing' takes
 * at most numSteps values: numpy's arange makes one too many when T / (T / numSteps) rounds above
 * numSteps (diffusers then runs a timestep of -1), and fewer when lastTimestep is clipped.
 */
export function multistepTimesteps(spacing: TimestepSpacing, numTrainSteps: number, numSteps: number, offset: number, lastTimestep = numTrainSteps): Int32Array {
  switch (spacing) {
    case 'linspace':
      return Int32Array.from(linspaceValues(0, lastTimestep - 1, numSteps + 1), roundHalfToEven).reverse().slice(0, numSteps);
    case 'leading': {
      const ratio = Math.floor(lastTimestep / (numSteps + 1));
      return Int32Array.from({ length: numSteps }, (_, i) => (numSteps - i) * ratio + offset);
    }
    case 'trailing': {
      const ratio = numTrainSteps / numSteps;
      const count = Math.min(numSteps, Math.ceil(lastTimestep / ratio));
      return Int32Array.from(arangeValues(lastTimestep, -ratio, count), (value) => roundHalfToEven(value) - 1);
    }
  }
}
