/**
 * What makes a run's samples what they are, written into each shard's output so that `merge`
 * joins only shards of one run and a rerun of a shard knows its output: the package version,
 * the data set, the model's content, the scheduler with every option resolved, the steps, the
 * seed and generator, the count and the backend. Not the batch size, the worker count or the
 * shard count, which change no sample. Kept as JSON, compared as JSON.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { version } from '../../package.json';
import type { SampleFlags } from './cli_options';
import type { RunChoice } from './sample_setup';

export interface RunDescription {
  readonly version: string;
  readonly dataset: string | null;
  /** sha256 of model.json and its weight files, in the manifest's order; null without a model. */
  readonly model: string | null;
  readonly itemShape: readonly number[];
  readonly scheduler: string;
  readonly schedulerOptions: Readonly<Record<string, unknown>>;
  readonly steps: number;
  readonly seed: number;
  readonly generator: string;
  readonly count: number;
  readonly backend: string;
}

/** The content of a model: model.json and the weight files its manifest names (a path may differ between machines). */
function modelDigest(path: string): string {
  const hash = createHash('sha256');
  const json = readFileSync(path);
  hash.update(json);
  const manifest = (JSON.parse(json.toString('utf8')) as { weightsManifest?: Array<{ paths: string[] }> }).weightsManifest ?? [];
  for (const group of manifest) for (const file of group.paths) hash.update(readFileSync(resolve(dirname(path), file)));
  return hash.digest('hex');
}

/** Typed arrays (trainedBetas) as arrays, so that the JSON compares by value. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_, item) => (ArrayBuffer.isView(item) ? Array.from(item as Float64Array) : item)));

export function describeRun(flags: SampleFlags, choice: RunChoice, itemShape: readonly number[], count: number): RunDescription {
  return asJson({
    version,
    dataset: choice.datasetName,
    model: flags.model === undefined ? null : modelDigest(flags.model),
    itemShape,
    scheduler: choice.entry.name,
    schedulerOptions: choice.scheduler.options,
    steps: choice.steps,
    seed: flags.seed,
    generator: flags.generator,
    count,
    backend: flags.backend,
  }) as RunDescription;
}

/** Where two runs differ: the first field (a path such as `schedulerOptions.eta`) whose values differ. */
export interface RunDifference {
  readonly field: string;
  readonly first: unknown;
  readonly second: unknown;
}

function firstDifference(first: unknown, second: unknown, field: string): RunDifference | null {
  const isRecord = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isRecord(first) && isRecord(second)) {
    for (const key of new Set([...Object.keys(first as object), ...Object.keys(second as object)])) {
      const found = firstDifference((first as Record<string, unknown>)[key], (second as Record<string, unknown>)[key], field === '' ? key : `${field}.${key}`);
      if (found !== null) return found;
    }
    return null;
  }
  return JSON.stringify(first) === JSON.stringify(second) ? null : { field, first, second };
}

/** The first field in which two runs differ (e.g. seed 7 and 8); null for the same run. */
export function runDifference(first: RunDescription, second: RunDescription): RunDifference | null {
  return firstDifference(first, second, '');
}
