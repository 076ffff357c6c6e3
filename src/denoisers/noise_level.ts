import { show } from '../errors';
import type { DenoiserInfo } from '../sampling/denoiser';
import { alphaBarLevel, type NoiseLevel } from '../schedulers/plan';

/**
 * Where a denoiser's input lies on the forward process x_t = alpha x0 + sigma eps: info.alpha
 * and info.sigma (sample() always gives them: the state's noiseLevel), or else, for a
 * scheduler with alpha-bars, sqrt(alpha-bar) and sqrt(1 - alpha-bar) at the integer
 * info.timestep. Checked: alpha >= 0 and sigma > 0, finite.
 */
export function noiseLevelOf(name: string, alphaBars: Float32Array | null, info: Partial<DenoiserInfo> | undefined): NoiseLevel {
  const { alpha, sigma, timestep } = info ?? {};
  if (alpha !== undefined || sigma !== undefined) {
    if (typeof alpha !== 'number' || !(alpha >= 0 && alpha < Infinity)) {
      throw new (typeof alpha === 'number' ? RangeError : TypeError)(`${name} needs info.alpha, a finite number >= 0 (with info.sigma), got ${show(alpha)}`);
    }
    if (typeof sigma !== 'number' || !(sigma > 0 && sigma < Infinity)) {
      throw new (typeof sigma === 'number' ? RangeError : TypeError)(`${name} needs info.sigma, a finite number > 0 (with info.alpha), got ${show(sigma)}`);
    }
    return { alpha, sigma };
  }
  if (alphaBars === null) {
    throw new TypeError(`${name} needs the noise level of its input: info.alpha and info.sigma (sample() gives them; a loop of your own passes state.noiseLevel), got neither, and its scheduler has no alphaBars to look info.timestep up in`);
  }
  const last = alphaBars.length - 1;
  if (typeof timestep !== 'number' || !Number.isInteger(timestep) || timestep < 0 || timestep > last) {
    throw new RangeError(`${name} needs info.alpha and info.sigma (sample() gives them) or info.timestep, an integer in [0, ${last}], got ${show(timestep)}`);
  }
  return alphaBarLevel(alphaBars[timestep]);
}
