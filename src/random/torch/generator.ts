/**
 * `random.torchGenerator(seed)`: torch's CPU generator, so that a diffusers seed gives the same
 * numbers here as `torch.Generator('cpu').manual_seed(seed)` gives in Python.
 */
import * as tf from '@tensorflow/tfjs-core';

import { checkInteger } from '../../errors';
import { seedBits } from '../key';
import { checkSampleShape, MAX_SIZE } from '../normal';
import { Mt19937 } from './mt19937';
import { randnValues, type TorchStream } from './randn';

/**
 * A stream of torch's CPU random numbers: the MT19937 engine as `manual_seed(seed)` leaves it,
 * and the cached second value of torch's scalar normal sampler. Every draw continues the
 * stream, exactly as successive `torch.randn(..., generator=g)` calls on one generator do;
 * make a new generator to start again from the seed.
 */
export class TorchGenerator {
  /** The seed given. */
  readonly seed: number | bigint;
  private readonly stream: TorchStream;

  /**
   * `seed`: an integer in [-2^63, 2^64), a number (a safe integer) or a bigint, as torch's
   * `manual_seed` takes it; negative seeds are read as their 64-bit two's complement. Only the
   * low 32 bits seed MT19937 (torch's `init_with_uint32`), so 5 and 2^32 + 5 give the same stream.
   */
  constructor(seed: number | bigint) {
    const bits = seedBits(seed);
    this.seed = seed;
    this.stream = { engine: new Mt19937(Number(bits & 0xffffffffn)), cachedNormal: null };
  }

  /**
   * `torch.randn(shape, generator=g)`: a float32 tensor of standard normals with torch's CPU
   * values bit for bit, the caller's to dispose. `shape` is an array of positive integers, or
   * [] for a scalar.
   */
  randn(shape: number[]): tf.Tensor {
    const checked = checkSampleShape(shape);
    return tf.tensor(randnValues(this.stream, tf.util.sizeFromShape(checked)), checked, 'float32');
  }

  /** The same draw as `randn` for `size` values, on the host: no tensor. */
  randnValues(size: number): Float32Array {
    checkInteger('size', size, 0, MAX_SIZE);
    return randnValues(this.stream, size);
  }
}

/**
 * torch's CPU generator seeded with `seed`, as `torch.Generator('cpu').manual_seed(seed)` (and
 * `torch.manual_seed(seed)`, which seeds the default generator the same way). See
 * `TorchGenerator`.
 */
export function torchGenerator(seed: number | bigint): TorchGenerator {
  return new TorchGenerator(seed);
}
