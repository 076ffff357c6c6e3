/** The quality bars the sampling specs hold samples of the command line's data sets to. */
import { glyphsQuality } from '../../src/denoisers/glyphs_quality';
import { ringQuality } from '../../src/denoisers/ring_quality';

/** Ring points: at least `nearMean` of them within 0.2 of a mean, each mean `low` to `high` times its fair share (1/8). */
export function expectRingQuality(values: ArrayLike<number>, nearMean: number, [low, high]: readonly [number, number]): void {
  const quality = ringQuality(values);
  expect(quality.shareNearMean).toBeGreaterThanOrEqual(nearMean);
  for (const share of quality.sharePerMean) {
    expect(share).toBeGreaterThanOrEqual(low / 8);
    expect(share).toBeLessThanOrEqual(high / 8);
  }
}

/** 40 glyph samples: every one on a glyph, crisp, and at least 7 of the 10 digits drawn. */
export function expectOnGlyphs(values: ArrayLike<number>): void {
  // 0.01 RMS: every pixel within ~1% of the glyph's; two glyphs are at least 0.61 apart.
  expect(glyphsQuality(values, 0.01).shareNearGlyph).toBe(1);
  expect(glyphsQuality(values).sharePerGlyph.filter((share) => share > 0).length).toBeGreaterThanOrEqual(7);
}
