/**
 * Log-log plots of error against model calls, one line per sampler: a Vega-Lite spec compiled
 * by vega-lite, rendered to SVG by vega (headless, no canvas) and to PNG by resvg
 * (@resvg/resvg-js, prebuilt in npm) with the system's DejaVu Sans.
 */
import { writeFileSync } from 'node:fs';

export interface PlotRow {
  readonly sampler: string;
  readonly calls: number;
  readonly value: number;
  /** The panel (one column each). */
  readonly panel: string;
}

export interface PlotSpec {
  readonly title: string;
  readonly yTitle: string;
  readonly rows: readonly PlotRow[];
  /** Order of the samplers in the legend. */
  readonly samplers: readonly string[];
  readonly panels: readonly string[];
  /** Draw a horizontal rule at this value (e.g. the target error 1e-3). */
  readonly rule?: number;
}

export async function writePlotPng(spec: PlotSpec, file: string): Promise<void> {
  // Both packages are ES modules only: loaded with import() from this CommonJS project.
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const { Resvg } = await import('@resvg/resvg-js');
  const rows = spec.rows.filter((row) => row.value > 0 && Number.isFinite(row.value));
  const layer: object[] = [
    {
      mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.6 },
      encoding: {
        x: { field: 'calls', type: 'quantitative', scale: { type: 'log', domain: [1, 100] }, title: 'model calls' },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: spec.yTitle, axis: { format: '.0e' } },
        color: { field: 'sampler', type: 'nominal', sort: spec.samplers, scale: { scheme: 'tableau20' }, title: null },
        strokeDash: { field: 'sampler', type: 'nominal', sort: spec.samplers, title: null, scale: { range: spec.samplers.map((_, i) => (i < 10 ? [1, 0] : [5, 3])) } },
      },
    },
  ];
  if (spec.rule !== undefined) layer.push({ mark: { type: 'rule', color: '#999', strokeDash: [2, 2] }, encoding: { y: { datum: spec.rule } } });
  const liteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: spec.title,
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', sort: spec.panels, title: null } },
    spec: { width: 360, height: 300, layer },
    resolve: { scale: { y: 'shared' } },
    config: { font: 'DejaVu Sans', background: 'white', legend: { labelLimit: 520 } },
  };
  const { spec: vegaSpec } = vegaLite.compile(liteSpec as never);
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
  writeFileSync(file, png);
}
