// The report's charts as Vega-Lite specs (pure): equity curves against the benchmarks, drawdowns,
// rolling accuracy, accuracy by regime, calibration. Data go inline, so a spec renders without
// any file or network; ./svg.ts turns a spec into SVG.

import { rollingMean } from '../features/rolling.js';
import type { Evaluation, StrategyRow } from '../futures/evaluate.js';

/** A Vega-Lite (v5/v6) top-level spec; kept loose because vega-lite's own type is vast. */
export type VegaLiteSpec = Record<string, unknown>;

export interface Chart {
  readonly id: string;
  readonly title: string;
  /** One sentence under the chart: what is drawn and how it is computed. */
  readonly caption: string;
  readonly spec: VegaLiteSpec;
}

/** Equity minus its running peak (the peak starts at 0, before day 1): <= 0. */
export function drawdownOf(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = 0;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i]!);
    out[i] = equity[i]! - peak;
  }
  return out;
}

export interface CalibrationBin {
  readonly bin: number;
  readonly n: number;
  readonly meanProbability: number;
  /** Share of up outcomes in the bin. */
  readonly upShare: number;
}

/**
 * Calibration by quantile bins of the predicted probability: `bins` groups of (nearly) equal size
 * after sorting by probability. Quantile rather than fixed-width bins because a timing model's
 * probabilities sit close to 0.5, where fixed bins would put nearly every day in one or two.
 */
export function calibrationBins(prob: ArrayLike<number>, label: ArrayLike<number>, bins = 10): CalibrationBin[] {
  if (prob.length !== label.length) throw new RangeError(`calibration: ${prob.length} probabilities but ${label.length} labels`);
  const order = Array.from({ length: prob.length }, (_, i) => i)
    .filter((i) => Number.isFinite(prob[i]!))
    .sort((a, b) => prob[a]! - prob[b]!);
  const k = Math.min(bins, order.length);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < k; b++) {
    const lo = Math.floor((b * order.length) / k);
    const hi = Math.floor(((b + 1) * order.length) / k);
    let sp = 0;
    let sl = 0;
    for (let j = lo; j < hi; j++) {
      sp += prob[order[j]!]!;
      sl += label[order[j]!]!;
    }
    out.push({ bin: b, n: hi - lo, meanProbability: sp / (hi - lo), upShare: sl / (hi - lo) });
  }
  return out;
}

const WIDTH = 720;
const HEIGHT = 260;
const base = (title: string): VegaLiteSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title,
  width: WIDTH,
  height: HEIGHT,
  background: 'white',
  config: { font: 'sans-serif', legend: { orient: 'right', labelLimit: 180 } },
});

/** Strategies drawn as curves: the models, the combinations and buy-and-hold (factors alone are in the table). */
function curveStrategies(e: Evaluation): StrategyRow[] {
  return e.strategies.filter((s) => s.kind !== 'factor');
}

/** Long-format rows {date, series, value}, every `step`-th date and the last (the SVG stays small). */
function longRows(dates: readonly string[], series: readonly { name: string; values: ArrayLike<number> }[], step: number): Record<string, unknown>[] {
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
const stepFor = (n: number): number => Math.max(1, Math.ceil(n / 1500));

function lineChart(title: string, dates: readonly string[], series: { name: string; values: ArrayLike<number> }[], yTitle: string, yFormat: string, rule?: number): VegaLiteSpec {
  const line = {
    mark: { type: 'line', strokeWidth: 1.4, interpolate: 'linear' },
    encoding: {
      x: { field: 'date', type: 'temporal', title: null },
      y: { field: 'value', type: 'quantitative', title: yTitle, axis: { format: yFormat } },
      color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.name) },
    },
  };
  const layers: unknown[] = [line];
  if (rule !== undefined) layers.push({ data: { values: [{ y: rule }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'y', type: 'quantitative' } } });
  return { ...base(title), data: { values: longRows(dates, series, stepFor(dates.length)) }, layer: layers };
}

export function equityChart(e: Evaluation): Chart {
  const series = curveStrategies(e).map((s) => ({ name: s.name, values: s.equity }));
  return {
    id: 'equity',
    title: 'Equity curves against the benchmarks',
    caption: 'Cumulative net return after costs, as a fraction of one contract notional (daily returns added up), per strategy on the test days; buy-and-hold is the continuous contract.',
    spec: lineChart('Equity (cumulative net return)', e.dates, series, 'cumulative return', '.1%', 0),
  };
}

export function drawdownChart(e: Evaluation): Chart {
  const series = curveStrategies(e).map((s) => ({ name: s.name, values: drawdownOf(s.equity) }));
  return {
    id: 'drawdown',
    title: 'Drawdowns',
    caption: 'Equity minus its running peak (the peak starts at 0 before the first test day).',
    spec: lineChart('Drawdown from the running peak', e.dates, series, 'drawdown', '.1%'),
  };
}

export function rollingAccuracyChart(e: Evaluation, window = 60): Chart {
  const series = [
    ...e.models.map((m) => ({ name: m.model, values: rollingMean(e.correct[m.model]!, window) })),
    { name: 'always-long', values: rollingMean(e.label, window) },
  ];
  return {
    id: 'rolling-accuracy',
    title: `Rolling ${window}-day accuracy`,
    caption: `Share of correct up/down calls over the last ${window} test days, per model, and the up share (what always-long scores); the dashed line is 50%.`,
    spec: lineChart(`Rolling ${window}-day accuracy`, e.dates, series, 'accuracy', '.0%', 0.5),
  };
}

