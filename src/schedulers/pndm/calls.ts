/**
 * The model calls of a PNDM run (Liu et al., arXiv 2202.09778), on the host: for each call, its
 * timestep and the transfer x_to = phi(x_from, eps, from, to) (eq. 9) it ends with, where eps
 * is a fixed linear combination of this and earlier calls' model outputs, and x_from the input
 * sample of this or an earlier call. What the Runge-Kutta warm-up (PRK, eq. 13) and the linear
 * multistep method (PLMS, eq. 12) do is all in these numbers; plan.ts turns them into steps.
 *
 * Timesteps and transfers follow diffusers' PNDMScheduler (set_timesteps, step_prk,
 * step_plms), which equal Bumblebee's for 'leading' spacing and an even gap
 * floor(numTrainSteps / numSteps) (10 steps: 19 calls, [900, 850, 850, 800, ..., 600, 500,
 * ..., 0]). For an odd gap the two differ in the warm-up's midpoints: diffusers calls the
 * model at next + floor(gap / 2) (8 steps: [875, 812, 812, 750, ...]), Bumblebee at
 * t - floor(gap / 2) (813); we call it where diffusers does, as our timesteps are diffusers'.
 */

/** One model call: where its transfer goes, and from what. */
export interface PndmCall {
  /** The model's timestep. */
  readonly timestep: number;
  /** The transfer's timesteps: from the (block's) timestep to `to`; `to` < 0 is past t = 0. */
  readonly from: number;
  readonly to: number;
  /** The call whose input sample the transfer starts from (this call, or the first of its block). */
  readonly sampleOf: number;
  /**
   * The effective model output: (sum of weight * output of call k, in this order) * scale, in
   * diffusers' order of evaluation.
   */
  readonly outputs: ReadonlyArray<readonly [call: number, weight: number]>;
  readonly scale: number;
}

/**
 * PLMS over the last model outputs `history` (call indices, oldest first, up to 4): eq. (12)
 * with 4, and the lower orders of diffusers' and Bumblebee's warm-up below that:
 * e, (3 e_1 - e_2) / 2, (23 e_1 - 16 e_2 + 5 e_3) / 12, (55 e_1 - 59 e_2 + 37 e_3 - 9 e_4) / 24,
 * e_1 the newest.
 */
function linearMultistep(history: readonly number[]): Pick<PndmCall, 'outputs' | 'scale'> {
  const weights = [[1], [3, -1], [23, -16, 5], [55, -59, 37, -9]][history.length - 1];
  const scales = [1, 1 / 2, 1 / 12, 1 / 24];
  const newestFirst = [...history].reverse();
  return { outputs: weights.map((weight, i) => [newestFirst[i], weight] as const), scale: scales[history.length - 1] };
}

/**
 * The calls of a run over the step timesteps `steps` (descending, the run's DDIM-like
 * timesteps from its first step on) with `gap` = floor(numTrainSteps / numSteps).
 * `reduceWarmup` false: a Runge-Kutta block of 4 calls on each of the first 3 steps, then one
 * PLMS call per step; true: diffusers' skip_prk_steps, 2 calls on the first step (Euler, then
 * the trapezoidal correction), then one call per step.
 */
export function pndmCalls(steps: Int32Array, gap: number, reduceWarmup: boolean): PndmCall[] {
  const half = Math.floor(gap / 2);
  // The step after step i: the next timestep of the run, or one gap down past its end.
  const next = (i: number) => (i + 1 < steps.length ? steps[i + 1] : steps[i] - gap);
  const calls: PndmCall[] = [];
  const plmsStep = (i: number, history: number[]) => {
    history.push(calls.length);
    if (history.length > 4) history.shift();
    calls.push({ timestep: steps[i], from: steps[i], to: steps[i] - gap, sampleOf: calls.length, ...linearMultistep(history) });
  };
  const history: number[] = [];
  if (reduceWarmup) {
    history.push(0);
    calls.push({ timestep: steps[0], from: steps[0], to: steps[0] - gap, sampleOf: 0, outputs: [[0, 1]], scale: 1 });
    // diffusers' counter 1: back to the first sample, with the mean of both outputs (eq. 22).
    calls.push({ timestep: next(0), from: next(0) + gap, to: next(0), sampleOf: 0, outputs: [[1, 1], [0, 1]], scale: 1 / 2 });
    for (let i = 1; i < steps.length; i++) plmsStep(i, history);
    return calls;
  }
  const rungeKuttaSteps = Math.min(3, steps.length);
  for (let i = 0; i < rungeKuttaSteps; i++) {
    const first = calls.length;
    history.push(first);
    // diffusers' prk_timesteps: the step's timestep, the midpoint twice, the next timestep; each
    // call's transfer lands half a gap below the timestep it was called at on even calls.
    const blockTimesteps = [steps[i], next(i) + half, next(i) + half, next(i)];
    blockTimesteps.forEach((timestep, k) => {
      // eq. (13): e_1 .. e_3 each move x from the block's start; the fourth call combines all
      // four with weights 1/6, 1/3, 1/3, 1/6, accumulated in that order.
      const outputs: PndmCall['outputs'] = k < 3 ? [[first + k, 1]] : [[first, 1 / 6], [first + 1, 1 / 3], [first + 2, 1 / 3], [first + 3, 1 / 6]];
      calls.push({ timestep, from: steps[i], to: k % 2 === 0 ? timestep - half : timestep, sampleOf: first, outputs, scale: 1 });
    });
  }
  for (let i = rungeKuttaSteps; i < steps.length; i++) plmsStep(i, history);
  return calls;
}
