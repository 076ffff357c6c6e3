import { arrayLikeValues, checkInteger, checkNumberIn, show } from '../../errors';
import type { InitOptions } from '../scheduler_base';

/** The init options of the consistency schedulers (LCM, TCD): diffusers' set_timesteps arguments. */
export interface ConsistencyInitOptions extends InitOptions {
  /**
   * Image to image: the run's timesteps come from the first floor(numOriginalSteps * strength)
   * steps of the distillation schedule (with custom `timesteps`: their last
   * floor(n * strength)), as diffusers' set_timesteps and Bumblebee's init. 0 < strength <= 1.
   * Default 1.
   */
  strength?: number;
  /**
   * Custom timesteps, strictly descending integers in [0, numTrainSteps) (diffusers'
   * set_timesteps(timesteps=...)); numSteps must be their number.
   */
  timesteps?: ArrayLike<number>;
}

/** The consistency schedulers' init options besides seed, key, generator and startIndex. */
export const CONSISTENCY_INIT_OPTIONS = ['strength', 'timesteps'];

function customTimesteps(value: unknown, numTrainSteps: number): number[] {
  const allowed = `a non-empty array of integers in [0, ${numTrainSteps - 1}], strictly descending`;
  const timesteps = arrayLikeValues('timesteps', value, allowed);
  if (timesteps.length === 0) throw new TypeError(`timesteps must be ${allowed}, got ${show(value)}`);
  timesteps.forEach((t, i) => checkInteger(`timesteps[${i}]`, t, 0, numTrainSteps - 1));
  timesteps.forEach((t, i) => {
    if (i > 0 && (t as number) >= (timesteps[i - 1] as number)) {
      throw new RangeError(`timesteps must be strictly descending, got ${show(timesteps[i - 1])} then ${show(t)} at timesteps[${i}]`);
    }
  });
  return timesteps as number[];
}

/**
 * The timesteps of an LCM or TCD run of `numSteps` steps, in call order: diffusers'
 * `set_timesteps` (and Bumblebee's `init`). The distillation schedule of LCM (arXiv 2310.04378,
 * section 4.3) has the timesteps k i - 1, i = 1 .. floor(numOriginalSteps * strength), with
 * k = floor(numTrainSteps / numOriginalSteps); the run takes numSteps of them, descending, at
 * the indices floor(j * len / numSteps) (np.linspace without its endpoint, then floor). Checks
 * numSteps as Bumblebee does: at most numTrainSteps, at most numOriginalSteps, at most the
 * steps that strength leaves. Custom timesteps replace the schedule: their last
 * floor(n * strength) are run.
 */
export function consistencyTimesteps(
  options: { readonly numTrainSteps: number; readonly numOriginalSteps: number },
  numSteps: number,
  opts: ConsistencyInitOptions,
): Int32Array {
  const { numTrainSteps, numOriginalSteps } = options;
  const strength = opts.strength === undefined ? 1 : checkNumberIn('strength', opts.strength, { min: 0, max: 1, openMin: true });
  if (opts.timesteps !== undefined) {
    const custom = customTimesteps(opts.timesteps, numTrainSteps);
    if (numSteps !== custom.length) {
      throw new RangeError(`numSteps must be the number of custom timesteps, ${custom.length}, got ${show(numSteps)}`);
    }
    // diffusers: t_start = n - min(floor(n * strength), n), as its img2img pipelines' get_timesteps.
    const kept = Math.min(Math.floor(custom.length * strength), custom.length);
    if (kept === 0) {
      throw new RangeError(`strength must leave at least one of the ${custom.length} custom timesteps (floor(${custom.length} * strength) >= 1), got ${show(strength)}`);
    }
    return Int32Array.from(custom.slice(custom.length - kept));
  }
  checkInteger('numSteps', numSteps, 1, numTrainSteps);
  if (numSteps > numOriginalSteps) {
    throw new RangeError(`numSteps must be at most numOriginalSteps = ${numOriginalSteps} (the run is a subset of the distillation schedule), got ${numSteps}`);
  }
  const originalCount = Math.floor(numOriginalSteps * strength);
  if (numSteps > originalCount) {
    throw new RangeError(
      `numSteps must be at most floor(numOriginalSteps * strength) = floor(${numOriginalSteps} * ${strength}) = ${originalCount}, got ${numSteps}; use fewer steps or a higher strength`,
    );
  }
  const skip = Math.floor(numTrainSteps / numOriginalSteps);
  const spacing = originalCount / numSteps;
  // The distillation timesteps descending are (originalCount - i) k - 1 for i = 0, 1, ...
  return Int32Array.from({ length: numSteps }, (_, j) => (originalCount - Math.floor(j * spacing)) * skip - 1);
}

