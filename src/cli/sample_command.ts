/** `tfjs-diffusion sample`: sample a data set or a model with any scheduler, write the PNG and the samples, report. */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { useBackend } from './backend';
import type { SampleFlags } from './cli_options';
import { CLI_DATASETS } from './datasets';
import { makeOutputDirectory } from './output_directory';
import { progressBar } from './progress';
import { roundRate, roundSeconds } from './rounding';
import { modelCallsOf, runSampling } from './run_sampling';
import { datasetOf, modelName, sampleTarget } from './sample_target';
import { chooseScheduler } from './scheduler_choice';
import { UsageError } from './usage_error';

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
  seconds: number;
  samplesPerSecond: number;
  /** The data set's figures, null for a model alone. */
  quality: object | null;
  samplesFile: string;
}

export async function sampleCommand(flags: SampleFlags): Promise<void> {
  const datasetName = datasetOf(flags);
  const { entry, scheduler } = chooseScheduler(flags, datasetName === null ? {} : CLI_DATASETS[datasetName].schedulerOptions);
  const steps = flags.steps ?? entry.defaultSteps;
  const pngFile = resolve(flags.out ?? `out/${datasetName ?? modelName(flags.model!)}.png`);
  const samplesFile = pngFile.replace(/\.png$/i, '.samples.json');

  makeOutputDirectory(dirname(pngFile)); // before sampling: a bad path fails at once
  await useBackend(flags.backend);
  const target = await sampleTarget(flags, datasetName);
  try {
    const count = flags.count ?? target.defaultCount;
    const batch = Math.min(flags.batch ?? target.defaultBatch, count);

    let calls: number;
    try {
      calls = modelCallsOf(scheduler, steps, target.itemShape);
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(`--steps ${steps} with the ${entry.name} scheduler: ${error.message}`);
      throw error;
    }
    const chunks = Math.ceil(count / batch);
    const bar = progressBar(Boolean(process.stdout.isTTY) && !flags.json, chunks * calls, `${target.name} · ${entry.name} on ${flags.backend}`);
    let result;
    try {
      result = await runSampling({
        scheduler,
        denoiser: target.denoiser(scheduler),
        itemShape: target.itemShape,
        steps,
        seed: flags.seed,
        generator: flags.generator,
        count,
        batch,
        previewFrames: target.previewFrames,
        onProgress: bar.update,
      });
    } finally {
      bar.stop();
    }

    const assessed = target.assess(result.values);
    writeFileSync(pngFile, target.picture(result.values, count, result.preview));
    writeFileSync(samplesFile, JSON.stringify({ shape: [count, ...target.itemShape], values: Array.from(result.values) }));

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
      seconds: roundSeconds(result.seconds),
      samplesPerSecond: roundRate(count / result.seconds),
      quality: assessed?.quality ?? null,
      samplesFile,
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const noise = [...(eta === null ? [] : [`eta ${eta}`]), `seed ${flags.seed}`, ...(flags.generator === 'nx' ? [] : [`${flags.generator} generator`]), `batches of ${batch}`];
    const lines = [
      `${count} ${target.name} samples, ${steps} ${entry.name} steps (${noise.join(', ')}) on ${flags.backend}: ` +
        `${report.seconds.toFixed(2)} s, ${report.samplesPerSecond} samples/s`,
      ...(assessed ? [`quality: ${assessed.summary}`] : []),
      `wrote ${pngFile}`,
      `  and ${samplesFile}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    target.dispose();
  }
}