export function regimeChart(e: Evaluation): Chart {
  const rows: Record<string, unknown>[] = [];
  for (const t of e.regimes) {
    for (const r of t.rows) {
      if (r.n === 0) continue;
      for (const m of e.models) {
        const a = r.accuracy[m.model]!;
        rows.push({ definition: t.definition, regime: r.label, model: m.model, accuracy: a.estimate, lo: a.lo, hi: a.hi, n: r.n });
      }
    }
  }
  const models = e.models.map((m) => m.model);
  return {
    id: 'regimes',
    title: 'Accuracy by regime',
    caption: 'Accuracy per model on all / up / down / sideways test days under each down-market definition, with 95% block-bootstrap intervals; the dashed line is 50%.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'Accuracy by regime (95% intervals)',
      background: 'white',
      config: { font: 'sans-serif' },
      data: { values: rows },
      facet: { column: { field: 'definition', type: 'nominal', title: null, sort: e.regimes.map((t) => t.definition) } },
      spec: {
        width: Math.floor(WIDTH / Math.max(1, e.regimes.length)) - 20,
        height: HEIGHT,
        layer: [
          {
            mark: { type: 'point', filled: true, size: 45 },
            encoding: {
              x: { field: 'regime', type: 'nominal', title: null, sort: ['all', 'up', 'down', 'sideways'] },
              xOffset: { field: 'model', type: 'nominal', sort: models },
              y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, axis: { format: '.0%' } },
              color: { field: 'model', type: 'nominal', sort: models, title: null },
              tooltip: [{ field: 'model' }, { field: 'regime' }, { field: 'n' }, { field: 'accuracy', format: '.3f' }],
            },
          },
          {
            mark: { type: 'rule' },
            encoding: {
              x: { field: 'regime', type: 'nominal', sort: ['all', 'up', 'down', 'sideways'] },
              xOffset: { field: 'model', type: 'nominal', sort: models },
              y: { field: 'lo', type: 'quantitative' },
              y2: { field: 'hi' },
              color: { field: 'model', type: 'nominal', sort: models },
            },
          },
          { data: { values: [{ y: 0.5 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        ],
      },
    },
  };
}

export function calibrationChart(e: Evaluation, bins = 10): Chart {
  const rows = e.models.flatMap((m) => calibrationBins(e.probability[m.model]!, e.label, bins).map((b) => ({ model: m.model, predicted: b.meanProbability, observed: b.upShare, n: b.n })));
  const models = e.models.map((m) => m.model);
  const all = rows.flatMap((r) => [r.predicted, r.observed]);
  const lo = Math.max(0, Math.floor(Math.min(...all, 0.45) * 20) / 20);
  const hi = Math.min(1, Math.ceil(Math.max(...all, 0.55) * 20) / 20);
  return {
    id: 'calibration',
    title: 'Calibration',
    caption: `Observed up share against the mean predicted P(up) in ${bins} quantile bins of each model's probabilities; the dashed diagonal is perfect calibration.`,
    spec: {
      ...base('Calibration (quantile bins)'),
      width: HEIGHT + 80,
      height: HEIGHT + 80,
      data: { values: rows },
      layer: [
        { data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] }, mark: { type: 'line', strokeDash: [4, 4], color: '#666' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'predicted', type: 'quantitative', title: 'mean predicted P(up)', scale: { domain: [lo, hi] } },
            y: { field: 'observed', type: 'quantitative', title: 'observed up share', scale: { domain: [lo, hi] } },
            color: { field: 'model', type: 'nominal', sort: models, title: null },
            tooltip: [{ field: 'model' }, { field: 'n' }, { field: 'predicted', format: '.3f' }, { field: 'observed', format: '.3f' }],
          },
        },
      ],
    },
  };
}

/** CPCV: the headline model's equity on every backtest path, beside the all-folds average. */
export function pathsChart(e: Evaluation): Chart | null {
  if (!e.paths || e.paths.curves.length === 0) return null;
  const headline = e.models[0]!.model;
  const avg = e.strategies.find((s) => s.kind === 'model' && s.name === headline);
  const series = [...e.paths.curves.map((c) => ({ name: `path ${c.path}`, values: alignTo(e.dates, c.dates, c.equity) })), ...(avg ? [{ name: 'all folds averaged', values: avg.equity }] : [])];
  return {
    id: 'paths',
    title: `CPCV paths of ${headline}`,
    caption: `Cumulative net return of ${headline} on each of the ${e.paths.paths} CPCV backtest paths (one fold's predictions per group), and of the probabilities averaged over every fold testing a date.`,
    spec: lineChart(`Equity on each CPCV path (${headline})`, e.dates, series, 'cumulative return', '.1%', 0),
  };
}

/** Values by `dates` placed on `axis` (NaN where a date is missing: not drawn). */
function alignTo(axis: readonly string[], dates: readonly string[], values: readonly number[]): Float64Array {
  const at = new Map(dates.map((d, i) => [d, values[i]!]));
  return Float64Array.from(axis, (d) => at.get(d) ?? Number.NaN);
}

/** Every chart a run report draws (./sections.ts places each in its section). */
export function reportCharts(e: Evaluation): Chart[] {
  const paths = pathsChart(e);
  return [equityChart(e), drawdownChart(e), rollingAccuracyChart(e), regimeChart(e), calibrationChart(e), ...(paths ? [paths] : [])];
}
