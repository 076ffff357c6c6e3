/**
 * The picture of image samples (glyphs, or a model's H x W x C samples): on top, a strip
 * following the first sample through the run (its noisy x_t above, its predicted x0 below, at a
 * few steps), then a grid of the samples. Values in [-1, 1] (clipped) map to [0, 255].
 */
import * as tf from '@tensorflow/tfjs-core';
import { Canvas, type Rgb } from './canvas';

/** The first sample of a run at one step: x_t and the predicted x0, one item's values each. */
export interface PreviewFrame {
  index: number;
  sample: Float32Array;
  denoised: Float32Array;
}

export interface ImageGridStyle {
  /** Draw +1 dark and -1 light (ink on paper, the glyphs) instead of +1 light. */
  readonly ink?: boolean;
}

/** At most this many samples go into the grid (the samples file holds them all). */
const GRID_LIMIT = 144;
const GRID_COLUMNS = 12;
/** About this many pixels a side per image: small images are drawn larger. */
const CELL_TARGET = 48;
const GAP = 4;
const MARGIN = 8;
const STRIP_GAP = 16; // between the strip and the grid
const PAGE: Rgb = [224, 224, 224];

/** Whether an item shape is an image the grid can draw: [H, W, C] with 1 (grey), 3 (RGB) or 4 (RGBA, drawn opaque) channels. */
export function isDrawableImage(itemShape: readonly number[]): boolean {
  return itemShape.length === 3 && [1, 3, 4].includes(itemShape[2]);
}

/** Draws one image of the flat `values` from `offset` with its top-left corner at (left, top). */
function drawImage(canvas: Canvas, values: ArrayLike<number>, offset: number, itemShape: readonly number[], scale: number, left: number, top: number, ink: boolean): void {
  const [height, width, channels] = itemShape;
  const level = (value: number) => {
    const clipped = Math.min(1, Math.max(-1, value)); // NaN stays NaN and draws as 0
    return Math.round(((ink ? 1 - clipped : 1 + clipped) / 2) * 255) || 0;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const pixel = offset + (y * width + x) * channels;
      const grey = level(values[pixel]);
      const color: Rgb = channels === 1 ? [grey, grey, grey] : [grey, level(values[pixel + 1]), level(values[pixel + 2])];
      canvas.fillRect(left + x * scale, top + y * scale, scale, scale, color);
    }
  }
}

/** The PNG of `count` image samples of `itemShape` (flat values) and the preview strip. */
export function imageGridPicture(values: Float32Array, count: number, itemShape: readonly number[], preview: readonly PreviewFrame[], style: ImageGridStyle = {}): Buffer {
  const [height, width] = itemShape;
  const itemSize = tf.util.sizeFromShape(itemShape as number[]);
  const scale = Math.max(1, Math.round(CELL_TARGET / Math.max(height, width)));
  const shown = Math.min(count, GRID_LIMIT);
  const columns = Math.min(GRID_COLUMNS, Math.ceil(Math.sqrt(shown)));
  const rows = Math.ceil(shown / columns);
  const [pitchX, pitchY] = [width * scale + GAP, height * scale + GAP];
  const stripHeight = preview.length > 0 ? 2 * pitchY - GAP + STRIP_GAP : 0;
  const canvas = new Canvas(2 * MARGIN + Math.max(columns, preview.length) * pitchX - GAP, 2 * MARGIN + stripHeight + rows * pitchY - GAP, PAGE);
  const ink = style.ink ?? false;
  preview.forEach((frame, column) => {
    drawImage(canvas, frame.sample, 0, itemShape, scale, MARGIN + column * pitchX, MARGIN, ink);
    drawImage(canvas, frame.denoised, 0, itemShape, scale, MARGIN + column * pitchX, MARGIN + pitchY, ink);
  });
  const gridTop = MARGIN + stripHeight;
  for (let i = 0; i < shown; i++) {
    drawImage(canvas, values, i * itemSize, itemShape, scale, MARGIN + (i % columns) * pitchX, gridTop + Math.floor(i / columns) * pitchY, ink);
  }
  return canvas.toPng();
}
