/**
 * The DDIM update as shader statements, written once for GLSL (webgl) and WGSL (webgpu). Every
 * operation of the op chain (`ddimUpdateOps`) appears in its order and parenthesized as the
 * chain evaluates it, in float32 with float32 coefficients, so the GPU rounds where the chain
 * rounds (up to a compiler's fused multiply-add).
 */
import { noiseWeights, type DdimUpdateAttrs } from './ddim_update_kernel';

/** Which of the two outputs a shader writes; webgl and webgpu programs have one output each. */
export type UpdateOutput = 'denoised' | 'nextSample';

/** How x0 is bounded: not at all, clipped to ±clipRange, or thresholded by s (Imagen). */
export type UpdateBound = 'none' | 'clip' | 'threshold';

/** The shape of the computation, fixed at compile time (the coefficients are uniforms). */
export interface UpdateVariant {
  readonly output: UpdateOutput;
  readonly bound: UpdateBound;
  readonly rederiveNoise: boolean;
  readonly withNoise: boolean;
}

/** What differs between shading languages. */
export interface ShaderDialect {
  /** An immutable local: `vec4 name = value;` or `let name = value;`. */
  declare(name: string, value: string): string;
  /** A scalar expression broadcast to the element type (a vec4 for 4-wide programs). */
  splat(scalar: string): string;
  /** How the shader reads one of the uniforms. */
  uniform(name: UniformName): string;
}

/** The float32 uniforms; eps = noiseWeightOfSample * x + noiseWeightOfSecond * (x0 or p), see `noiseWeights`. */
export type UniformName =
  | 'denoisedFromSample'
  | 'denoisedFromPrediction'
  | 'clipRange'
  | 'noiseWeightOfSample'
  | 'noiseWeightOfSecond'
  | 'prevFromDenoised'
  | 'prevFromNoise'
  | 'sigma';

export function updateVariant(output: UpdateOutput, attrs: DdimUpdateAttrs, withThresholds: boolean, withNoise: boolean): UpdateVariant {
  const bound = withThresholds ? 'threshold' : Number.isFinite(attrs.clipRange) ? 'clip' : 'none';
  return { output, bound, rederiveNoise: attrs.rederiveNoise, withNoise: output === 'nextSample' && withNoise };
}

/** A key naming the variant, for the backends' compiled-program caches. */
export function variantKey(variant: UpdateVariant): string {
  return `${variant.output}_${variant.bound}_${variant.rederiveNoise ? 'rederived' : 'predicted'}_${variant.withNoise ? 'noise' : 'nonoise'}`;
}

/** The uniforms a variant reads, in a fixed order. */
export function variantUniforms(variant: UpdateVariant): UniformName[] {
  const names: UniformName[] = ['denoisedFromSample', 'denoisedFromPrediction'];
  if (variant.bound === 'clip') names.push('clipRange');
  if (variant.output === 'denoised') return names;
  names.push('noiseWeightOfSample', 'noiseWeightOfSecond', 'prevFromDenoised', 'prevFromNoise');
  if (variant.withNoise) names.push('sigma');
  return names;
}

/**
 * Statements that compute the variant's output into `updated` from the element locals `x`
 * (sample), `p` (prediction), `z` (fresh noise, when used) and `s` (threshold, when used).
 */
export function updateStatements(dialect: ShaderDialect, variant: UpdateVariant): string {
  const { declare, splat, uniform } = dialect;
  const lines = [
    // "predicted x0" of eq. (12)
    declare('unclipped', `(x * ${splat(uniform('denoisedFromSample'))}) + (p * ${splat(uniform('denoisedFromPrediction'))})`),
  ];
  if (variant.bound === 'clip') {
    lines.push(declare('denoised', `clamp(unclipped, ${splat(`-${uniform('clipRange')}`)}, ${splat(uniform('clipRange'))})`));
  } else if (variant.bound === 'threshold') {
    // clamp(x0, -s, s) / s, as clamp(x0 / s, -1, 1): the same number for s > 0, and exactly ±1
    // when saturated even where GPU division is not correctly rounded.
    lines.push(declare('denoised', `clamp(unclipped / s, ${splat('-1.0')}, ${splat('1.0')})`));
  } else {
    lines.push(declare('denoised', 'unclipped'));
  }
  if (variant.output === 'denoised') return [...lines, declare('updated', 'denoised')].join('\n');

  const second = variant.rederiveNoise ? 'denoised' : 'p';
  lines.push(
    declare('eps', `(x * ${splat(uniform('noiseWeightOfSample'))}) + (${second} * ${splat(uniform('noiseWeightOfSecond'))})`),
    // "direction pointing to x_t" and the random term of eq. (12)
    declare('deterministic', `(denoised * ${splat(uniform('prevFromDenoised'))}) + (eps * ${splat(uniform('prevFromNoise'))})`),
    declare('updated', variant.withNoise ? `deterministic + (z * ${splat(uniform('sigma'))})` : 'deterministic'),
  );
  return lines.join('\n');
}

/** The values of `variantUniforms(variant)`, from the attributes (host float64; the backend rounds them to float32). */
export function variantUniformValues(variant: UpdateVariant, attrs: DdimUpdateAttrs): number[] {
  const weights = noiseWeights(attrs);
  const values: Record<UniformName, number> = {
    denoisedFromSample: attrs.denoisedFromSample,
    denoisedFromPrediction: attrs.denoisedFromPrediction,
    clipRange: attrs.clipRange,
    noiseWeightOfSample: weights.ofSample,
    noiseWeightOfSecond: weights.ofSecond,
    prevFromDenoised: attrs.prevFromDenoised,
    prevFromNoise: attrs.prevFromNoise,
    sigma: attrs.sigma,
  };
  return variantUniforms(variant).map((name) => values[name]);
}
