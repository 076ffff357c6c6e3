/**
 * The flags of `tfjs-ddim sample`: how each is read and checked. A bad value throws commander's
 * InvalidArgumentError, which commander reports on one line naming the flag and the value.
 */
import { InvalidArgumentError } from 'commander';

export const DATASETS = ['glyphs', 'ring'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const BACKENDS = ['cpu', 'wasm', 'tensorflow', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The flags as commander hands them over; count and batch default per data set. */
export interface SampleFlags {
  dataset: DatasetName;
  steps: number;
  eta: number;
  seed: number;
  count?: number;
  batch?: number;
  backend: BackendName;
  out?: string;
  json: boolean;
}

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
