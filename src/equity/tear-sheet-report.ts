// A factor's tear sheet as a ReportDocument for the shared report writer (pure): the IC and Rank
// IC with their intervals, the quantile returns and the long-short spread, turnover,
// autocorrelation and decay, with charts.

import { base, lineChart, paletteColours, type Chart } from '../report/chart-kit.js';
import type { ReportDocument, ReportSection } from '../report/document.js';
import { ci, fmt, pct, type Table } from '../report/tables.js';
import type { IcSummary, TearSheet } from './analysis.js';

export interface TearSheetInfo {
  readonly factor: string;
  readonly universe: string;
  /** How the score was prepared (e.g. "industry-neutralised"). */
  readonly preparation: string;
  readonly caveats: readonly string[];
  readonly command: string;
}

const icRow = (name: string, s: IcSummary): string[] => [name, ci(s.interval), fmt(s.sd), fmt(s.icir, 3), fmt(s.icirAnnualised, 2), fmt(s.tStat, 2), pct(s.positiveShare), String(s.dates)];

export function icTable(t: TearSheet): Table {
  return { head: ['measure', 'mean [95% CI]', 'sd', 'ICIR', 'ICIR (annual)', 't', 'share > 0', 'dates'], rows: [icRow('IC', t.ic.summary), icRow('Rank IC', t.rankIc.summary)] };
}

export function quantileTable(t: TearSheet): Table {
  const q = t.quantiles;
  return {
    head: ['quantile', `mean ${q.horizon}-day return [95% CI]`],
    rows: [...q.mean.map((m, i) => [`Q${i + 1}${i === 0 ? ' (lowest)' : i === q.quantiles - 1 ? ' (highest)' : ''}`, `${pct(m.estimate, 3)} [${pct(m.lo, 3)}, ${pct(m.hi, 3)}]`]), [`Q${q.quantiles} − Q1`, `${pct(q.spread.mean, 3)} [${pct(q.spread.interval.lo, 3)}, ${pct(q.spread.interval.hi, 3)}]`]],
  };
}

function cumulativeIcChart(t: TearSheet): Chart {
  const sum = (v: Float64Array): Float64Array => {
    let s = 0;
    return Float64Array.from(v, (x) => (Number.isFinite(x) ? (s += x) : s));
  };
  return {
    id: 'cumulative-ic',
    title: 'Cumulative IC',
    caption: 'The daily IC and Rank IC added up: a steady slope is a steady edge; a flat stretch is a stretch without one.',
    spec: lineChart('Cumulative IC', t.ic.series.dates, [{ name: 'IC', values: sum(t.ic.series.values) }, { name: 'Rank IC', values: sum(t.rankIc.series.values) }], paletteColours(['IC', 'Rank IC']), { yTitle: 'cumulative IC', yFormat: '.1f', rule: 0 }),
  };
}

function quantileChart(t: TearSheet): Chart {
  const q = t.quantiles;
  const rows = q.mean.map((m, i) => ({ quantile: `Q${i + 1}`, r: m.estimate, lo: m.lo, hi: m.hi }));
  const x = { field: 'quantile', type: 'ordinal', sort: rows.map((r) => r.quantile), title: 'quantile of the score (Q1 lowest)', axis: { labelAngle: 0 } };
  const y = { type: 'quantitative', title: `mean ${q.horizon}-day return (95% interval)`, axis: { format: '.2%' } };
  return {
    id: 'quantiles',
    title: 'Returns by quantile',
    caption: `Mean ${q.horizon}-day forward return of each quantile (${q.weights === 'cap' ? 'cap' : 'equally'} weighted), with 95% block-bootstrap intervals. A factor that ranks stocks well rises from Q1 to Q${q.quantiles}.`,
    spec: {
      ...base('Mean forward return by quantile'),
      data: { values: rows },
      layer: [
        { mark: { type: 'bar', color: '#0072b2', opacity: 0.75 }, encoding: { x, y: { ...y, field: 'r' } } },
        { mark: { type: 'rule', color: '#333' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
      ],
    },
  };
}

function spreadChart(t: TearSheet): Chart {
  const q = t.quantiles;
  return {
    id: 'spread',
    title: 'Long-short spread',
    caption: `Q${q.quantiles} minus Q1, compounded over non-overlapping ${q.horizon}-day periods (before costs).`,
    spec: lineChart(`Cumulative Q${q.quantiles} − Q1`, q.dates, [{ name: 'spread', values: Float64Array.from(q.spread.cumulative, (c) => c) }], paletteColours(['spread']), { yTitle: 'cumulative return', yFormat: '.0%', rule: 0 }),
  };
}

export function tearSheetReport(t: TearSheet, info: TearSheetInfo): ReportDocument {
  const r = t.rankIc.summary;
  const q = t.quantiles;
  const verdict = r.interval.lo > 0 ? 'ranks the next returns: the Rank IC interval is above 0' : r.interval.hi < 0 ? 'ranks them in reverse: the Rank IC interval is below 0' : 'cannot be told apart from no ranking at all: the Rank IC interval contains 0';
  const sections: ReportSection[] = [
    {
      id: 'summary',
      title: `${info.factor}: ${verdict}`,
      box: true,
      blocks: [
        { kind: 'text', text: `${info.universe}; score ${info.preparation}; horizon ${t.horizon} day(s), ${q.quantiles} quantiles. Rank IC ${ci(r.interval)}, ICIR ${fmt(r.icirAnnualised, 2)} a year; Q${q.quantiles} − Q1 ${pct(q.spread.mean, 3)} a period [${pct(q.spread.interval.lo, 3)}, ${pct(q.spread.interval.hi, 3)}], Sharpe ${fmt(q.spread.sharpe, 2)} before costs; top-quantile turnover ${pct(t.turnover.meanTop)} a day.` },
        { kind: 'table', table: icTable(t) },
        { kind: 'list', items: info.caveats.map((c) => ({ text: c })) },
        { kind: 'code', lines: [info.command] },
      ],
    },
    { id: 'ic', title: 'Information coefficient', anchor: true, blocks: [{ kind: 'chart', chart: cumulativeIcChart(t) }] },
    { id: 'quantiles', title: 'Quantile returns', anchor: true, blocks: [{ kind: 'table', table: quantileTable(t) }, { kind: 'chart', chart: quantileChart(t) }, { kind: 'chart', chart: spreadChart(t) }] },
    {
      id: 'stability',
      title: 'Turnover, autocorrelation and decay',
      blocks: [
        { kind: 'table', table: { head: ['measure', 'value'], rows: [['top quantile turnover a day', pct(t.turnover.meanTop)], ['bottom quantile turnover a day', pct(t.turnover.meanBottom)], [`rank autocorrelation, lag ${t.autocorrelation.lag}`, fmt(t.autocorrelation.mean)]] } },
        { kind: 'table', table: { head: ['horizon (days)', 'Rank IC [95% CI]', 'ICIR (annual)', 'dates'], rows: t.decay.map((d) => [String(d.horizon), ci(d.summary.interval), fmt(d.summary.icirAnnualised, 2), String(d.summary.dates)]) } },
      ],
    },
  ];
  return { title: `Factor tear sheet: ${info.factor}`, intro: [], sections };
}
