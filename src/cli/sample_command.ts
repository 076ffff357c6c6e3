/**
 * `tfjs-diffusion sample`: sample a data set or a model with any scheduler, in this thread or
 * in worker threads (`--workers`), all of the run or one shard of it (`--shard`); write the PNG
 * and the samples (a shard: its own samples file), whole or not at all; report.
 */
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { planBatches, runSamples } from './batch_plan';
import { runBatches, type BatchResult } from './batch_queue';
import { shardName, type BackendName, type SampleFlags } from './cli_options';
import type { PreviewFrame } from './image_grid';
import { makeOutputDirectory } from './output_directory';
import { progressBar } from './progress';
import { roundRate, roundSeconds } from './rounding';
import { describeRun } from './run_description';
import { samplesFileOf, writeRunOutput } from './run_output';
import { localLane, modelCallsOf } from './run_sampling';
import { chooseRun, loadTarget, samplingJob } from './sample_setup';
import { modelName } from './sample_target';
import { finishedShard, shardFileOf, shardOutputFile } from './shard_output';
import { writeFilesWhole } from './staged_files';
import { UsageError } from './usage_error';
import { workerLanes } from './worker_pool';

/** What `--json` prints: exactly these fields. */
export interface SampleReport {
  dataset: string | null;
  model: string | null;
  scheduler: string;
  steps: number;
  /** The scheduler's eta, null for a class without one. */
  eta: number | null;
  seed: number;
  generator: string;
  count: number;
  backend: string;
  /** The threads that sampled: 1 is this one alone, more are worker threads. */
  workers: number;
  /** `I/N` with --shard, else null. */
  shard: string | null;
  /** A shard whose complete output was there already: nothing was sampled, the figures are those of the run that wrote it. */
  resumed: boolean;
  seconds: number;
  /** Samples of this run (of this shard) per second. */
  samplesPerSecond: number;
  /** The data set's figures (over this shard's samples), null for a model alone or no samples. */
  quality: object | null;
  samplesFile: string;
}

/**
 * Threads without --workers: one per core (each thread runs its own single-threaded backend),
 * but one on tensorflow, whose native ops use every core already, and on webgpu (one GPU).
 */
function defaultWorkers(backend: BackendName): number {
  return backend === 'tensorflow' || backend === 'webgpu' ? 1 : availableParallelism();
}

export async function sampleCommand(flags: SampleFlags): Promise<void> {
  const choice = chooseRun(flags);
  const { entry, scheduler, steps, datasetName } = choice;
  const pngFile = resolve(flags.out ?? `out/${datasetName ?? modelName(flags.model!)}.png`);
  const samplesFile = flags.shard === undefined ? samplesFileOf(pngFile) : shardFileOf(pngFile, flags.shard);

  makeOutputDirectory(dirname(pngFile)); // before sampling: a bad path fails at once
  const target = await loadTarget(flags, choice);
  try {
    const count = flags.count ?? target.defaultCount;
    let calls: number;
    try {
      calls = modelCallsOf(scheduler, steps, target.itemShape);
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(`--steps ${steps} with the ${entry.name} scheduler: ${error.message}`);
      throw error;
    }
    const samples = runSamples(count, flags.shard);
    const wantedWorkers = flags.workers ?? defaultWorkers(flags.backend);
    // Without --batch, an explicit --workers N gets batches small enough to keep N threads busy.
    const defaultBatch = flags.workers === undefined ? target.defaultBatch : Math.min(target.defaultBatch, Math.ceil(samples.length / wantedWorkers));
    const batch = Math.max(1, Math.min(flags.batch ?? defaultBatch, samples.length));
    const batches = planBatches(samples, batch);
    const workers = Math.max(1, Math.min(wantedWorkers, batches.length));
    const run = flags.shard === undefined ? null : describeRun(flags, choice, target.itemShape, count);
    const itemSize = tf.util.sizeFromShape(target.itemShape as number[]);

    const finished = flags.shard === undefined ? null : finishedShard(samplesFile, run!, flags.shard);
    let result: BatchResult;
    let seconds: number;
    if (finished !== null) {
      result = { values: finished.values, preview: [...finished.preview] };
      seconds = finished.seconds;
    } else {
      const label = `${target.name} · ${entry.name} on ${flags.backend}${workers > 1 ? `, ${workers} workers` : ''}${flags.shard ? `, shard ${shardName(flags.shard)}` : ''}`;
      const bar = progressBar(Boolean(process.stdout.isTTY) && !flags.json, batches.length * calls, label);
      const started = performance.now();
      try {
        const lanes = workers === 1 ? [localLane(samplingJob(flags, choice, target))] : workerLanes(workers, flags);
        result = await runBatches(batches, lanes, { itemSize, callsPerBatch: calls, onProgress: bar.update });
      } finally {
        bar.stop();
      }
      seconds = (performance.now() - started) / 1000;
      if (flags.shard !== undefined) {
        const preview: PreviewFrame[] = flags.shard.index === 0 ? result.preview : [];
        writeFilesWhole([shardOutputFile(samplesFile, { run: run!, shard: flags.shard, seconds, preview, values: result.values })]);
      } else {
        writeRunOutput(pngFile, { itemShape: target.itemShape, count, values: result.values, preview: result.preview }, target.picture);
      }
    }

    const assessed = samples.length === 0 ? null : target.assess(result.values);
    const eta = (scheduler.options as { eta?: number }).eta ?? null;
    const report: SampleReport = {
      dataset: target.dataset,
      model: target.model === null ? null : resolve(target.model),
      scheduler: entry.name,
      steps,
      eta,
      seed: flags.seed,
      generator: flags.generator,
      count,
      backend: flags.backend,
      workers,
      shard: flags.shard === undefined ? null : shardName(flags.shard),
      resumed: finished !== null,
      seconds: roundSeconds(seconds),
      samplesPerSecond: roundRate(samples.length / seconds),
      quality: assessed?.quality ?? null,
      samplesFile,
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const noise = [...(eta === null ? [] : [`eta ${eta}`]), `seed ${flags.seed}`, ...(flags.generator === 'nx' ? [] : [`${flags.generator} generator`]), `batches of ${batch}`];
    const which = flags.shard === undefined ? `${count}` : `${samples.length} of ${count}`;
    const where = `${flags.backend}${workers > 1 ? `, ${workers} workers` : ''}`;
    const figures = finished === null ? `${report.seconds.toFixed(2)} s, ${report.samplesPerSecond} samples/s` : 'complete already, not sampled again';
    const lines = [
      `${which} ${target.name} samples${report.shard === null ? '' : ` (shard ${report.shard})`}, ${steps} ${entry.name} steps (${noise.join(', ')}) on ${where}: ${figures}`,
      ...(assessed ? [`quality: ${assessed.summary}`] : []),
      ...(flags.shard === undefined
        ? [`wrote ${pngFile}`, `  and ${samplesFile}`]
        : [`${finished === null ? 'wrote' : 'kept'} ${samplesFile}`, `merge the ${flags.shard.count} shards with: tfjs-diffusion merge ${shardFileOf(pngFile, { index: '*', count: flags.shard.count })}`]),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    target.dispose();
  }
}
