import { arangeValues, linspaceValues, roundHalfToEven } from './numpy';

/**
 * How the inference timesteps spread over the training steps (arXiv 2305.08891, table 2):
 * 'leading' starts from t = 0 (Bumblebee, diffusers' default), 'trailing' ends at t = T - 1,
 * 'linspace' spans both ends.
 */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/**
 * 'leading', Bumblebee's `ddim_timesteps` and diffusers': with gap = floor(T / numSteps),
 * (numSteps - 1 - i) * gap + offset, in call order (descending).
 */
export function leadingTimesteps(numTrainSteps: number, numSteps: number, offset: number): Int32Array {
  const gap = Math.floor(numTrainSteps / numSteps);
  return Int32Array.from({ length: numSteps }, (_, i) => (numSteps - 1 - i) * gap + offset);
}

/**
 * 'trailing', as diffusers: round(np.arange(T, 0, -T / numSteps)) - 1, descending. numpy's
 * arange makes one value too many when T / (T / numSteps) rounds above numSteps (numSteps =
 * 61 or 103 for T = 1000), which diffusers turns into a timestep of -1; we take exactly
 * numSteps values, the first numSteps of diffusers'.
 */
export function trailingTimesteps(numTrainSteps: number, numSteps: number): Int32Array {
  return Int32Array.from(arangeValues(numTrainSteps, -numTrainSteps / numSteps, numSteps), (value) => roundHalfToEven(value) - 1);
}

/** 'linspace', as diffusers: round(np.linspace(0, T - 1, numSteps)), descending. */
export function linspaceTimesteps(numTrainSteps: number, numSteps: number): Int32Array {
  return Int32Array.from(linspaceValues(0, numTrainSteps - 1, numSteps), roundHalfToEven).reverse();
}

/**
 * The inference timesteps of a sampling run, descending. `offset` (diffusers' steps_offset)
 * applies to 'leading' only, as in diffusers.
 */
export function inferenceTimesteps(spacing: TimestepSpacing, numTrainSteps: number, numSteps: number, offset: number): Int32Array {
  switch (spacing) {
    case 'leading':
      return leadingTimesteps(numTrainSteps, numSteps, offset);
    case 'trailing':
      return trailingTimesteps(numTrainSteps, numSteps);
    case 'linspace':
      return linspaceTimesteps(numTrainSteps, numSteps);
  }
}
