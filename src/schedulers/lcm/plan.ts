import { weightedSum, type Value } from '../../kernels/combination';
import { alphaBarLevel, MODEL_OUTPUT, NOISE, SAMPLE, type StepPlan } from '../plan';
import { predictedOriginalValues } from '../prediction_values';
import { x0Bound, x0Threshold } from '../x0_bound';
import type { ResolvedLcmOptions } from './options';

/** sigma_data of the consistency model's boundary condition (arXiv 2303.01469, appendix C). */
const SIGMA_DATA = 0.5;

/**
 * The boundary-condition scalings of LCM at `timestep` (arXiv 2303.01469, appendix C, with
 * the timestep scaled by s as LCM does): c_skip = sigma_d^2 / ((s t)^2 + sigma_d^2),
 * c_out = s t / sqrt((s t)^2 + sigma_d^2). c_skip(0) = 1 and c_out(0) = 0: f(x, 0) = x.
 */
export function boundaryConditionScalings(timestep: number, scale: number): { skip: number; out: number } {
  const scaled = timestep * scale;
  const denominator = scaled * scaled + SIGMA_DATA * SIGMA_DATA;
  return { skip: (SIGMA_DATA * SIGMA_DATA) / denominator, out: scaled / Math.sqrt(denominator) };
}

/**
 * Step `index` of an LCM run over `timesteps` (arXiv 2310.04378, Algorithm 1 with appendix B's
 * multistep noise): with a = alpha-bar_t,
 *
 *   x0       = bound(the model's x0 at a)                  (clip or dynamic thresholding, or none)
 *   denoised = c_out x0 + c_skip x                          eq. (9): the consistency function f(x, t)
 *   prev     = sqrt(a') denoised + sqrt(1 - a') z           a' = alpha-bar of the next timestep
 *
 * On the last step prev is denoised: no noise after it (none in a one-step run), and no
 * draw either, as Bumblebee and diffusers.
 */
export function lcmPlan(options: ResolvedLcmOptions, alphaBars: Float32Array, timesteps: Int32Array, index: number): StepPlan {
  const timestep = timesteps[index];
  const last = index === timesteps.length - 1;
  const alphaBar = alphaBars[timestep];
  const { skip, out } = boundaryConditionScalings(timestep, options.boundaryConditionTimestepScale);
  const values: Value[] = [
    ...predictedOriginalValues('predictedOriginal', options.predictionType, alphaBar, SAMPLE, MODEL_OUTPUT, x0Bound(options)),
    weightedSum('denoised', [
      ['predictedOriginal', out],
      [SAMPLE, skip],
    ]),
  ];
  if (last) {
    values.push(weightedSum('prev', [['denoised', 1]]));
  } else {
    const alphaBarNext = alphaBars[timesteps[index + 1]];
    values.push(
      weightedSum('prev', [
        ['denoised', Math.sqrt(alphaBarNext)],
        [NOISE, Math.sqrt(1 - alphaBarNext)],
      ]),
    );
  }
  return {
    timestep,
    modelInputLevel: alphaBarLevel(alphaBar),
    combination: { values, outputs: ['prev', 'denoised'] },
    sample: 'prev',
    denoised: 'denoised',
    drawsNoise: !last,
    threshold: x0Threshold(options, predictedOriginalValues('unbounded', options.predictionType, alphaBar, SAMPLE, MODEL_OUTPUT)),
    keep: {},
  };
}
