import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

/** An RGBA raster to draw the pictures on, written out as PNG. */
export class Canvas {
  private readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.png = new PNG({ width, height });
    this.fillRect(0, 0, width, height, background);
  }

  /** Paints a pixel with `color` over what is there, with opacity `alpha`; outside pixels are ignored. */
  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const offset = (this.width * Math.floor(y) + Math.floor(x)) * 4;
    const data = this.png.data;
    for (let channel = 0; channel < 3; channel++) {
      data[offset + channel] = Math.round(data[offset + channel] * (1 - alpha) + color[channel] * alpha);
    }
    data[offset + 3] = 255;
  }

  fillRect(left: number, top: number, width: number, height: number, color: Rgb): void {
    for (let y = top; y < top + height; y++) {
      for (let x = left; x < left + width; x++) this.blend(x, y, color);
    }
  }

  toPng(): Buffer {
    return PNG.sync.write(this.png);
  }
}
