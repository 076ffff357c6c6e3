/** The markdown tables of `npm run bench:accuracy` (bench/README.md, "Accuracy per model call"). */
import type { ErrorPoint } from './gaussian_errors';
import type { DistributionPoint } from './mixture_errors';
import { callsToReach, measuredOrder, ASYMPTOTIC_CALLS } from './orders';
import type { AccuracyResults, VariantResults } from './results';
import { samplerName } from './variants';

export const TARGET_ERROR = 1e-3;

const exp = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toExponential(1));
const fixed = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));
const calls = (x: number | null) => (x === null ? '> 100' : x < 10 ? x.toFixed(1) : x.toFixed(0));

type Measure = 'end' | 'lastNonzero';
const series = (points: readonly ErrorPoint[], measure: Measure) => points.map((p) => ({ calls: p.calls, error: p[measure] }));

/** The point whose calls are nearest `target` (its calls shown when they differ). */
function at<T extends { calls: number }>(points: readonly T[], target: number, show: (point: T) => string): string {
  if (points.length === 0) return '-';
  const nearest = points.reduce((best, p) => (Math.abs(Math.log(p.calls / target)) < Math.abs(Math.log(best.calls / target)) ? p : best));
  return nearest.calls === target ? show(nearest) : `${show(nearest)} (${nearest.calls})`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], numeric = true): string {
  const align = header.map((_, i) => (i === 0 || !numeric ? '---' : '---:'));
  return [row(header), row(align), ...rows.map(row)].join('\n');
}

function gaussianTable(variants: readonly VariantResults[]): string {
  const rows = variants
    .filter((v) => v.gaussian !== null)
    .map(({ variant, gaussian }) => {
      const float64 = gaussian!.float64;
      const float32 = gaussian!.float32;
      return [
        variant.label,
        variant.schedule,
        String(variant.paperOrder?.order ?? '-'),
        fixed(measuredOrder(series(float64, 'lastNonzero'))),
        fixed(measuredOrder(series(float64, 'end'))),
        calls(callsToReach(series(float64, 'lastNonzero'), TARGET_ERROR)),
        calls(callsToReach(series(float64, 'end'), TARGET_ERROR)),
        at(float64, 10, (p) => exp(p.end)),
        at(float64, 100, (p) => exp(p.lastNonzero)),
        at(float64, 100, (p) => exp(p.end)),
        at(float32, 100, (p) => exp(p.end)),
      ];
    });
  return table(
    ['sampler', 'schedule', 'paper order', `order, last nonzero level (${ASYMPTOTIC_CALLS}-100 calls)`, 'order, end', 'calls to 1e-3, last nonzero', 'calls to 1e-3, end', 'error at 10 calls, end', 'at 100, last nonzero', 'at 100, end', 'at 100, end, float32 step'],
    rows,
  );
}

function mixtureErrorTable(variants: readonly VariantResults[]): string {
  // Glyphs are point masses: a run ends exactly on a glyph, the reference's or another, so their
  // end error is 0 or a whole glyph's distance; the last nonzero level shows the convergence.
  const rows = variants
    .filter((v) => v.ring.errors !== null)
    .map(({ variant, ring, glyphs }) => [
      variant.label,
      fixed(measuredOrder(series(ring.errors!, 'lastNonzero'))),
      calls(callsToReach(series(ring.errors!, 'lastNonzero'), TARGET_ERROR)),
      calls(callsToReach(series(ring.errors!, 'end'), TARGET_ERROR)),
      at(ring.errors!, 10, (p) => exp(p.end)),
      at(ring.errors!, 100, (p) => exp(p.end)),
      fixed(measuredOrder(series(glyphs.errors!, 'lastNonzero'))),
      calls(callsToReach(series(glyphs.errors!, 'lastNonzero'), TARGET_ERROR)),
      at(glyphs.errors!, 10, (p) => exp(p.lastNonzero)),
      at(glyphs.errors!, 100, (p) => exp(p.lastNonzero)),
      at(glyphs.errors!, 25, (p) => exp(p.end)),
    ]);
  return table(
    [
      'sampler',
      'ring: order, last nonzero',
      'ring: calls to 1e-3, last nonzero',
      'ring: calls to 1e-3, end',
      'ring: at 10, end',
      'ring: at 100, end',
      'glyphs: order, last nonzero',
      'glyphs: calls to 1e-3, last nonzero',
      'glyphs: at 10, last nonzero',
      'glyphs: at 100, last nonzero',
      'glyphs: at 25, end',
    ],
    rows,
  );
}

