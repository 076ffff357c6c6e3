import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, checkShape } from '../errors';
import { inferenceTimesteps } from '../schedule/timesteps';
import type { DdimStepCoefficients } from './ddim_coefficients';
import type { ResolvedDdimOptions } from './ddim_options';
import { DdimRun, DdimState } from './ddim_state';
import { initialKey, startIndexOf, type InitOptions } from './init_key';

/**
 * The timesteps of a `numSteps`-step sampling run, descending, after checking `numSteps`
 * (1 <= numSteps <= numTrainSteps) and that the offset keeps them below numTrainSteps.
 */
export function samplingTimesteps(options: ResolvedDdimOptions, numSteps: number): Int32Array {
  const { numTrainSteps, timestepsOffset, timestepSpacing } = options;
  checkInteger('numSteps', numSteps, 1, numTrainSteps);
  const timesteps = inferenceTimesteps(timestepSpacing, numTrainSteps, numSteps, timestepsOffset);
  if (timesteps[0] >= numTrainSteps) {
    throw new RangeError(
      `timestepsOffset ${timestepsOffset} with numSteps ${numSteps} makes timestep ${timesteps[0]}, outside [0, ${numTrainSteps - 1}]; ` +
        'use fewer steps or a smaller offset',
    );
  }
  return timesteps;
}

/**
 * Checks the shape and the init options, then starts a run over `timesteps` (call order)
 * with one coefficient set per timestep, from `opts.startIndex` on. Returns the first state
 * and the run's timesteps (int32, the caller's to dispose).
 */
export function beginRun(
  owner: object,
  timesteps: Int32Array,
  coefficients: readonly DdimStepCoefficients[],
  sampleShape: unknown,
  opts: InitOptions,
): { state: DdimState; timesteps: tf.Tensor1D } {
  const shape = checkShape('sampleShape', sampleShape);
  const prngKey = initialKey(opts);
  const start = startIndexOf(opts, timesteps.length);
  const runTimesteps = timesteps.slice(start);
  const run = new DdimRun(owner, tf.tensor1d(runTimesteps, 'int32'), runTimesteps, coefficients.slice(start), shape);
  return { state: new DdimState(run, 0, prngKey), timesteps: tf.tensor1d(runTimesteps, 'int32') };
}
