/** The plots of `npm run bench:accuracy`: docs/accuracy-gaussian.png, -ring.png, -glyphs.png, -distance.png. */
import { join } from 'node:path';
import type { ErrorPoint } from './gaussian_errors';
import { writePlotPng, type PlotRow } from './plots';
import { TARGET_ERROR } from './report';
import type { AccuracyResults } from './results';
import { samplerName } from './variants';

const LAST = 'at the last nonzero noise level';
const END = 'at the end (noise 0)';

function errorRows(sampler: string, points: readonly ErrorPoint[]): PlotRow[] {
  return points.flatMap((p) => [
    ...(p.lastNonzero === null ? [] : [{ sampler, calls: p.calls, value: p.lastNonzero, panel: LAST }]),
    { sampler, calls: p.calls, value: p.end, panel: END },
  ]);
}

export async function accuracyPlots(results: AccuracyResults, docs: string): Promise<void> {
  const deterministic = results.variants.filter((v) => !v.variant.stochastic);
  const samplers = deterministic.map((v) => v.variant.label);
  const errorPlot = async (name: string, title: string, pick: (v: (typeof deterministic)[number]) => readonly ErrorPoint[] | null) =>
    writePlotPng(
      {
        title,
        yTitle: 'RMS error (data units)',
        rows: deterministic.flatMap((v) => errorRows(v.variant.label, pick(v) ?? [])),
        samplers,
        panels: [LAST, END],
        rule: TARGET_ERROR,
      },
      join(docs, `accuracy-${name}.png`),
    );
  await errorPlot('gaussian', 'Gaussian data: exact global error of the probability-flow ODE samplers (float64)', (v) => v.gaussian?.float64 ?? null);
  await errorPlot('ring', 'Ring mixture: error against the converged reference (float64)', (v) => v.ring.errors);
  await errorPlot('glyphs', 'Glyph mixture: error against the converged reference (float64)', (v) => v.glyphs.errors);
  await writePlotPng(
    {
      title: 'Sliced Wasserstein-1 distance of the samples to the data',
      yTitle: 'SW1',
      rows: results.variants.flatMap((v) => {
        const sampler = samplerName(v.variant);
        return [
          ...v.ring.distribution.map((p) => ({ sampler, calls: p.calls, value: p.slicedWasserstein, panel: 'ring' })),
          ...v.glyphs.distribution.map((p) => ({ sampler, calls: p.calls, value: p.slicedWasserstein, panel: 'glyphs' })),
        ];
      }),
      samplers: results.variants.map((v) => samplerName(v.variant)),
      panels: ['ring', 'glyphs'],
    },
    join(docs, 'accuracy-distance.png'),
  );
}
