/** The picture of a ring run: a scatter plot of the samples over the 8 means and their 0.2 circles. */
import { ringMeans } from '../denoisers/ring';
import { Canvas, type Rgb } from './canvas';

const SIZE = 512;
const EXTENT = 2.75; // the plot shows [-EXTENT, EXTENT]^2
const AXES: Rgb = [215, 215, 215];
const CIRCLE: Rgb = [220, 70, 60];
const POINT: Rgb = [30, 70, 160];

/** Pixel coordinates of a point of the plane. */
function toPixel(x: number, y: number): [number, number] {
  return [((x + EXTENT) / (2 * EXTENT)) * SIZE, ((EXTENT - y) / (2 * EXTENT)) * SIZE];
}

/** The PNG of ring samples given as flat [x0, y0, x1, y1, ...] values; `radius` is the quality radius drawn around each mean. */
export function ringPicture(values: Float32Array, radius: number): Buffer {
  const canvas = new Canvas(SIZE, SIZE, [255, 255, 255]);
  const [originX, originY] = toPixel(0, 0);
  canvas.fillRect(0, Math.round(originY), SIZE, 1, AXES);
  canvas.fillRect(Math.round(originX), 0, 1, SIZE, AXES);
  for (const [meanX, meanY] of ringMeans()) {
    for (let step = 0; step < 360; step++) {
      const angle = (step * Math.PI) / 180;
      canvas.blend(...toPixel(meanX + radius * Math.cos(angle), meanY + radius * Math.sin(angle)), CIRCLE, 0.8);
    }
  }
  // Translucent 3x3 dots, so that density shows where points pile up.
  for (let i = 0; i < values.length / 2; i++) {
    const [px, py] = toPixel(values[2 * i], values[2 * i + 1]);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) canvas.blend(px + dx, py + dy, POINT, 0.3);
    }
  }
  return canvas.toPng();
}
