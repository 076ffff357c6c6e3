import { show } from '../errors';
import { key as keyFromSeed } from '../random';

export interface InitOptions {
  /** Seed of the noise for eta > 0: the Nx/JAX key [seed >> 32, seed & 0xffffffff]. */
  seed?: number | bigint;
  /** An Nx/JAX PRNG key (two uint32 words), e.g. the one `random.normal` returned. */
  key?: Uint32Array;
}

/** The PRNG key a run starts from: from `seed`, from `key` (copied), or random. */
export function initialKey(opts: InitOptions): Uint32Array {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`init options must be an object like { seed } or { key }, got ${show(opts)}`);
  const unknown = Object.keys(opts).filter((name) => name !== 'seed' && name !== 'key');
  if (unknown.length > 0) throw new TypeError(`unknown init option ${show(unknown[0])}; the options are seed, key`);
  const { seed, key } = opts;
  if (seed !== undefined && key !== undefined) throw new TypeError('init takes a seed or a key, not both');
  if (key !== undefined) {
    if (!(key instanceof Uint32Array) || key.length !== 2) throw new TypeError(`key must be a Uint32Array of 2 words (from random.key), got ${show(key)}`);
    return key.slice();
  }
  if (seed !== undefined) return keyFromSeed(seed);
  return crypto.getRandomValues(new Uint32Array(2));
}
