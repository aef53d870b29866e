// The report's performance charts as Vega-Lite specs (pure): equity curves against the
// benchmarks, the headline strategy under water against buy-and-hold, its rolling Sharpe, its
// exposure and turnover over time, its monthly returns, and (CPCV) its equity on every backtest
// path. Data go inline, so a spec renders without any file or network; ./svg.ts turns a spec into
// SVG. Classification charts are in ./classification-charts.ts, the fold plan's in ./fold-charts.ts.

import { rollingMean } from '../features/rolling.js';
import type { Evaluation, StrategyRow } from '../futures/evaluate.js';
import { rollingSharpe } from '../eval/score/rolling.js';
import { alignTo, base, BENCHMARK_COLOUR, lineChart, seriesColours, type Chart } from './chart-kit.js';

export type { Chart, VegaLiteSpec } from './chart-kit.js';

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

/** Strategies drawn as curves: the models, the combinations and buy-and-hold (factors alone are in the table). */
function curveStrategies(e: Evaluation): StrategyRow[] {
  return e.strategies.filter((s) => s.kind !== 'factor');
}

/** The headline model's strategy and buy-and-hold: the pair the risk charts compare. */
function headlinePair(e: Evaluation): [StrategyRow, StrategyRow] {
  const bh = e.strategies.find((s) => s.kind === 'benchmark');
  if (!bh) throw new Error('report: the evaluation has no buy-and-hold benchmark');
  return [e.strategies[0]!, bh];
}

export function equityChart(e: Evaluation): Chart {
  const series = curveStrategies(e).map((s) => ({ name: s.name, values: s.equity }));
  return {
    id: 'equity',
    title: 'Equity curves against the benchmarks',
    caption: 'Cumulative net return after costs, as a fraction of one contract notional (daily returns added up), per strategy on the test days; buy-and-hold (dark grey) is the continuous contract.',
    spec: lineChart('Equity (cumulative net return)', e.dates, series, seriesColours(e), { yTitle: 'cumulative return', yFormat: '.1%', rule: 0 }),
  };
}

export function underwaterChart(e: Evaluation): Chart {
  const [h, bh] = headlinePair(e);
  return {
    id: 'underwater',
    title: `${h.name} under water, against buy-and-hold`,
    caption: `How far each strategy's equity is below its own running high (0 at a new high; the high starts at 0 before the first test day), in fractions of one notional: ${h.name} in colour, buy-and-hold in grey. The deepest episodes are in the table below.`,
    spec: lineChart('Drawdown from the running high', e.dates, [h, bh].map((s) => ({ name: s.name, values: drawdownOf(s.equity) })), seriesColours(e), { yTitle: 'drawdown', yFormat: '.1%', area: true }),
  };
}

export function rollingSharpeChart(e: Evaluation, periodsPerYear: number, window = 126): Chart {
  const [h, bh] = headlinePair(e);
  return {
    id: 'rolling-sharpe',
    title: `Rolling ${window}-day Sharpe`,
    caption: `Annualised Sharpe ratio of the daily net returns over the last ${window} test days (about half a year), ${h.name} against buy-and-hold; the dashed line is 0. With ${window} days a Sharpe's 95% interval is about ±${(1.96 * Math.sqrt(periodsPerYear / window)).toFixed(1)} (iid returns), so read the level over time, not one point.`,
    spec: lineChart(`Rolling ${window}-day Sharpe (annualised)`, e.dates, [h, bh].map((s) => ({ name: s.name, values: rollingSharpe(s.netReturn, window, periodsPerYear) })), seriesColours(e), { yTitle: 'Sharpe', yFormat: '.1f', rule: 0 }),
  };
}

