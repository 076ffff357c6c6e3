import { checkInteger, show } from '../errors';
import { key as keyFromSeed } from '../random';

/** The options of `init`: where a run's noise comes from, and where the run starts. */
export interface InitOptions {
  /** Seed of the noise for eta > 0: the Nx/JAX key [seed >> 32, seed & 0xffffffff]. */
  seed?: number | bigint;
  /** An Nx/JAX PRNG key (two uint32 words), e.g. the one `random.normal` returned. */
  key?: Uint32Array;
  /**
   * Start the run at this index of the numSteps-step schedule, skipping the steps before it
   * (image-to-image: diffusers' `timesteps[t_start:]`, with t_start = numSteps -
   * floor(numSteps * strength)). The start sample is then `addNoise(image, noise, [t, ...])`
   * at the first timestep `init` returns. Default 0.
   */
  startIndex?: number;
}

const INIT_OPTIONS = ['seed', 'key', 'startIndex'];

/** Checks the init options object and its names. */
function checkInitOptions(opts: unknown): asserts opts is InitOptions {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`init options must be an object like { seed } or { key }, got ${show(opts)}`);
  const unknown = Object.keys(opts).filter((name) => !INIT_OPTIONS.includes(name));
  if (unknown.length > 0) throw new TypeError(`unknown init option ${show(unknown[0])}; the options are ${INIT_OPTIONS.join(', ')}`);
}

/** The PRNG key a run starts from: from `seed`, from `key` (copied), or random. */
export function initialKey(opts: InitOptions): Uint32Array {
  checkInitOptions(opts);
  const { seed, key } = opts;
  if (seed !== undefined && key !== undefined) throw new TypeError('init takes a seed or a key, not both');
  if (key !== undefined) {
    if (!(key instanceof Uint32Array) || key.length !== 2) throw new TypeError(`key must be a Uint32Array of 2 words (from random.key), got ${show(key)}`);
    return key.slice();
  }
  if (seed !== undefined) return keyFromSeed(seed);
  return crypto.getRandomValues(new Uint32Array(2));
}

/** The index of the first step of a run of `numSteps` steps. */
export function startIndexOf(opts: InitOptions, numSteps: number): number {
  return opts.startIndex === undefined ? 0 : checkInteger('startIndex', opts.startIndex, 0, numSteps - 1);
}
