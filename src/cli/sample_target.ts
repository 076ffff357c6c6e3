/**
 * What `tfjs-diffusion sample` samples: a built-in data set with its exact denoiser, a model
 * (`--model`) on samples of `--shape` (or the shape it declares), or a model on a data set's
 * samples (`--model ... --dataset ring`: the data set's shape, quality figures and picture).
 */
import { basename, dirname } from 'node:path';
import type { Denoiser, Scheduler } from '../index';
import type { DatasetName } from './cli_options';
import { CLI_DATASETS, type CliDataset } from './datasets';
import { imageGridPicture, isDrawableImage, type PreviewFrame } from './image_grid';
import { loadModelDenoiser } from './model_denoiser';
import { readModelFile } from './model_file';
import { UsageError } from './usage_error';

export interface SampleTarget {
  /** The data set's name, null for a model alone. */
  readonly dataset: DatasetName | null;
  /** The model file, null for an exact denoiser. */
  readonly model: string | null;
  /** What it is called in the text report: the data set's name or the model's. */
  readonly name: string;
  readonly itemShape: readonly number[];
  readonly defaultCount: number;
  readonly defaultBatch: number;
  readonly previewFrames: number;
  denoiser(scheduler: Scheduler): Denoiser;
  /** The data set's figures; null without a data set. */
  assess(values: Float32Array): { quality: object; summary: string } | null;
  picture(values: Float32Array, count: number, preview: readonly PreviewFrame[]): Buffer;
  dispose(): void;
}

/** The data set alone, or null for a model alone; the scheduler options each needs (read before any model loads). */
export function datasetOf(flags: { dataset?: DatasetName; model?: string; shape?: number[] }): DatasetName | null {
  if (flags.dataset !== undefined && flags.shape !== undefined) throw new UsageError(`--shape goes with --model alone: the ${flags.dataset} data set has its own shape`);
  if (flags.model === undefined && flags.shape !== undefined) throw new UsageError('--shape goes with --model: it is the shape of the samples the model makes');
  return flags.dataset ?? (flags.model === undefined ? 'glyphs' : null);
}

function datasetTarget(name: DatasetName, dataset: CliDataset): SampleTarget {
  return { dataset: name, model: null, name, ...dataset, dispose: () => undefined };
}

/** What a model alone samples by default. */
const MODEL_DEFAULTS = { defaultCount: 16, defaultBatch: 16, previewFrames: 10 };

/** How samples are judged and drawn: by their data set, or (a model alone) as a grid of images without figures. */
export function samplesView(datasetName: DatasetName | null, itemShape: readonly number[]): Pick<SampleTarget, 'assess' | 'picture'> {
  if (datasetName !== null) return { assess: CLI_DATASETS[datasetName].assess, picture: CLI_DATASETS[datasetName].picture };
  return { assess: () => null, picture: (values, count, preview) => imageGridPicture(values, count, itemShape, preview) };
}

/** A model's name (and its output files' by default): its folder's name for a model.json, else the file's. */
export function modelName(path: string): string {
  const file = basename(path);
  return file === 'model.json' ? basename(dirname(path)) || 'model' : file.replace(/\.json$/i, '');
}

/** The target of the flags; loads the model (on the active backend) when there is one. */
export async function sampleTarget(flags: { model?: string; shape?: number[] }, datasetName: DatasetName | null): Promise<SampleTarget> {
  const dataset = datasetName === null ? null : CLI_DATASETS[datasetName];
  if (flags.model === undefined) return datasetTarget(datasetName!, dataset!);
  const model = await loadModelDenoiser(readModelFile(flags.model));
  try {
    const itemShape = dataset?.itemShape ?? flags.shape ?? model.itemShape;
    if (itemShape === undefined) throw new UsageError(`--model ${flags.model}: its sample input '${model.sampleInput}' leaves sizes open; give --shape H,W,C`);
    model.checkItemShape(itemShape);
    if (dataset === null && !isDrawableImage(itemShape)) {
      const source = flags.shape ? `--shape ${flags.shape.join(',')}` : `--model ${flags.model}: its samples of shape [${itemShape.join(', ')}]`;
      throw new UsageError(`${source} cannot be drawn: a model's samples are drawn as images, H,W,C with C 1, 3 or 4; give --dataset for a data set's samples (ring: 2-D points)`);
    }
    const base = dataset ?? MODEL_DEFAULTS;
    return {
      dataset: datasetName,
      model: flags.model,
      name: datasetName ?? modelName(flags.model),
      itemShape,
      defaultCount: base.defaultCount,
      defaultBatch: base.defaultBatch,
      previewFrames: base.previewFrames,
      denoiser: () => model.denoiser,
      ...samplesView(datasetName, itemShape),
      dispose: () => model.dispose(),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
