import { weightedSum, type Value } from '../../kernels/combination';
import { alphaBarLevel, MODEL_OUTPUT, SAMPLE, type StepPlan } from '../plan';
import { predictedNoiseValues, predictedOriginalValues } from '../prediction_values';
import type { PndmCall } from './calls';
import type { ResolvedPndmOptions } from './options';

/** The names under which the run keeps call k's model output and input sample. */
const outputName = (call: number) => `modelOutput${call}`;
const sampleName = (call: number) => `sample${call}`;

/**
 * The transfer of PNDM eq. (9) from alpha-bar a to a', as weights of (x, eps):
 *   x' = sqrt(a' / a) x - (a' - a) / (a sqrt(1 - a') + sqrt(a (1 - a) a')) eps.
 */
function transferWeights(alphaBar: number, alphaBarPrev: number): { fromSample: number; fromNoise: number } {
  const denominator = alphaBar * Math.sqrt(1 - alphaBarPrev) + Math.sqrt(alphaBar * (1 - alphaBar) * alphaBarPrev);
  return { fromSample: Math.sqrt(alphaBarPrev / alphaBar), fromNoise: -(alphaBarPrev - alphaBar) / denominator };
}

/**
 * Call `index` of a run as a step plan: the effective model output (a weighted sum of the kept
 * outputs, in diffusers' order), eps from it (v-prediction: sqrt(a) v + sqrt(1 - a) x), then
 * eq. (9) from the call's start sample, and `denoised`, the x0 that eps gives at that sample
 * and the transfer's start: (x - sqrt(1 - a) eps) / sqrt(a). The run keeps, as they were
 * given, exactly the model outputs and samples that later calls read (`calls`).
 */
export function pndmPlan(options: ResolvedPndmOptions, alphaBars: Float32Array, calls: readonly PndmCall[], index: number): StepPlan {
  const call = calls[index];
  const outputOf = (k: number) => (k === index ? MODEL_OUTPUT : outputName(k));
  const x = call.sampleOf === index ? SAMPLE : sampleName(call.sampleOf);
  const alphaBarAt = (t: number) => (t >= 0 ? alphaBars[t] : options.alphaClipStrategy === 'one' ? 1 : alphaBars[0]);
  const alphaBar = alphaBars[call.from];
  const alphaBarPrev = alphaBarAt(call.to);
  // The model's input is where the previous call landed (the first call's: its own timestep).
  const inputAlphaBar = index === 0 ? alphaBars[call.timestep] : alphaBarAt(calls[index - 1].to);

  const values: Value[] = [];
  // A single output of weight 1 is the effective output itself; otherwise its sum, then the scale.
  let effective = outputOf(call.outputs[0][0]);
  if (call.outputs.length > 1 || call.outputs[0][1] !== 1) {
    values.push(weightedSum('combinedOutputs', call.outputs.map(([k, weight]) => [outputOf(k), weight] as const)));
    effective = 'combinedOutputs';
  }
  if (call.scale !== 1) {
    values.push(weightedSum('effectiveOutput', [[effective, call.scale]]));
    effective = 'effectiveOutput';
  }
  values.push(...predictedNoiseValues('eps', options.predictionType, alphaBar, x, effective));
  const transfer = transferWeights(alphaBar, alphaBarPrev);
  values.push(weightedSum('prev', [[x, transfer.fromSample], ['eps', transfer.fromNoise]]), ...predictedOriginalValues('denoised', 'noise', alphaBar, x, 'eps'));

  const keep: Record<string, string> = {};
  for (const later of calls.slice(index + 1)) {
    for (const [k] of later.outputs) if (k <= index) keep[outputName(k)] = k === index ? MODEL_OUTPUT : outputName(k);
    if (later.sampleOf <= index) keep[sampleName(later.sampleOf)] = later.sampleOf === index ? SAMPLE : sampleName(later.sampleOf);
  }
  return {
    timestep: call.timestep,
    modelInputLevel: alphaBarLevel(inputAlphaBar),
    combination: { values, outputs: ['prev', 'denoised'] },
    sample: 'prev',
    denoised: 'denoised',
    drawsNoise: false,
    keep,
  };
}
