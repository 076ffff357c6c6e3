/** The data sets `tfjs-ddim sample` knows: their exact denoiser, quality figures and picture. */
import { glyphsQuality } from '../denoisers/glyphs_quality';
import { ringQuality } from '../denoisers/ring_quality';
import { GLYPH_SHAPE, glyphsDenoiser, ringDenoiser, type DdimOptions, type DdimScheduler, type Denoiser } from '../index';
import type { DatasetName } from './cli_options';
import { glyphsPicture, type PreviewFrame } from './glyphs_picture';
import { ringPicture } from './ring_picture';

export interface CliDataset {
  /** Shape of one sample. */
  itemShape: readonly number[];
  defaultCount: number;
  defaultBatch: number;
  /** Scheduler options besides eta. */
  schedulerOptions: DdimOptions;
  denoiser(scheduler: DdimScheduler): Denoiser;
  /** How many steps of the first sample the picture shows (0: none). */
  previewFrames: number;
  /** The quality figures for --json, and one line for people. */
  assess(values: Float32Array): { quality: object; summary: string };
  /** The PNG of `count` samples. */
  picture(values: Float32Array, count: number, preview: readonly PreviewFrame[]): Buffer;
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
const RING_DISTANCE = 0.2;

export const CLI_DATASETS: Record<DatasetName, CliDataset> = {
  glyphs: {
    itemShape: GLYPH_SHAPE,
    defaultCount: 64,
    defaultBatch: 64,
    schedulerOptions: {},
    denoiser: glyphsDenoiser,
    previewFrames: 10,
    assess(values) {
      const quality = glyphsQuality(values);
      const perGlyph = quality.sharePerGlyph.map((share, digit) => `${digit}: ${percent(share)}`).join(', ');
      return { quality, summary: `${percent(quality.shareNearGlyph)} within RMS ${quality.rmsDistance} of a glyph (per digit ${perGlyph}; fair is 10%)` };
    },
    picture: glyphsPicture,
  },
  ring: {
    itemShape: [2],
    defaultCount: 4000,
    defaultBatch: 4000,
    // The data lie at radius 2, outside the default clip range [-1, 1] of the predicted x0.
    schedulerOptions: { clipDenoisedSample: false },
    denoiser: ringDenoiser,
    previewFrames: 0,
    assess(values) {
      const quality = ringQuality(values, RING_DISTANCE);
      const perMean = quality.sharePerMean.map(percent).join(', ');
      return { quality, summary: `${percent(quality.shareNearMean)} within ${quality.distance} of a mean (per mean ${perMean}; fair is 12.5%)` };
    },
    picture: (values) => ringPicture(values, RING_DISTANCE),
  },
};

