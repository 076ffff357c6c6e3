/**
 * PRNG keys: two uint32 words, made from a seed and split into independent keys, as
 * `Nx.Random.key` / `Nx.Random.split` and `jax.random.PRNGKey` / `jax.random.split` with the
 * threefry2x32 implementation in its original (non-partitionable) mode.
 */
import { checkInteger, show } from '../errors';
import { threefryIota } from './threefry';

const SEED_RANGE = 'an integer in [-2^63, 2^64)';

/**
 * Throws unless `value` is a key: a Uint32Array of two words. Returns it for chaining.
 * `name` is the argument's name in the message.
 */
export function checkKey(name: string, value: unknown): Uint32Array {
  if (!(value instanceof Uint32Array)) {
    throw new TypeError(`${name} must be a Uint32Array of 2 words (from random.key or random.split), got ${show(value)}`);
  }
  if (value.length !== 2) {
    throw new RangeError(`${name} must be a Uint32Array of 2 words (from random.key or random.split), got one of length ${value.length}`);
  }
  return value;
}

/**
 * The seed as its 64-bit two's-complement pattern, after checking its type and range. Shared
 * with random.torchGenerator: torch's manual_seed takes the same range (beyond it, Python's
 * "Overflow when unpacking long long") and reads negative seeds as their two's complement too.
 */
export function seedBits(seed: unknown): bigint {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be ${SEED_RANGE}, got ${show(seed)}`);
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be a safe integer when given as a number (|seed| <= 2^53 - 1; pass a bigint beyond), got ${show(seed)}`);
    }
    return BigInt.asUintN(64, BigInt(seed));
  }
  if (typeof seed === 'bigint') {
    if (seed < -(2n ** 63n) || seed >= 2n ** 64n) throw new RangeError(`seed must be ${SEED_RANGE}, got ${show(seed)}`);
    return BigInt.asUintN(64, seed);
  }
  throw new TypeError(`seed must be a number or a bigint (${SEED_RANGE}), got ${show(seed)}`);
}

/**
 * A key from an integer seed: `[seed >> 32, seed & 0xffffffff]` of the seed's 64 bits, as
 * `Nx.Random.key(seed)` and `jax.random.PRNGKey(seed)` with `jax_enable_x64`. Negative seeds
 * use their int64 two's complement (-1 gives [0xffffffff, 0xffffffff]); without x64, JAX
 * truncates seeds to 32 bits instead (-1 gives [0, 0xffffffff]).
 */
export function key(seed: number | bigint): Uint32Array {
  const bits = seedBits(seed);
  return Uint32Array.of(Number(bits >> 32n), Number(bits & 0xffffffffn));
}

/**
 * The most keys one split makes: 2^20 (a million keys take about half a second; a sampling
 * run needs one per step). Within the uint32 iota the split draws from.
 */
const MAX_SPLIT_PARTS = 2 ** 20;

/**
 * `parts` new keys from one, as `Nx.Random.split(key, parts: parts)` and JAX's
 * `_threefry_split_original`: threefry2x32(key, iota(2 * parts)) read as `parts` rows of 2.
 * Each returned key is its own array. The input key is left as it is.
 */
export function split(key: Uint32Array, parts = 2): Uint32Array[] {
  checkKey('key', key);
  checkInteger('parts', parts, 1, MAX_SPLIT_PARTS);
  const words = threefryIota(key, 2 * parts);
  return Array.from({ length: parts }, (_, part) => words.slice(2 * part, 2 * part + 2));
}
