/**
 * Which samples a run makes and in which batches: all of them, or those of its shard
 * (`--shard I/N`: the samples i with i mod N = I), cut into batches of at most `--batch`.
 * Samples are named by their index in the whole run, which seeds their noise (sample_noise.ts).
 */
import type { ShardSpec } from './cli_options';

export interface Batch {
  /** Its place among the run's batches: batch 0 draws the preview. */
  readonly index: number;
  /** Where its first sample is in the run's own list of samples (and in its output). */
  readonly offset: number;
  /** The samples, by their index in the whole run, in order. */
  readonly samples: readonly number[];
}

/** The samples of a run of `count`: all of them, or those of `shard`. */
export function runSamples(count: number, shard?: ShardSpec): number[] {
  if (shard === undefined) return Array.from({ length: count }, (_, i) => i);
  const size = Math.max(0, Math.ceil((count - shard.index) / shard.count));
  return Array.from({ length: size }, (_, k) => shard.index + k * shard.count);
}

/** `samples` in batches of at most `batch`, in order. */
export function planBatches(samples: readonly number[], batch: number): Batch[] {
  const batches: Batch[] = [];
  for (let offset = 0; offset < samples.length; offset += batch) {
    batches.push({ index: batches.length, offset, samples: samples.slice(offset, offset + batch) });
  }
  return batches;
}

/** The samples of a batch in words: "8 to 15", "4", or "1, 4, ... 22" (a shard's stride). */
export function describeSamples(samples: readonly number[]): string {
  const [first, last] = [samples[0], samples[samples.length - 1]];
  if (samples.length === 1) return `sample ${first}`;
  if (last - first === samples.length - 1) return `samples ${first} to ${last}`;
  return `samples ${first}, ${samples[1]}, ... ${last}`;
}