export function exposureChart(e: Evaluation, window = 21): Chart {
  const [h] = headlinePair(e);
  const combo = e.strategies.find((s) => s.kind === 'combination' && s.name.startsWith(`${h.name} +`));
  const shown = [h, ...(combo ? [combo] : [])];
  return {
    id: 'exposure',
    title: 'Exposure over time',
    caption: `Mean position over the last ${window} test days (+1 long one contract every day, -1 short every day, 0 flat or as much long as short), for ${shown.map((s) => s.name).join(' and ')}.`,
    spec: lineChart(`Net exposure (${window}-day mean position)`, e.dates, shown.map((s) => ({ name: s.name, values: rollingMean(s.position, window) })), seriesColours(e), { yTitle: 'mean position', yFormat: '.1f', rule: 0 }),
  };
}

export function turnoverChart(e: Evaluation, periodsPerYear: number, window = 63): Chart {
  const shown = e.strategies.filter((s) => s.kind === 'model' || s.kind === 'combination');
  return {
    id: 'turnover',
    title: 'Turnover over time',
    caption: `Contracts traded per year (rolls included), from the last ${window} test days (about a quarter), per model strategy and combination. Each contract traded costs the configured commission and slippage on both sides.`,
    spec: lineChart(`Turnover (${window}-day, contracts per year)`, e.dates, shown.map((s) => ({ name: s.name, values: Float64Array.from(rollingMean(s.turnover, window), (x) => x * periodsPerYear) })), seriesColours(e), { yTitle: 'contracts per year', yFormat: ',.0f' }),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function monthlyChart(e: Evaluation): Chart {
  const h = e.strategies[0]!;
  const rows = e.monthly.map((m) => ({ year: m.month.slice(0, 4), month: MONTHS[Number(m.month.slice(5, 7)) - 1], r: +m.netReturn.toFixed(6), days: m.days }));
  const extreme = Math.max(1e-9, ...rows.map((r) => Math.abs(r.r)));
  const years = [...new Set(rows.map((r) => r.year))];
  return {
    id: 'monthly',
    title: `Monthly returns of ${h.name}`,
    caption: `Net return of ${h.name} in each calendar month with test days, as a fraction of one notional (blue a gain, red a loss); a month at the start or end of the test span may be partial.`,
    spec: {
      ...base(`Monthly net returns (${h.name})`),
      height: Math.max(60, 22 * years.length),
      data: { values: rows },
      encoding: {
        x: { field: 'month', type: 'ordinal', sort: MONTHS, scale: { domain: MONTHS }, title: null, axis: { labelAngle: 0, orient: 'top' } },
        y: { field: 'year', type: 'ordinal', sort: years, title: null },
      },
      layer: [
        { mark: { type: 'rect', stroke: 'white' }, encoding: { color: { field: 'r', type: 'quantitative', title: 'return', scale: { scheme: 'redblue', domain: [-extreme, extreme] }, legend: { format: '.1%', orient: 'right', direction: 'vertical' } } } },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'r', type: 'quantitative', format: '.1%' },
            color: { condition: { test: `abs(datum.r) > ${0.6 * extreme}`, value: 'white' }, value: 'black' },
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
  // The paths in light shades, the average in the headline's own colour.
  const pathShades = ['#9ecae1', '#a1d99b', '#fdae6b', '#bcbddc', '#fcbba1', '#c7e9c0', '#d9d9d9', '#c6dbef'];
  const colours = new Map<string, string>(series.map((s, i) => [s.name, pathShades[i % pathShades.length]!]));
  colours.set('all folds averaged', seriesColours(e).get(headline) ?? BENCHMARK_COLOUR);
  return {
    id: 'paths',
    title: `CPCV paths of ${headline}`,
    caption: `Cumulative net return of ${headline} on each of the ${e.paths.paths} CPCV backtest paths (one fold's predictions per group, light lines), and of the probabilities averaged over every fold testing a date.`,
    spec: lineChart(`Equity on each CPCV path (${headline})`, e.dates, series, colours, { yTitle: 'cumulative return', yFormat: '.1%', rule: 0 }),
  };
}
