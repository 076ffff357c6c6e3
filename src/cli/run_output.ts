/**
 * What a whole run writes: its PNG, and beside it FILE.samples.json with `{ shape, values }`.
 * `sample` without --shard writes them from its samples, `merge` from the shards' samples in
 * order: one function, so that the two are the same files byte for byte.
 */
import type { PreviewFrame } from './image_grid';
import type { SampleTarget } from './sample_target';
import { writeSamples } from './samples_file';
import { writeAll, writeFilesWhole } from './staged_files';

/** The samples file beside a run's PNG: out/glyphs.png holds its samples in out/glyphs.samples.json. */
export function samplesFileOf(pngFile: string): string {
  return pngFile.replace(/\.png$/i, '.samples.json');
}

/** A run's samples: `count` items of `itemShape`, flat, and the preview of its first sample. */
export interface RunSamples {
  readonly itemShape: readonly number[];
  readonly count: number;
  readonly values: Float32Array;
  readonly preview: readonly PreviewFrame[];
}

/** Writes the run's samples file and its PNG (drawn by `picture`), both whole or neither. */
export function writeRunOutput(pngFile: string, samples: RunSamples, picture: SampleTarget['picture']): void {
  const { itemShape, count, values, preview } = samples;
  writeFilesWhole([
    { path: samplesFileOf(pngFile), write: (fd) => writeSamples(fd, { shape: [count, ...itemShape] }, values) },
    { path: pngFile, write: (fd) => writeAll(fd, picture(values, count, preview)) },
  ]);
}
