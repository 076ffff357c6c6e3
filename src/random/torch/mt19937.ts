/**
 * The Mersenne Twister MT19937 as torch's CPU generator runs it (aten/src/ATen/core/
 * MT19937RNGEngine.h, `at::mt19937_engine`): Matsumoto and Nishimura's 2002 generator,
 * seeded by `init_with_uint32` with the low 32 bits of the 64-bit seed, 32-bit words out.
 */

/** State words (MERSENNE_STATE_N) and the twist's offset (MERSENNE_STATE_M). */
export const STATE_WORDS = 624;
const SHIFT = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * The engine: 624 state words and the index of the next one to temper. Torch keeps `left_`
 * and `next_` and twists when `--left_ == 0`; `index === STATE_WORDS` is the same moment.
 */
export class Mt19937 {
  readonly state = new Uint32Array(STATE_WORDS);
  index = STATE_WORDS;

  /** `init_with_uint32(seed)`: only `seed & 0xffffffff` enters the state. */
  constructor(seedLow32: number) {
    const state = this.state;
    state[0] = seedLow32;
    for (let j = 1; j < STATE_WORDS; j++) {
      const previous = state[j - 1] ^ (state[j - 1] >>> 30);
      // 1812433253 * previous + j mod 2^32; Math.imul keeps the low 32 bits exactly.
      state[j] = Math.imul(1812433253, previous) + j;
    }
  }

  /** The next 32-bit word, as `mt19937_engine::operator()`. */
  next(): number {
    if (this.index === STATE_WORDS) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `next_state()`: all 624 words at once. */
  twist(): void {
    const state = this.state;
    for (let j = 0; j < STATE_WORDS; j++) {
      const mixed = (state[j] & UPPER_MASK) | (state[(j + 1) % STATE_WORDS] & LOWER_MASK);
      const twisted = (mixed >>> 1) ^ (state[(j + 1) % STATE_WORDS] & 1 ? MATRIX_A : 0);
      state[j] = state[(j + SHIFT) % STATE_WORDS] ^ twisted;
    }
    this.index = 0;
  }
}
