import { GLYPH_SIZE, glyphImages } from './glyphs';

/** How close to the glyphs a set of samples is. */
export interface GlyphsQuality {
  /** The root-mean-square pixel distance within which a sample counts as a glyph. */
  rmsDistance: number;
  /** Share of the samples within `rmsDistance` of some glyph. */
  shareNearGlyph: number;
  /** For each digit 0..9, the share of all samples that are it; fair is 1/10. */
  sharePerGlyph: number[];
}

/**
 * Quality figures of glyph samples given as flat values, 256 per sample. The default 0.1
 * is far below the distance between two digits (the closest, 0 and 8, differ by 2 on 24
 * pixels: an RMS distance of 0.61), so a sample near a glyph is unmistakably that glyph.
 */
export function glyphsQuality(values: ArrayLike<number>, rmsDistance = 0.1): GlyphsQuality {
  const images = glyphImages();
  const pixels = GLYPH_SIZE * GLYPH_SIZE;
  const count = values.length / pixels;
  const nearCounts = new Array<number>(images.length).fill(0);
  for (let i = 0; i < count; i++) {
    const distances = images.map((image) => {
      let squares = 0;
      for (let p = 0; p < pixels; p++) squares += (values[i * pixels + p] - image[p]) ** 2;
      return Math.sqrt(squares / pixels);
    });
    const nearest = distances.indexOf(Math.min(...distances));
    if (distances[nearest] < rmsDistance) nearCounts[nearest]++;
  }
  const sharePerGlyph = nearCounts.map((near) => near / count);
  return { rmsDistance, shareNearGlyph: nearCounts.reduce((sum, near) => sum + near, 0) / count, sharePerGlyph };
}
