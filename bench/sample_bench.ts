/**
 * Whole runs on the active backend, as `tfjs-ddim sample` makes them (its `runSampling`: DDIM
 * with eta 0, one `sample()` per batch, the samples read back at the end of each): samples per
 * second with the exact glyph denoiser (the command's default run: 64 glyphs, 50 steps) and with
 * the ring MLP of examples/node/ring_mlp.ts (fixtures/ring_mlp.json, the dense layers of a real
 * model: 4000 points, 50 steps). Each run also gives its quality figure, so that a fast run that
 * samples nonsense shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ringMlpDenoiser, ringMlpFromJson, type RingMlpWeights } from '../examples/node/ring_mlp';
import { DdimScheduler, type Denoiser } from '../src';
import { CLI_DATASETS } from '../src/cli/datasets';
import { runSampling } from '../src/cli/run_sampling';
import { ringQuality } from '../src/denoisers/ring_quality';
import { median } from './timing';

const SAMPLE_RUN_STEPS = 50;

export interface SampleRunFigures {
  readonly backend: string;
  readonly model: string;
  readonly count: number;
  readonly steps: number;
  /** Median over the timed runs (the first run, which compiles, is not timed). */
  readonly seconds: number;
  readonly samplesPerSecond: number;
  readonly runs: number;
  /** Share of samples near the data (a glyph within RMS 0.1, a ring mean within 0.2). */
  readonly shareNearData: number;
}

interface RunSpec {
  readonly model: string;
  readonly itemShape: readonly number[];
  readonly count: number;
  readonly previewFrames: number;
  /** The scheduler and denoiser, and what to dispose after. */
  make(): { scheduler: DdimScheduler; denoiser: Denoiser; dispose(): void };
  shareNearData(values: Float32Array): number;
}

const glyphs = CLI_DATASETS.glyphs;
const ringWeights = (): RingMlpWeights => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ring_mlp.json'), 'utf8'));

const SPECS: readonly RunSpec[] = [
  {
    model: 'glyphs, exact denoiser',
    itemShape: glyphs.itemShape,
    count: glyphs.defaultCount,
    previewFrames: glyphs.previewFrames,
    make: () => {
      const scheduler = new DdimScheduler(glyphs.schedulerOptions);
      return { scheduler, denoiser: glyphs.denoiser(scheduler), dispose: () => undefined };
    },
    shareNearData: (values) => (glyphs.assess(values).quality as { shareNearGlyph: number }).shareNearGlyph,
  },
  {
    model: 'ring, MLP (fixtures/ring_mlp.json)',
    itemShape: [2],
    count: CLI_DATASETS.ring.defaultCount,
    previewFrames: 0,
    make: () => {
      const model = ringMlpFromJson(ringWeights());
      const scheduler = new DdimScheduler(CLI_DATASETS.ring.schedulerOptions);
      return { scheduler, denoiser: ringMlpDenoiser(model, scheduler), dispose: () => model.dispose() };
    },
    shareNearData: (values) => ringQuality(values).shareNearMean,
  },
];

/** Both runs on the active backend, `runs` timed runs each after one untimed; `label` names the backend in the figures. */
export async function benchSampleRuns(runs: number, label = tf.getBackend()): Promise<SampleRunFigures[]> {
  const figures: SampleRunFigures[] = [];
  for (const spec of SPECS) {
    const { scheduler, denoiser, dispose } = spec.make();
    const seconds: number[] = [];
    let share = 0;
    for (let run = 0; run <= runs; run++) {
      const result = await runSampling({
        scheduler, denoiser, itemShape: spec.itemShape, steps: SAMPLE_RUN_STEPS, seed: run, count: spec.count, batch: spec.count, previewFrames: spec.previewFrames,
      });
      if (run > 0) seconds.push(result.seconds);
      share = spec.shareNearData(result.values);
    }
    dispose();
    const middle = median(seconds);
    figures.push({ backend: label, model: spec.model, count: spec.count, steps: SAMPLE_RUN_STEPS, seconds: middle, samplesPerSecond: spec.count / middle, runs, shareNearData: share });
  }
  return figures;
}
