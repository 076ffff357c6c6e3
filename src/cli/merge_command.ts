/**
 * `tfjs-diffusion merge SHARD_FILE...`: joins the outputs of `sample --shard I/N`, all N shards
 * of one run, into the files one run of all the samples writes (the samples file in sample
 * order, and the PNG), byte for byte. Refuses what is no shard's output, shards of different
 * runs, a shard given twice and a shard missing, each on one line naming the files.
 */
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { show } from '../errors';
import { runSamples } from './batch_plan';
import { DATASETS } from './cli_options';
import { roundSeconds } from './rounding';
import { makeOutputDirectory } from './output_directory';
import { runDifference } from './run_description';
import { samplesFileOf, writeRunOutput } from './run_output';
import { samplesView } from './sample_target';
import { pngFileOfShard, readShardOutput, type ShardOutput } from './shard_output';
import { UsageError } from './usage_error';

export interface MergeFlags {
  out?: string;
  json: boolean;
}

/** What `merge --json` prints. */
export interface MergeReport {
  dataset: string | null;
  /** The sha256 of the model's files, null for an exact denoiser. */
  model: string | null;
  scheduler: string;
  steps: number;
  seed: number;
  generator: string;
  count: number;
  backend: string;
  shards: number;
  /** The shards' sampling times, added up. */
  seconds: number;
  quality: object | null;
  samplesFile: string;
}

interface GivenShard {
  readonly file: string;
  readonly output: ShardOutput;
}

function readShard(file: string): GivenShard {
  try {
    return { file, output: readShardOutput(file) };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(code === undefined ? message : `${file} cannot be read: ${message}`);
  }
}

/** The shards by index, checked: one run, one shard count, each shard once, none missing, each of its size. */
function checkedShards(given: readonly GivenShard[]): GivenShard[] {
  const [first] = given;
  const shardCount = first.output.shard.count;
  const byIndex: GivenShard[] = [];
  for (const shard of given) {
    const difference = runDifference(first.output.run, shard.output.run);
    if (difference !== null) {
      const { field, first: expected, second: found } = difference;
      throw new UsageError(`${shard.file} is a shard of another run than ${first.file}: its ${field} is ${show(found)}, not ${show(expected)}; merge the shards of one run`);
    }
    const { index, count } = shard.output.shard;
    if (count !== shardCount) throw new UsageError(`${shard.file} is shard ${index}/${count}, one of ${count}; ${first.file} is one of ${shardCount}: merge the shards of one split`);
    const twice = byIndex[index];
    if (twice !== undefined) throw new UsageError(`shard ${index}/${count} is given twice: ${twice.file} and ${shard.file}`);
    byIndex[index] = shard;
  }
  const missing = Array.from({ length: shardCount }, (_, i) => i).filter((i) => byIndex[i] === undefined);
  if (missing.length > 0) {
    const named = missing.slice(0, 5).map((i) => `${i}/${shardCount}`).join(', ');
    throw new UsageError(`${missing.length === 1 ? 'shard' : `${missing.length} shards`} missing: ${named}${missing.length > 5 ? ', ...' : ''}; merge needs all ${shardCount} shards of the run`);
  }
  const { count, itemShape } = first.output.run;
  const itemSize = tf.util.sizeFromShape(itemShape as number[]);
  for (const shard of byIndex) {
    const expected = runSamples(count, shard.output.shard).length;
    if (shard.output.values.length !== expected * itemSize) {
      throw new UsageError(`${shard.file} holds ${shard.output.values.length / itemSize} samples; shard ${shard.output.shard.index}/${shardCount} of a run of ${count} has ${expected}`);
    }
  }
  return byIndex;
}

/** The samples of all shards in sample order: sample i is sample floor(i / N) of shard i mod N. */
function interleave(shards: readonly GivenShard[], count: number, itemSize: number): Float32Array {
  const values = new Float32Array(count * itemSize);
  for (const { output } of shards) {
    runSamples(count, output.shard).forEach((sample, k) => values.set(output.values.subarray(k * itemSize, (k + 1) * itemSize), sample * itemSize));
  }
  return values;
}

export function mergeCommand(files: readonly string[], flags: MergeFlags): void {
  const shards = checkedShards(files.map((file) => readShard(resolve(file))));
  const { run, preview } = shards[0].output;
  const dataset = run.dataset === null ? null : DATASETS.find((name) => name === run.dataset);
  if (dataset === undefined) throw new UsageError(`${shards[0].file} names the data set ${show(run.dataset)}, which is none of ${DATASETS.join(', ')}`);
  const runPng = flags.out ?? pngFileOfShard(shards[0].file);
  if (runPng === null) throw new UsageError(`${shards[0].file} is not named as a shard's output (NAME.shard-I-of-N.samples.json): give --out FILE.png`);
  const pngFile = resolve(runPng);
  const samplesFile = samplesFileOf(pngFile);
  const itemSize = tf.util.sizeFromShape(run.itemShape as number[]);
  const values = interleave(shards, run.count, itemSize);
  const view = samplesView(dataset, run.itemShape);

  makeOutputDirectory(dirname(pngFile));
  writeRunOutput(pngFile, { itemShape: run.itemShape, count: run.count, values, preview }, view.picture);

  const assessed = view.assess(values);
  const seconds = roundSeconds(shards.reduce((sum, shard) => sum + shard.output.seconds, 0));
  const report: MergeReport = {
    dataset: run.dataset,
    model: run.model,
    scheduler: run.scheduler,
    steps: run.steps,
    seed: run.seed,
    generator: run.generator,
    count: run.count,
    backend: run.backend,
    shards: shards.length,
    seconds,
    quality: assessed?.quality ?? null,
    samplesFile,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines = [
    `merged ${shards.length} shards: ${run.count} ${run.dataset ?? 'model'} samples, ${run.steps} ${run.scheduler} steps (seed ${run.seed}, ${run.generator} generator) on ${run.backend}, sampled in ${seconds.toFixed(2)} s over all shards`,
    ...(assessed ? [`quality: ${assessed.summary}`] : []),
    `wrote ${pngFile}`,
    `  and ${samplesFile}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
