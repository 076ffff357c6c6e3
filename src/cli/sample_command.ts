/** `tfjs-ddim sample`: sample a data set with its exact denoiser, write the PNG and the samples, report. */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DdimScheduler } from '../index';
import { useBackend } from './backend';
import type { SampleFlags } from './cli_options';
import { CLI_DATASETS } from './datasets';
import { makeOutputDirectory } from './output_directory';
import { progressBar } from './progress';
import { runSampling } from './run_sampling';

/** What `--json` prints: exactly these fields. */
export interface SampleReport {
  dataset: string;
  steps: number;
  eta: number;
  seed: number;
  count: number;
  backend: string;
  seconds: number;
  samplesPerSecond: number;
  quality: object;
  samplesFile: string;
}

export async function sampleCommand(flags: SampleFlags): Promise<void> {
  const dataset = CLI_DATASETS[flags.dataset];
  const count = flags.count ?? dataset.defaultCount;
  const batch = Math.min(flags.batch ?? dataset.defaultBatch, count);
  const pngFile = resolve(flags.out ?? `out/${flags.dataset}.png`);
  const samplesFile = pngFile.replace(/\.png$/i, '.samples.json');

  makeOutputDirectory(dirname(pngFile)); // before sampling: a bad path fails at once
  await useBackend(flags.backend);
  const scheduler = new DdimScheduler({ ...dataset.schedulerOptions, eta: flags.eta });
  const chunks = Math.ceil(count / batch);
  const bar = progressBar(Boolean(process.stdout.isTTY) && !flags.json, chunks * flags.steps, `${flags.dataset} on ${flags.backend}`);
  let result;
  try {
    result = await runSampling({
      scheduler,
      denoiser: dataset.denoiser(scheduler),
      itemShape: dataset.itemShape,
      steps: flags.steps,
      seed: flags.seed,
      count,
      batch,
      previewFrames: dataset.previewFrames,
      onProgress: bar.update,
    });
  } finally {
    bar.stop();
  }

  const { quality, summary } = dataset.assess(result.values);
  writeFileSync(pngFile, dataset.picture(result.values, count, result.preview));
  writeFileSync(samplesFile, JSON.stringify({ shape: [count, ...dataset.itemShape], values: Array.from(result.values) }));

  const report: SampleReport = {
    dataset: flags.dataset,
    steps: flags.steps,
    eta: flags.eta,
    seed: flags.seed,
    count,
    backend: flags.backend,
    seconds: result.seconds,
    samplesPerSecond: count / result.seconds,
    quality,
    samplesFile,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines = [
    `${count} ${flags.dataset} samples, ${flags.steps} DDIM steps (eta ${flags.eta}, seed ${flags.seed}, batches of ${batch}) on ${flags.backend}: ` +
      `${result.seconds.toFixed(2)} s, ${report.samplesPerSecond.toFixed(1)} samples/s`,
    `quality: ${summary}`,
    `wrote ${pngFile}`,
    `  and ${samplesFile}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