function distributionTable(variants: readonly VariantResults[], floors: AccuracyResults['mixtures']): string {
  const budgets = [1, 4, 10, 25, 100];
  const sw = (points: readonly DistributionPoint[]) => budgets.map((b) => at(points, b, (p) => p.slicedWasserstein.toFixed(3)));
  const near = (points: readonly DistributionPoint[]) => [10, 100].map((b) => at(points, b, (p) => `${(100 * p.nearShare).toFixed(1)}%`));
  const rows = variants.map(({ variant, ring, glyphs }) => [samplerName(variant), ...sw(ring.distribution), ...near(ring.distribution), ...sw(glyphs.distribution), ...near(glyphs.distribution)]);
  const floor = (name: 'ring' | 'glyphs') => [...budgets.map(() => floors[name].floor.slicedWasserstein.toFixed(3)), ...[10, 100].map(() => `${(100 * floors[name].floor.nearShare).toFixed(1)}%`)];
  rows.push(['exact sample of the same size (the floor)', ...floor('ring'), ...floor('glyphs')]);
  return table(
    ['sampler', ...budgets.map((b) => `ring SW1, ${b} calls`), 'ring near a mode, 10', 'ring near, 100', ...budgets.map((b) => `glyphs SW1, ${b}`), 'glyphs near, 10', 'glyphs near, 100'],
    rows,
  );
}

function ddimStrideTable(variants: readonly VariantResults[]): string | null {
  const ids = ['ddim-trailing', 'ddim-trailing-fixed-stride', 'ddim-linspace', 'ddim-linspace-fixed-stride'];
  const chosen = ids.map((id) => variants.find((v) => v.variant.id === id));
  if (chosen.some((v) => v === undefined || v.gaussian === null)) return null;
  const budgets = chosen[0]!.gaussian!.float64.map((p) => p.calls);
  const rows = budgets.map((b) => [
    String(b),
    ...chosen.flatMap((v) => {
      const p = v!.gaussian!.float64.find((point) => point.calls === b);
      return p ? [exp(p.end), `${exp(p.lastNonzero)} at ${fixed(p.lastNonzeroSigma, 3)}`] : ['-', '-'];
    }),
  ]);
  return table(['calls', ...chosen.flatMap((v) => [`${v!.variant.id}: end`, 'last nonzero (at sigma)'])], rows);
}

export function formatAccuracyReport(results: AccuracyResults): string {
  const { variants, notBuilt, mixtures } = results;
  const parts = [
    '### Gaussian data: exact global error (float64 host plans; last column the real float32 step on cpu)',
    gaussianTable(variants),
    '### Ring and glyph mixtures: error against the converged reference (float64)',
    mixtureErrorTable(variants),
    '### Distance to the data (sliced Wasserstein-1, share near a mode)',
    distributionTable(variants, mixtures),
  ];
  const stride = ddimStrideTable(variants);
  if (stride) parts.push("### DDIM: previousTimestep 'schedule' (ours) against 'fixed_stride' (diffusers), Gaussian, float64", stride);
  parts.push(
    `References: ring ${mixtures.ring.referenceCount} points, RK4 ${mixtures.ring.referenceSteps} steps (doubling moves it by ${exp(mixtures.ring.referenceChange)}); ` +
      `glyphs ${mixtures.glyphs.referenceCount} points, RK4 ${mixtures.glyphs.referenceSteps} steps (doubling moves it by ${exp(mixtures.glyphs.referenceChange)}).`,
  );
  const gaps = variants.filter((v) => v.probeGap > 1e-9).map((v) => `${v.variant.id} ${exp(v.probeGap)}`);
  if (gaps.length > 0) parts.push(`Runs whose samples leave the plans' levels (point-mass check, run_levels.ts): ${gaps.join(', ')}.`);
  parts.push(notBuilt.length === 0 ? 'Every variant of the table was measured.' : `Not built yet (class not in the registry): ${notBuilt.map((v) => `${v.id} (${v.scheduler})`).join(', ')}.`);
  return parts.join('\n\n');
}
