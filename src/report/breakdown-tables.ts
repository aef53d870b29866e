// The report's breakdown tables as rows of text (pure): by year and month, the worst drawdowns,
// returns by probability quintile, the headline's Sharpe against every other strategy, each fold
// out of sample, and the fold plan with dates. Each stays narrow enough for an A4 page.

import type { DatedPlan, DatedSpan } from '../eval/plan/folds.js';
import type { Evaluation } from '../futures/evaluate.js';
import { ci, fmt, pct, pv, type Table } from './tables.js';

export function yearTable(e: Evaluation): Table {
  return {
    head: ['year', 'strategy', 'days', 'accuracy', 'balanced acc', 'Sharpe', 'return', 'max DD'],
    textColumns: [1],
    rows: e.years.map((y) => [y.year, y.strategy, String(y.days), fmt(y.accuracy), fmt(y.balancedAccuracy), fmt(y.sharpe, 2), pct(y.netReturn, 2), pct(y.maxDrawdown, 2)]),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Year by month grid of the headline strategy's net returns, with the year's total. */
export function monthlyTable(e: Evaluation): Table {
  const years = [...new Set(e.monthly.map((m) => m.month.slice(0, 4)))];
  return {
    head: ['year', ...MONTHS, 'year'],
    rows: years.map((y) => {
      const cells = MONTHS.map((_, i) => e.monthly.find((m) => m.month === `${y}-${String(i + 1).padStart(2, '0')}`));
      const total = cells.reduce((s, c) => s + (c?.netReturn ?? 0), 0);
      return [y, ...cells.map((c) => (c ? pct(c.netReturn) : '')), pct(total)];
    }),
  };
}

export function drawdownTable(e: Evaluation): Table {
  return {
    head: ['rank', 'start (high)', 'trough', 'recovered', 'depth', 'days to trough', 'days under water'],
    textColumns: [1, 2, 3],
    rows: e.drawdowns.map((d, i) => [String(i + 1), d.start, d.trough, d.recovery ?? 'not yet', pct(d.depth, 2), String(d.toTrough), `${d.length}${d.recovery === null ? '+' : ''}`]),
  };
}

export function bucketTable(e: Evaluation): Table {
  return {
    textColumns: [1],
    head: ['model', 'quintile', 'days', 'P(up) range', 'up share [95% CI]', 'mean next-day ticks [95% CI]'],
    rows: e.buckets.map((b) => [b.model, `Q${b.bucket}`, String(b.days), `${fmt(b.minProbability)}-${fmt(b.maxProbability)}`, ci(b.upShare), ci(b.meanTicks, 2)]),
  };
}

export function versusTable(e: Evaluation): Table {
  return {
    head: ['comparison', 'Sharpe difference [95% CI]', 'p'],
    rows: e.versus.map((v) => [`${v.a} − ${v.b}`, ci(v.difference, 2), pv(v.difference.p)]),
  };
}

export function foldTable(e: Evaluation): Table {
  const models = e.models.map((m) => m.model);
  const headline = models[0]!;
  return {
    textColumns: [2, 3],
    head: ['fold', 'test days', 'from', 'to', 'up share', ...models.map((m) => `${m} accuracy`), `${headline} Sharpe`, `${headline} return`],
    rows: e.folds.map((f) => [String(f.fold), String(f.days), f.from, f.to, fmt(f.upShare), ...models.map((m) => fmt(f.models[m]?.accuracy ?? Number.NaN)), fmt(f.models[headline]?.sharpe ?? Number.NaN, 2), pct(f.models[headline]?.netReturn ?? Number.NaN, 2)]),
  };
}

const spans = (xs: readonly DatedSpan[]): string => (xs.length === 0 ? '-' : `${xs.map((s) => `${s.from} .. ${s.to}`).join(' + ')} (${xs.reduce((n, s) => n + s.samples, 0)})`);

/** Every fold's spans with dates and sample counts (CPCV: with the groups it tests). */
export function planTable(plan: DatedPlan): Table {
  const cpcv = plan.cpcv !== undefined;
  return {
    head: ['fold', ...(cpcv ? ['test groups'] : []), 'train', 'validation', 'test'],
    textColumns: cpcv ? [1, 2, 3, 4] : [1, 2, 3],
    rows: plan.folds.map((f) => [String(f.index), ...(cpcv ? [(f.testGroups ?? []).join(', ')] : []), spans(f.train), spans(f.validation), spans(f.test)]),
  };
}
