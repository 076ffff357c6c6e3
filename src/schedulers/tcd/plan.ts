import { weightedSum, type Value } from '../../kernels/combination';
import { alphaBarLevel, MODEL_OUTPUT, NOISE, SAMPLE, type StepPlan } from '../plan';
import { predictedNoiseValues, predictedOriginalValues } from '../prediction_values';
import type { ResolvedTcdOptions } from './options';

/**
 * The intermediate timestep s = floor((1 - gamma) t_next) of a TCD step, computed as diffusers
 * does: `(1 - eta) * prev_timestep` is a float32 tensor product (the float64 product floors
 * differently for 120 of the 1000 timesteps at gamma 0.3, e.g. 0.7 * 90).
 */
export function intermediateTimestep(gamma: number, nextTimestep: number): number {
  return Math.floor(Math.fround(Math.fround(1 - gamma) * nextTimestep));
}

/**
 * Step `index` of a TCD run over `timesteps` (Zheng et al., arXiv 2402.19159, Algorithm 4),
 * as diffusers' TCDScheduler.step: with a = alpha-bar_t, t' the next timestep (0 after the
 * last) and s = floor((1 - gamma) t'),
 *
 *   x0    = the model's x0 at a,  eps = the model's noise at a       (`denoised` is x0)
 *   x_s   = sqrt(a_s) x0 + sqrt(1 - a_s) eps                          the DDIM jump to s
 *   prev  = sqrt(a_t' / a_s) x_s + sqrt(1 - a_t' / a_s) z             forward to t' (gamma > 0, not the last step)
 *
 * and prev = x_s otherwise, without a draw.
 */
export function tcdPlan(options: ResolvedTcdOptions, alphaBars: Float32Array, timesteps: Int32Array, index: number): StepPlan {
  const timestep = timesteps[index];
  const last = index === timesteps.length - 1;
  const nextTimestep = last ? 0 : timesteps[index + 1];
  const alphaBarS = alphaBars[intermediateTimestep(options.gamma, nextTimestep)];
  const alphaBar = alphaBars[timestep];
  const values: Value[] = [
    ...predictedOriginalValues('denoised', options.predictionType, alphaBar, SAMPLE, MODEL_OUTPUT),
    ...predictedNoiseValues('eps', options.predictionType, alphaBar, SAMPLE, MODEL_OUTPUT),
    weightedSum('noised', [
      ['denoised', Math.sqrt(alphaBarS)],
      ['eps', Math.sqrt(1 - alphaBarS)],
    ]),
  ];
  const drawsNoise = options.gamma > 0 && !last;
  if (drawsNoise) {
    const ratio = alphaBars[nextTimestep] / alphaBarS;
    values.push(
      weightedSum('prev', [
        ['noised', Math.sqrt(ratio)],
        [NOISE, Math.sqrt(Math.max(0, 1 - ratio))],
      ]),
    );
  }
  const sample = drawsNoise ? 'prev' : 'noised';
  return { timestep, modelInputLevel: alphaBarLevel(alphaBar), combination: { values, outputs: [sample, 'denoised'] }, sample, denoised: 'denoised', drawsNoise, keep: {} };
}
