/** The data sets `tfjs-diffusion sample` knows: their exact denoiser, quality figures and picture. */
import { glyphsQuality } from '../denoisers/glyphs_quality';
import { ringQuality } from '../denoisers/ring_quality';
import type { ScheduleSource } from '../denoisers/schedule_source';
import { GLYPH_SHAPE, glyphsDenoiser, ringDenoiser, type Denoiser, type Scheduler } from '../index';
import type { DatasetName } from './cli_options';
import { imageGridPicture, type PreviewFrame } from './image_grid';
import { ringPicture } from './ring_picture';
import { roundShare } from './rounding';

export interface CliDataset {
  /** Shape of one sample. */
  itemShape: readonly number[];
  defaultCount: number;
  defaultBatch: number;
  /** Scheduler options the data need, set where the scheduler class has them. */
  schedulerOptions: Readonly<Record<string, unknown>>;
  /** The exact denoiser for the scheduler's forward process and prediction type. */
  denoiser(scheduler: Scheduler): Denoiser;
  /** How many steps of the first sample the picture shows (0: none). */
  previewFrames: number;
  /** The quality figures for --json (shares rounded to what `count` samples resolve), and one line for people. */
  assess(values: Float32Array): { quality: object; summary: string };
  /** The PNG of `count` samples. */
  picture(values: Float32Array, count: number, preview: readonly PreviewFrame[]): Buffer;
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
const RING_DISTANCE = 0.2;

/** The exact denoisers read what they need of the scheduler (alpha-bars, prediction type) and check it themselves. */
const scheduleOf = (scheduler: Scheduler) => scheduler as unknown as ScheduleSource;

export const CLI_DATASETS: Record<DatasetName, CliDataset> = {
  glyphs: {
    itemShape: GLYPH_SHAPE,
    defaultCount: 64,
    defaultBatch: 64,
    schedulerOptions: {},
    denoiser: (scheduler) => glyphsDenoiser(scheduleOf(scheduler)),
    previewFrames: 10,
    assess(values) {
      const measured = glyphsQuality(values);
      const count = values.length / 256;
      const quality = { ...measured, shareNearGlyph: roundShare(measured.shareNearGlyph, count), sharePerGlyph: measured.sharePerGlyph.map((share) => roundShare(share, count)) };
      const perGlyph = measured.sharePerGlyph.map((share, digit) => `${digit}: ${percent(share)}`).join(', ');
      return { quality, summary: `${percent(measured.shareNearGlyph)} within RMS ${measured.rmsDistance} of a glyph (per digit ${perGlyph}; fair is 10%)` };
    },
    picture: (values, count, preview) => imageGridPicture(values, count, GLYPH_SHAPE, preview, { ink: true }),
  },
  ring: {
    itemShape: [2],
    defaultCount: 4000,
    defaultBatch: 4000,
    // The data lie at radius 2, outside the default clip range [-1, 1] of the predicted x0.
    schedulerOptions: { clipDenoisedSample: false },
    denoiser: (scheduler) => ringDenoiser(scheduleOf(scheduler)),
    previewFrames: 0,
    assess(values) {
      const measured = ringQuality(values, RING_DISTANCE);
      const count = values.length / 2;
      const quality = { ...measured, shareNearMean: roundShare(measured.shareNearMean, count), sharePerMean: measured.sharePerMean.map((share) => roundShare(share, count)) };
      const perMean = measured.sharePerMean.map(percent).join(', ');
      return { quality, summary: `${percent(measured.shareNearMean)} within ${measured.distance} of a mean (per mean ${perMean}; fair is 12.5%)` };
    },
    picture: (values) => ringPicture(values, RING_DISTANCE),
  },
};
