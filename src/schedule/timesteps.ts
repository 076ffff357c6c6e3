/**
 * Inference timesteps, in call order (descending), as an Int32Array.
 *
 * 'leading' is Bumblebee's `ddim_timesteps` and diffusers' default: with
 * gap = floor(T / numSteps), timesteps are (numSteps - 1 - i) * gap + offset.
 */
export function leadingTimesteps(numTrainSteps: number, numSteps: number, offset: number): Int32Array {
  const gap = Math.floor(numTrainSteps / numSteps);
  return Int32Array.from({ length: numSteps }, (_, i) => (numSteps - 1 - i) * gap + offset);
}
