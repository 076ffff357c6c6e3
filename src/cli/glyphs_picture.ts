/**
 * The picture of a glyphs run: on top, a strip following the first sample through the run
 * (its noisy x_t above, its predicted x0 below, at a few steps), then a grid of the samples.
 */
import { GLYPH_SIZE } from '../denoisers/glyphs';
import { Canvas, type Rgb } from './canvas';

/** The first sample of a run at one step: x_t and the predicted x0, 256 values each. */
export interface PreviewFrame {
  index: number;
  sample: Float32Array;
  denoised: Float32Array;
}

/** At most this many samples go into the grid (the samples file holds them all). */
export const GRID_LIMIT = 144;
const GRID_COLUMNS = 12;
const SCALE = 3; // pixels of the picture per pixel of a glyph
const CELL = GLYPH_SIZE * SCALE;
const GAP = 4;
const MARGIN = 8;
const STRIP_GAP = 16; // between the strip and the grid
const PAGE: Rgb = [224, 224, 224];

/** Draws one glyph image with its top-left corner at (left, top): ink (+1) black, paper (-1) white. */
function drawGlyph(canvas: Canvas, values: ArrayLike<number>, offset: number, left: number, top: number): void {
  for (let y = 0; y < GLYPH_SIZE; y++) {
    for (let x = 0; x < GLYPH_SIZE; x++) {
      const value = Math.min(1, Math.max(-1, values[offset + y * GLYPH_SIZE + x]));
      const level = Math.round(((1 - value) / 2) * 255);
      canvas.fillRect(left + x * SCALE, top + y * SCALE, SCALE, SCALE, [level, level, level]);
    }
  }
}

/** The PNG of `count` glyph samples (flat values, 256 each) and the preview strip. */
export function glyphsPicture(values: Float32Array, count: number, preview: readonly PreviewFrame[]): Buffer {
  const shown = Math.min(count, GRID_LIMIT);
  const columns = Math.min(GRID_COLUMNS, Math.ceil(Math.sqrt(shown)));
  const rows = Math.ceil(shown / columns);
  const pitch = CELL + GAP;
  const stripHeight = preview.length > 0 ? 2 * pitch - GAP + STRIP_GAP : 0;
  const width = 2 * MARGIN + Math.max(columns, preview.length) * pitch - GAP;
  const height = 2 * MARGIN + stripHeight + rows * pitch - GAP;
  const canvas = new Canvas(width, height, PAGE);
  preview.forEach((frame, column) => {
    drawGlyph(canvas, frame.sample, 0, MARGIN + column * pitch, MARGIN);
    drawGlyph(canvas, frame.denoised, 0, MARGIN + column * pitch, MARGIN + pitch);
  });
  const gridTop = MARGIN + stripHeight;
  for (let i = 0; i < shown; i++) {
    drawGlyph(canvas, values, i * GLYPH_SIZE * GLYPH_SIZE, MARGIN + (i % columns) * pitch, gridTop + Math.floor(i / columns) * pitch);
  }
  return canvas.toPng();
}
