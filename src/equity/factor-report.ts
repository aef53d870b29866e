// The equity factor report (pure): each factor's return over the week, month and year to a date,
// the cumulative factor returns, how well the model fits, and the caveats of the data, as a
// ReportDocument for the shared report writer (src/report: report.md, report.html, JSON).

import { rollingMean } from '../features/rolling.js';
import { lineChart, paletteColours, type Chart } from '../report/chart-kit.js';
import type { ReportBlock, ReportDocument, ReportSection } from '../report/document.js';
import { fmt, pct, type Table } from '../report/tables.js';
import { cumulativeReturn, periodReturns, type FactorModel, type PeriodReturn } from './model.js';
import type { StockPanel } from './panel.js';

export interface FactorReportInfo {
  /** What the panel is, e.g. "CSI300 members (a 2026 list applied back)". */
  readonly universe: string;
  /** Facts about the data a reader must know (survivorship, gaps, short histories). */
  readonly caveats: readonly string[];
  readonly command: string;
}

const periodTable = (rows: readonly PeriodReturn[]): Table => ({
  head: ['factor', 'week', 'month', 'year to date', 'days (YTD)', 'mean |t| (YTD)'],
  rows: rows.map((r) => [r.factor, pct(r.week, 2), pct(r.month, 2), pct(r.ytd, 2), String(r.ytdDays), fmt(r.meanAbsT, 2)]),
});

function cumulativeChart(m: FactorModel, factors: readonly string[], id: string, title: string): Chart {
  const s = m.series;
  return {
    id,
    title,
    caption: 'Cumulative factor returns: daily returns of each factor (the return of a unit exposure, all else held at zero) added up from the first date.',
    spec: lineChart(title, s.dates, factors.map((f) => ({ name: f, values: cumulativeReturn(s, f) })), paletteColours(factors), { yTitle: 'cumulative return', yFormat: '.0%', rule: 0 }),
  };
}

function fitChart(m: FactorModel): Chart {
  return {
    id: 'fit',
    title: 'Fit of the cross-sectional regression',
    caption: 'Weighted R² of each day’s regression of stock returns on country, industries and styles, averaged over the last 21 days.',
    spec: lineChart('R² (21-day mean)', m.series.dates, [{ name: 'R²', values: rollingMean(Float64Array.from(m.series.rSquared, (x) => (Number.isFinite(x) ? x : 0)), 21) }], paletteColours(['R²']), { yTitle: 'R²', yFormat: '.0%' }),
  };
}

export function factorReport(p: StockPanel, m: FactorModel, asOf: string, info: FactorReportInfo): ReportDocument {
  const { asOf: date, rows } = periodReturns(m, asOf);
  const styles = rows.filter((r) => r.kind !== 'industry');
  const industries = rows.filter((r) => r.kind === 'industry');
  const P = m.series.factors.length;
  const vol = m.series.factors.map((f, k) => [f, m.covariance ? Math.sqrt(m.covariance.matrix[k * P + k]! * 250) : Number.NaN] as const);
  const r2 = Array.from(m.series.rSquared).filter(Number.isFinite);
  const text = (t: string): ReportBlock => ({ kind: 'text', text: t });
  const sections: ReportSection[] = [
    {
      id: 'summary',
      title: `Style factor returns to ${date}`,
      box: true,
      blocks: [
        text(`${info.universe}: ${p.codes.length} stocks, ${p.dates[0]} .. ${p.dates.at(-1)}; industries ${p.classification.name} (as of ${p.classification.asOf}, ${p.industries.length}). Returns are sums of daily factor returns: the week from Monday, the month and the year to ${date}.`),
        { kind: 'table', table: periodTable(styles) },
        { kind: 'list', items: info.caveats.map((c) => ({ text: c })) },
        { kind: 'code', lines: [info.command] },
      ],
    },
    {
      id: 'styles',
      title: 'Cumulative style factor returns',
      anchor: true,
      blocks: [
        { kind: 'chart', chart: cumulativeChart(m, styles.map((r) => r.factor), 'styles', 'Cumulative style factor returns') },
        { kind: 'table', table: { head: ['style', 'stock-days from data', 'annualised volatility'], rows: styles.filter((r) => r.kind === 'style').map((r) => [r.factor, pct(m.exposures.coverage[r.factor] ?? Number.NaN), pct(vol.find(([f]) => f === r.factor)?.[1] ?? Number.NaN)]) } },
      ],
    },
    { id: 'industries', title: `Industry factor returns to ${date}`, blocks: [{ kind: 'table', table: periodTable(industries) }] },
    {
      id: 'fit',
      title: 'Model fit',
      blocks: [
        text(`Mean weighted R² ${fmt(r2.reduce((a, b) => a + b, 0) / Math.max(1, r2.length))} over ${r2.length} estimated days; ${m.series.skipped.length} day(s) without an estimate; styles sitting days out for want of data: ${[...new Set(m.series.dropped.filter((d) => d.reason === 'no_data').map((d) => d.factor))].join(', ') || 'none'}.`),
        { kind: 'chart', chart: fitChart(m) },
      ],
    },
  ];
  return { title: `Equity factor report to ${date}`, intro: [], sections };
}
