/**
 * alpha-bar_t = prod_{s <= t} (1 - beta_s) (DDPM, arXiv 2006.11239, section 2; written alpha_t
 * in DDIM, arXiv 2010.02502). The product runs in float64 over the float32 betas and each
 * value is rounded once to float32, as torch's `cumprod` does for float32 input.
 */
export function alphaBarsFromBetas(betas: ArrayLike<number>): Float32Array {
  const alphaBars = new Float32Array(betas.length);
  let product = 1;
  for (let t = 0; t < betas.length; t++) {
    product *= 1 - betas[t];
    alphaBars[t] = product;
  }
  return alphaBars;
}
