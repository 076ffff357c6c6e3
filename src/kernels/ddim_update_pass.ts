/**
 * The DDIM update as one pass over float32 arrays, shared by the cpu and wasm kernels: it
 * reads x, p (and z) once and writes x0 and x_{t-1} together.
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
 * tensors are: the result is the chain's, bit for bit, without its intermediate tensors.
 */
export function ddimUpdatePass(arrays: DdimUpdateArrays, attrs: DdimUpdateAttrs): void {
  const { thresholds } = arrays;
  if (thresholds === null) {
    // Clipping: clamp(x0, -c, c); none: c = Infinity.
    updateRange(arrays, attrs, 0, arrays.noisySample.length, attrs.clipRange, 1);
    return;
  }
  // Dynamic thresholding: clamp(x0, -s, s) / s, computed as clamp(x0 / s, -1, 1) (the same
  // float32 number, as division is correctly rounded) with one s per item of the first axis.
  const itemSize = arrays.noisySample.length / thresholds.length;
  for (let item = 0; item < thresholds.length; item++) updateRange(arrays, attrs, item * itemSize, (item + 1) * itemSize, 1, thresholds[item]);
}

/** The update of elements [start, end): x0 is divided by `divisor` (1: not at all), then clamped to ±bound. */
function updateRange(arrays: DdimUpdateArrays, attrs: DdimUpdateAttrs, start: number, end: number, bound: number, divisor: number): void {
  const { noisySample, prediction, freshNoise, denoised, nextSample } = arrays;
  const denoisedFromSample = f32(attrs.denoisedFromSample);
  const denoisedFromPrediction = f32(attrs.denoisedFromPrediction);
  const weights = noiseWeights(attrs);
  const noiseFromSample = f32(weights.ofSample);
  const noiseFromSecond = f32(weights.ofSecond);
  const prevFromDenoised = f32(attrs.prevFromDenoised);
  const prevFromNoise = f32(attrs.prevFromNoise);
  const sigma = f32(attrs.sigma);
  // The second term of eps reads x0 back from the output just written (GLIDE) or p.
  const second = attrs.rederiveNoise ? denoised : prediction;
  const divide = divisor !== 1;
  const lower = -bound;
  for (let i = start; i < end; i++) {
    const x = noisySample[i];
    const p = prediction[i];
    // "predicted x0" of eq. (12), then thresholded or clipped
    const unclipped = f32(f32(x * denoisedFromSample) + f32(p * denoisedFromPrediction));
    const x0 = f32(Math.min(Math.max(divide ? f32(unclipped / divisor) : unclipped, lower), bound));
    denoised[i] = x0;
    const eps = f32(f32(x * noiseFromSample) + f32(second[i] * noiseFromSecond));
    // "direction pointing to x_t" and the random term of eq. (12)
    const prev = f32(f32(x0 * prevFromDenoised) + f32(eps * prevFromNoise));
    nextSample[i] = freshNoise === null ? prev : f32(prev + f32(freshNoise[i] * sigma));
  }
}
