import { ringMeans } from './ring';

/** How close to the ring data a set of samples is. */
export interface RingQuality {
  /** The radius around a mean within which a sample counts as near it. */
  distance: number;
  /** Share of the samples within `distance` of some mean (8 std: the data put 1 - e^-8 there). */
  shareNearMean: number;
  /** For each mean (angle k pi / 4), the share of all samples within `distance` of it; fair is 1/8. */
  sharePerMean: number[];
}

/** Quality figures of ring samples given as flat [x0, y0, x1, y1, ...] values. */
export function ringQuality(values: ArrayLike<number>, distance = 0.2): RingQuality {
  const means = ringMeans();
  const count = values.length / 2;
  const nearCounts = new Array<number>(means.length).fill(0);
  for (let i = 0; i < count; i++) {
    const [x, y] = [values[2 * i], values[2 * i + 1]];
    // The means are 1.5 apart, so a sample is near one mean at most.
    const nearest = means.findIndex(([meanX, meanY]) => Math.hypot(x - meanX, y - meanY) < distance);
    if (nearest >= 0) nearCounts[nearest]++;
  }
  const sharePerMean = nearCounts.map((near) => near / count);
  return { distance, shareNearMean: nearCounts.reduce((sum, near) => sum + near, 0) / count, sharePerMean };
}
