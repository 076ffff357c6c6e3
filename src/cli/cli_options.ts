/**
 * The flags of `tfjs-diffusion sample`: how each is read and checked. A bad value throws
 * commander's InvalidArgumentError, which commander reports on one line naming the flag and the value.
 */
import { InvalidArgumentError } from 'commander';
import * as tf from '@tensorflow/tfjs-core';

export const DATASETS = ['glyphs', 'ring'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const BACKENDS = ['cpu', 'wasm', 'tensorflow', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Where the noise comes from: the Nx/JAX threefry stream (Bumblebee's), or torch's CPU generator (diffusers'). */
export const GENERATORS = ['nx', 'torch'] as const;
export type GeneratorName = (typeof GENERATORS)[number];

/** The flags as commander hands them over; what is left out defaults per scheduler, data set or model. */
export interface SampleFlags {
  scheduler?: string;
  schedulerConfig?: string;
  dataset?: DatasetName;
  model?: string;
  shape?: number[];
  steps?: number;
  eta?: number;
  seed: number;
  generator: GeneratorName;
  count?: number;
  batch?: number;
  backend: BackendName;
  out?: string;
  json: boolean;
  /** Worker threads (default: the cores, at most one per batch; 1 on tensorflow and webgpu). */
  workers?: number;
  /** Run only the samples i with i mod count = index, into the shard's own samples file. */
  shard?: ShardSpec;
}

/** `--shard I/N`: shard I of N. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** The most shards: one per sample of the largest --count. */
const MAX_SHARDS = 1_000_000;

/** A reader of `--shard I/N` for commander: integers with 0 <= I < N. */
export function shardSpec(value: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!match) throw new InvalidArgumentError('It must be I/N, the shard index I and the number of shards N, integers with 0 <= I < N (e.g. 0/4).');
  const [index, count] = [Number(match[1]), Number(match[2])];
  if (count < 1 || count > MAX_SHARDS) throw new InvalidArgumentError(`The number of shards N must be an integer in [1, ${MAX_SHARDS}].`);
  if (index >= count) throw new InvalidArgumentError(`The shard index I must be below N: 0 to ${count - 1} for ${count} shards.`);
  return { index, count };
}

/** `I/N`, as the flag takes it. */
export const shardName = (shard: ShardSpec) => `${shard.index}/${shard.count}`;

/** A reader of integers in [min, max] for commander; `maxText` writes max in the message. */
export function integerIn(min: number, max: number, maxText = String(max)): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\s*[+-]?\d+\s*$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`It must be an integer in [${min}, ${maxText}].`);
    }
    return number;
  };
}

/** A reader of finite numbers >= 0 for commander. */
export function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError('It must be a number >= 0.');
  return number;
}

/** A reader of the PNG path for commander. */
export function pngPath(value: string): string {
  if (!/\.png$/i.test(value) || value.length <= 4) throw new InvalidArgumentError('It must be a file name ending in .png.');
  return value;
}

/** The most values one sample may hold: a 1024 x 1024 RGBA image. */
const MAX_ITEM_SIZE = 4 * 1024 * 1024;

/** A reader of one sample's shape, `H,W,C` (any rank): positive integers separated by commas. */
export function shapeList(value: string): number[] {
  const sizes = value.split(',').map((part) => part.trim());
  const shape = sizes.map(Number);
  if (!sizes.every((part) => /^\d+$/.test(part)) || shape.some((size) => size < 1)) {
    throw new InvalidArgumentError('It must be positive integers separated by commas, e.g. 64,64,3 (height, width, channels).');
  }
  if (tf.util.sizeFromShape(shape) > MAX_ITEM_SIZE) {
    throw new InvalidArgumentError(`A sample may hold at most ${MAX_ITEM_SIZE} values.`);
  }
  return shape;
}
