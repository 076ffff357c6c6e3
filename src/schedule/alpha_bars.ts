/**
 * alpha-bar_t = prod_{s <= t} (1 - beta_s) (DDPM, arXiv 2006.11239, section 2; written alpha_t
 * in DDIM, arXiv 2010.02502), as diffusers computes it from float32 betas: alpha_s = 1 - beta_s
 * in float32, then torch's `cumprod`, which multiplies in float64 (its CPU accumulation type
 * for float32) and rounds each value once to float32.
 */
export function alphaBarsFromBetas(betas: ArrayLike<number>): Float32Array {
  const alphaBars = new Float32Array(betas.length);
  let product = 1;
  for (let t = 0; t < betas.length; t++) {
    product *= Math.fround(1 - betas[t]);
    alphaBars[t] = product;
  }
  return alphaBars;
}
