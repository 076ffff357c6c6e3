/**
 * Per-sample noise: sample i of a run with seed S draws its start noise and the noise of every
 * step from its own stream, seeded with S + i, so that a sample is the same whichever batch,
 * worker or shard runs it (docs/batch_sampling.md):
 *
 * - nx: the Nx/JAX key `random.key(S + i)`; every draw is `Nx.Random.normal`'s,
 *   `[next, sub] = split(key)`, the values from sub and next for the next draw;
 * - torch: `random.torchGenerator(S + i)`, every draw continuing its stream.
 *
 * A batch still runs as one `sample()` call with one noise source: each of its draws is the
 * draws of its samples, one sample after the other, which is what diffusers' `randn_tensor`
 * does with a list of generators. Sample i is therefore the sample of a batch-of-one run with
 * seed S + i (`sample(..., { seed: S + i })`, or `{ generator: random.torchGenerator(S + i) }`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { normalValues, random, split, type TorchGenerator } from '../random';
import type { GeneratorName } from './cli_options';

/** One sample's stream: `size` standard normals per draw, continuing where the last draw ended. */
type SampleStream = (size: number) => Float32Array;

function nxStream(seed: bigint): SampleStream {
  let key = random.key(seed);
  return (size) => {
    const [next, sub] = split(key);
    key = next;
    return normalValues(sub, size);
  };
}

function torchStream(seed: bigint): SampleStream {
  const generator = random.torchGenerator(seed);
  return (size) => generator.randnValues(size);
}

/** The seed of sample `index` of a run seeded with `runSeed`. */
function sampleSeed(runSeed: number, index: number): bigint {
  return BigInt(runSeed) + BigInt(index);
}

/** The noise source of one batch: what `sample()` and the schedulers' steps draw from, per sample. */
class BatchNoise {
  private readonly streams: SampleStream[];

  constructor(generator: GeneratorName, runSeed: number, samples: readonly number[]) {
    const stream = generator === 'torch' ? torchStream : nxStream;
    this.streams = samples.map((index) => stream(sampleSeed(runSeed, index)));
  }

  /** `size` values over the batch, batch first: each sample's share from its own stream. */
  randnValues(size: number): Float32Array {
    const count = this.streams.length;
    if (size % count !== 0) throw new Error(`a draw of ${size} values does not split into ${count} samples`);
    const itemSize = size / count;
    const values = new Float32Array(size);
    this.streams.forEach((draw, i) => values.set(draw(itemSize), i * itemSize));
    return values;
  }

  randn(shape: number[]): tf.Tensor {
    return tf.tensor(this.randnValues(tf.util.sizeFromShape(shape)), shape, 'float32');
  }
}

/**
 * The `generator` option of `sample()` for a batch of the run's samples `samples` (their
 * indices in the run, in batch order). `sample()` and the steps use a generator through
 * `randn` and `randnValues` alone (src/schedulers/noise_source.ts), which BatchNoise has; it
 * is no TorchGenerator otherwise, hence the cast.
 */
export function batchNoise(generator: GeneratorName, runSeed: number, samples: readonly number[]): TorchGenerator {
  return new BatchNoise(generator, runSeed, samples) as unknown as TorchGenerator;
}
