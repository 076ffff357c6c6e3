/**
 * Which noise level each step moves between. DDIM (arXiv 2010.02502, section 4.2) steps along
 * a sub-sequence tau of the training steps, from tau_i to tau_{i-1}: 'schedule'. diffusers
 * instead takes t - floor(T / numSteps) whatever the spacing: 'fixed_stride'. The two agree
 * for 'leading' spacing (while the offset is below the gap), and differ for 'linspace', and
 * for 'trailing' when numSteps does not divide T.
 */
export type PreviousTimestep = 'schedule' | 'fixed_stride';

/**
 * Where each step of a sampling run lands, for `timesteps` in call order (descending).
 * A negative value means past t = 0: the final alpha-bar (alphaClipStrategy).
 */
export function previousTimesteps(timesteps: Int32Array, rule: PreviousTimestep, numTrainSteps: number): Int32Array {
  if (rule === 'fixed_stride') {
    const gap = Math.floor(numTrainSteps / timesteps.length);
    return timesteps.map((t) => t - gap);
  }
  return timesteps.map((_, i) => (i + 1 < timesteps.length ? timesteps[i + 1] : -1));
}

/**
 * Where each step of a DDIM inversion starts, for `timesteps` in call order (ascending): the
 * step at timesteps[i] moves the sample from this level to timesteps[i]. A negative value means
 * before t = 0: the initial alpha-bar (alphaClipStrategy).
 */
export function inversionSourceTimesteps(timesteps: Int32Array, rule: PreviousTimestep, numTrainSteps: number): Int32Array {
  if (rule === 'fixed_stride') {
    const gap = Math.floor(numTrainSteps / timesteps.length);
    // diffusers: min(t - gap, T - 1); the minimum never bites for t < T.
    return timesteps.map((t) => t - gap);
  }
  return timesteps.map((_, i) => (i > 0 ? timesteps[i - 1] : -1));
}
