/**
 * The DDIM update as one pass over float32 arrays, the cpu kernel's arithmetic: it reads x, p
 * (and z) once and writes x0 and x_{t-1} together.
 */
import { noiseWeights, type DdimUpdateAttrs } from './ddim_update_kernel';

const f32 = Math.fround;

/** The arrays of one update: inputs, then the two outputs the pass fills. */
export interface DdimUpdateArrays {
  readonly noisySample: Float32Array;
  readonly prediction: Float32Array;
  readonly freshNoise: Float32Array | null;
  /** One s per item of the first axis, or null. */
  readonly thresholds: Float32Array | null;
  readonly denoised: Float32Array;
  readonly nextSample: Float32Array;
}

/**
 * Fills `denoised` and `nextSample`. Every product and sum is rounded to float32 where the op
 * chain (`ddimUpdateOps`) rounds it, with the coefficients rounded to float32 as its scalar
 * tensors are: the result is the chain's, bit for bit, without its intermediate tensors. (The
 * last rounding of each output is the store into its Float32Array, which rounds as
 * Math.fround does; the clip bounds are rounded first, so a clamped value is a float32.)
 */
export function ddimUpdatePass(arrays: DdimUpdateArrays, attrs: DdimUpdateAttrs): void {
  const weights = noiseWeights(attrs);
  const coefficients: PassCoefficients = {
    denoisedFromSample: f32(attrs.denoisedFromSample),
    denoisedFromPrediction: f32(attrs.denoisedFromPrediction),
    noiseFromSample: f32(weights.ofSample),
    noiseFromSecond: f32(weights.ofSecond),
    prevFromDenoised: f32(attrs.prevFromDenoised),
    prevFromNoise: f32(attrs.prevFromNoise),
    sigma: f32(attrs.sigma),
  };
  const { thresholds } = arrays;
  const length = arrays.noisySample.length;
  if (thresholds !== null) {
    // Dynamic thresholding: clamp(x0, -s, s) / s, computed as clamp(x0 / s, -1, 1) (the same
    // float32 number, as division is correctly rounded), one s per item of the first axis.
    const itemSize = length / thresholds.length;
    for (let item = 0; item < thresholds.length; item++) updateRange(arrays, coefficients, attrs.rederiveNoise, item * itemSize, (item + 1) * itemSize, 1, thresholds[item]);
  } else if (!attrs.rederiveNoise && coefficients.noiseFromSample === 0 && coefficients.noiseFromSecond === 1) {
    // eps = p, as the chain takes it for a noise prediction: the common case, with no eps arithmetic.
    updateWithPredictedNoise(arrays, coefficients, attrs.clipRange);
  } else {
    updateRange(arrays, coefficients, attrs.rederiveNoise, 0, length, attrs.clipRange, 1);
  }
}

/** The coefficients rounded to float32; eps = noiseFromSample * x + noiseFromSecond * (x0 or p). */
interface PassCoefficients {
  readonly denoisedFromSample: number;
  readonly denoisedFromPrediction: number;
  readonly noiseFromSample: number;
  readonly noiseFromSecond: number;
  readonly prevFromDenoised: number;
  readonly prevFromNoise: number;
  readonly sigma: number;
}

/**
 * The update of elements [start, end): x0 is divided by `divisor` (1: not at all) and clamped
 * to ±bound (Infinity: not at all); eps is re-derived from x0 (GLIDE) or taken from x and p.
 */
function updateRange(arrays: DdimUpdateArrays, c: PassCoefficients, rederiveNoise: boolean, start: number, end: number, bound: number, divisor: number): void {
  const { noisySample, prediction, freshNoise, denoised, nextSample } = arrays;
  const { denoisedFromSample, denoisedFromPrediction, noiseFromSample, noiseFromSecond, prevFromDenoised, prevFromNoise, sigma } = c;
  // The second term of eps reads x0 back from the output just written, or p.
  const second = rederiveNoise ? denoised : prediction;
  const divide = divisor !== 1;
  const upper = f32(bound);
  const lower = -upper;
  for (let i = start; i < end; i++) {
    const x = noisySample[i];
    // "predicted x0" of eq. (12), then thresholded or clipped
    const unclipped = f32(f32(x * denoisedFromSample) + f32(prediction[i] * denoisedFromPrediction));
    const x0 = Math.min(Math.max(divide ? f32(unclipped / divisor) : unclipped, lower), upper);
    denoised[i] = x0;
    const eps = f32(f32(x * noiseFromSample) + f32(second[i] * noiseFromSecond));
    // "direction pointing to x_t" and the random term of eq. (12)
    const deterministic = f32(x0 * prevFromDenoised) + f32(eps * prevFromNoise);
    nextSample[i] = freshNoise === null ? deterministic : f32(deterministic) + f32(freshNoise[i] * sigma);
  }
}

/** `updateRange` over all elements for eps = p, clipped to ±bound (Infinity: not at all). */
function updateWithPredictedNoise(arrays: DdimUpdateArrays, c: PassCoefficients, bound: number): void {
  const { noisySample, prediction, freshNoise, denoised, nextSample } = arrays;
  const { denoisedFromSample, denoisedFromPrediction, prevFromDenoised, prevFromNoise, sigma } = c;
  const upper = f32(bound);
  const lower = -upper;
  const length = noisySample.length;
  for (let i = 0; i < length; i++) {
    const eps = prediction[i];
    const x0 = Math.min(Math.max(f32(f32(noisySample[i] * denoisedFromSample) + f32(eps * denoisedFromPrediction)), lower), upper);
    denoised[i] = x0;
    const deterministic = f32(x0 * prevFromDenoised) + f32(eps * prevFromNoise);
    nextSample[i] = freshNoise === null ? deterministic : f32(deterministic) + f32(freshNoise[i] * sigma);
  }
}
