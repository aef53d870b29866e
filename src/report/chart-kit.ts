// What every report chart is built from (pure): the Chart type, a base Vega-Lite spec, one fixed
// colour per series for the whole report, a time axis whose every label carries its year, and
// line charts over the test dates. The charts themselves are in ./charts.ts,
// ./classification-charts.ts and ./fold-charts.ts.

import type { Evaluation } from '../futures/evaluate.js';

/** A Vega-Lite (v5/v6) top-level spec; kept loose because vega-lite's own type is vast. */
export type VegaLiteSpec = Record<string, unknown>;

export interface Chart {
  readonly id: string;
  readonly title: string;
  /** One sentence under the chart: what is drawn and how it is computed. */
  readonly caption: string;
  readonly spec: VegaLiteSpec;
}

export const WIDTH = 720;
export const HEIGHT = 260;

export function base(title: string): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    config: { font: 'sans-serif', legend: { orient: 'bottom', direction: 'horizontal', columns: 4, labelLimit: 220 } },
  };
}

// Colour-blind-safe categorical colours (Okabe & Ito 2008, less yellow, which does not show on white),
// then Tableau's for larger experiments. The benchmark is always the same dark grey.
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#8c564b', '#7f7f7f', '#bcbd22', '#17becf', '#9467bd', '#e377c2'];
export const BENCHMARK_COLOUR = '#333333';
const BENCHMARKS = new Set(['buy-and-hold', 'always-long']);

/**
 * One colour per series name for the whole report, so a model is the same colour in every chart:
 * the models in the experiment's order (the headline first), then the combinations and the
 * factors; buy-and-hold and always-long (the same position) share the benchmark's grey.
 */
export function seriesColours(e: Evaluation): ReadonlyMap<string, string> {
  const names = [...e.models.map((m) => m.model), ...e.strategies.filter((s) => s.kind === 'combination').map((s) => s.name), ...e.strategies.filter((s) => s.kind === 'factor').map((s) => s.name)];
  const out = new Map<string, string>();
  for (const n of names) if (!out.has(n) && !BENCHMARKS.has(n)) out.set(n, PALETTE[out.size % PALETTE.length]!);
  for (const b of BENCHMARKS) out.set(b, BENCHMARK_COLOUR);
  return out;
}

/** The palette's colours for `names` in order (the benchmark names keep their grey): for charts outside a walk-forward run. */
export function paletteColours(names: readonly string[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const n of names) out.set(n, BENCHMARKS.has(n) ? BENCHMARK_COLOUR : PALETTE[out.size % PALETTE.length]!);
  return out;
}

/** A colour channel on `field` drawing `names` (in legend order) in their report colours. */
export function colourBy(field: string, names: readonly string[], colours: ReadonlyMap<string, string>): Record<string, unknown> {
  return { field, type: 'nominal', sort: names, scale: { domain: names, range: names.map((n) => colours.get(n) ?? BENCHMARK_COLOUR) }, legend: { title: null } };
}

/**
 * A temporal x channel over the whole span of `dates` (unless `fixDomain` is false: a bar chart
 * with x2 sets its own) (so the report's time charts line up, even
 * where a rolling series starts late) whose every tick label names its year: "Mar 2021" ticks
 * spaced so about eight fit, "2021" for long spans, "12 Mar 2021" under four months.
 */
export function timeAxis(dates: readonly string[], field = 'date', fixDomain = true): Record<string, unknown> {
  const first = dates[0] ?? '2000-01-01';
  const last = dates.at(-1) ?? first;
  // As timestamps: a domain of date strings conflicts with the one vega-lite derives from the data.
  const scale = fixDomain ? { domain: [Date.parse(first), Date.parse(last)] } : {};
  const days = (Date.parse(last) - Date.parse(first)) / 86_400_000;
  if (days < 120) return { field, type: 'temporal', title: null, scale, axis: { format: '%d %b %Y', labelOverlap: true, tickCount: 6 } };
  const months = days / 30.4;
  const step = [1, 2, 3, 6, 12, 24, 60].find((s) => months / s <= 8) ?? 120;
  const tickCount = step >= 12 ? { interval: 'year', step: step / 12 } : { interval: 'month', step };
  return { field, type: 'temporal', title: null, scale, axis: { format: step >= 12 ? '%Y' : '%b %Y', labelOverlap: true, tickCount } };
}

export interface Series {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

/** Long-format rows {date, series, value}, every `step`-th date and the last (the SVG stays small). */
export function longRows(dates: readonly string[], series: readonly Series[], step: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const s of series) {
    for (let i = 0; i < dates.length; i++) {
      if (i % step !== 0 && i !== dates.length - 1) continue;
      const v = s.values[i]!;
      if (Number.isFinite(v)) rows.push({ date: dates[i], series: s.name, value: +v.toFixed(6) });
    }
  }
  return rows;
}

/** Plot every date up to about 1,500 per series, then thin evenly. */
export const stepFor = (n: number): number => Math.max(1, Math.ceil(n / 1500));

export interface LineOptions {
  readonly yTitle: string;
  readonly yFormat: string;
  /** A dashed horizontal reference line at this value. */
  readonly rule?: number;
  /** Fill the area between the line and 0 (an underwater chart). */
  readonly area?: boolean;
}

/** One line per series over the test dates, each in its report colour. */
export function lineChart(title: string, dates: readonly string[], series: readonly Series[], colours: ReadonlyMap<string, string>, o: LineOptions): VegaLiteSpec {
  const names = series.map((s) => s.name);
  const encoding = {
    x: timeAxis(dates),
    y: { field: 'value', type: 'quantitative', title: o.yTitle, axis: { format: o.yFormat } },
    color: colourBy('series', names, colours),
  };
  const layers: unknown[] = [];
  // stack: null, or the areas of several series would pile up; fill, not color, so the legend keeps the line symbols.
  if (o.area) layers.push({ mark: { type: 'area', opacity: 0.18, interpolate: 'linear' }, encoding: { x: encoding.x, y: { ...encoding.y, stack: null }, fill: colourBy('series', names, colours) } });
  layers.push({ mark: { type: 'line', strokeWidth: 1.4, interpolate: 'linear' }, encoding });
  if (o.rule !== undefined) layers.push({ data: { values: [{ y: o.rule }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'y', type: 'quantitative' } } });
  return { ...base(title), data: { values: longRows(dates, series, stepFor(dates.length)) }, layer: layers };
}

/** Values by `dates` placed on `axis` (NaN where a date is missing: not drawn). */
export function alignTo(axis: readonly string[], dates: readonly string[], values: readonly number[]): Float64Array {
  const at = new Map(dates.map((d, i) => [d, values[i]!]));
  return Float64Array.from(axis, (d) => at.get(d) ?? Number.NaN);
}
