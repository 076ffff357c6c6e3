/**
 * A shard's output (`sample --shard I/N`): one samples file named by its shard, where the whole
 * run's files would go (--out out/glyphs.png: out/glyphs.shard-1-of-3.samples.json). Before
 * `{ shape, values }` of its samples (in order: I, I + N, ...) it holds the run's description,
 * the shard, its sampling time and, in shard 0, the preview of sample 0: all that `merge`
 * needs to write the files one run would have written.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { ShardSpec } from './cli_options';
import type { PreviewFrame } from './image_grid';
import { runDifference, type RunDescription } from './run_description';
import { readSamples, writeSamples } from './samples_file';
import type { OutputFile } from './staged_files';

export interface ShardOutput {
  readonly run: RunDescription;
  readonly shard: ShardSpec;
  /** Wall time of its sampling. */
  readonly seconds: number;
  readonly preview: readonly PreviewFrame[];
  /** Its samples, flat, in order. */
  readonly values: Float32Array;
}

const SHARD_FILE = /\.shard-(\d+)-of-(\d+)\.samples\.json$/i;

/** The shard's samples file for the run's PNG (an index of '*' makes the shell pattern of them all). */
export function shardFileOf(pngFile: string, shard: { index: number | '*'; count: number }): string {
  return pngFile.replace(/\.png$/i, `.shard-${shard.index}-of-${shard.count}.samples.json`);
}

/** The run's PNG that a shard file's name belongs to; null for a file not named as a shard's. */
export function pngFileOfShard(file: string): string | null {
  return SHARD_FILE.test(file) ? file.replace(SHARD_FILE, '.png') : null;
}

export function shardOutputFile(path: string, output: ShardOutput): OutputFile {
  const header = {
    run: output.run,
    shard: `${output.shard.index}/${output.shard.count}`,
    seconds: output.seconds,
    preview: output.preview.map((frame) => ({ index: frame.index, sample: Array.from(frame.sample), denoised: Array.from(frame.denoised) })),
    shape: [output.values.length / tf.util.sizeFromShape(output.run.itemShape as number[]), ...output.run.itemShape],
  };
  return { path, write: (fd) => writeSamples(fd, header, output.values) };
}

/** A shard's output as written; a file that is none (or is damaged) throws, saying why. */
export function readShardOutput(path: string): ShardOutput {
  const { header, values } = readSamples(path);
  const { run, shard, seconds, preview } = header as { run?: RunDescription; shard?: unknown; seconds?: unknown; preview?: unknown };
  const spec = typeof shard === 'string' ? /^(\d+)\/(\d+)$/.exec(shard) : null;
  if (typeof run !== 'object' || run === null || spec === null || typeof seconds !== 'number' || !Array.isArray(preview)) {
    throw new Error(`${path} is no shard's output (written by tfjs-diffusion sample --shard I/N): it lacks the run's description`);
  }
  const frames = (preview as Array<{ index: number; sample: number[]; denoised: number[] }>).map((frame) => ({
    index: frame.index,
    sample: Float32Array.from(frame.sample),
    denoised: Float32Array.from(frame.denoised),
  }));
  return { run, shard: { index: Number(spec[1]), count: Number(spec[2]) }, seconds, preview: frames, values };
}

/** The output of this shard of this run where it is already complete at `path` (a rerun skips it); null otherwise. */
export function finishedShard(path: string, run: RunDescription, shard: ShardSpec): ShardOutput | null {
  if (!existsSync(path)) return null;
  let output: ShardOutput;
  try {
    output = readShardOutput(path);
  } catch {
    return null; // not a shard's output, or damaged: sampled again and replaced
  }
  const same = runDifference(output.run, run) === null && output.shard.index === shard.index && output.shard.count === shard.count;
  return same ? output : null;
}
