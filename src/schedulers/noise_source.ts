import { show } from '../errors';
import { key as keyFromSeed } from '../random';

/** What a run needs of torch's generator (`random.torchGenerator`): its standard normals, continuing its stream. */
export interface NoiseGenerator {
  randnValues(size: number): Float32Array;
}

/** Where a run's noise comes from: an Nx/JAX key that the states carry, or a torch generator the run draws from. */
export interface NoiseSource {
  readonly key: Uint32Array | null;
  readonly generator: NoiseGenerator | null;
}

function isNoiseGenerator(value: unknown): value is NoiseGenerator {
  return typeof value === 'object' && value !== null && typeof (value as Partial<NoiseGenerator>).randnValues === 'function';
}

/**
 * The noise source of `init`'s options: `seed` (the Nx/JAX key [seed >> 32, seed & 0xffffffff]),
 * `key` (copied), `generator` (torch's, used as it is: a run continues its stream), or a
 * random key. At most one of them.
 */
export function noiseSourceOf(opts: { seed?: unknown; key?: unknown; generator?: unknown }): NoiseSource {
  const given = (['seed', 'key', 'generator'] as const).filter((name) => opts[name] !== undefined);
  if (given.length > 1) throw new TypeError(`init takes one of seed, key and generator, got ${given.join(' and ')}`);
  const { seed, key, generator } = opts;
  if (generator !== undefined) {
    if (!isNoiseGenerator(generator)) throw new TypeError(`generator must be a generator from random.torchGenerator(seed), got ${show(generator)}`);
    return { key: null, generator };
  }
  if (key !== undefined) {
    if (!(key instanceof Uint32Array) || key.length !== 2) throw new TypeError(`key must be a Uint32Array of 2 words (from random.key), got ${show(key)}`);
    return { key: key.slice(), generator: null };
  }
  if (seed !== undefined) return { key: keyFromSeed(seed as number | bigint), generator: null };
  return { key: crypto.getRandomValues(new Uint32Array(2)), generator: null };
}
