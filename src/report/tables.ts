// The report's tables as plain rows of text (pure): the same cells go to report.md, report.html
// and the terminal summary. Every headline number carries its 95% interval; baselines are rows.

import type { Interval } from '../eval/score/bootstrap.js';
import type { Evaluation, ModelVerdict, RegimeTable, StrategyRow } from '../futures/evaluate.js';
import type { PathsEvaluation, Spread } from '../futures/paths.js';

export interface Table {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns of text (names, dates, spans) set flush left in HTML; the first always is, numbers are set right. */
  readonly textColumns?: readonly number[];
}

/** x with d decimals; a value that rounds to zero prints without a sign ("0.0", not "-0.0"). */
export const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? unsignedZero(x.toFixed(d)) : x === Infinity ? 'inf' : '-');
export const pct = (x: number, d = 1): string => (Number.isFinite(x) ? `${unsignedZero((100 * x).toFixed(d))}%` : '-');
const unsignedZero = (s: string): string => (/^-0\.?0*$/.test(s) ? s.slice(1) : s);
export const ci = (i: Pick<Interval, 'estimate' | 'lo' | 'hi'>, d = 3): string => `${fmt(i.estimate, d)} [${fmt(i.lo, d)}, ${fmt(i.hi, d)}]`;
export const pv = (x: number): string => (!Number.isFinite(x) ? '-' : x < 0.001 ? '<0.001' : x.toFixed(3));

/** Accuracy against chance and against always-long (the probabilistic scores are in scoreTable). */
export function classificationTable(e: Evaluation): Table {
  const row = (v: ModelVerdict): string[] => [
    v.model,
    String(v.metrics.n),
    ci(v.accuracy),
    pv(v.versusHalf.p),
    `${fmt(v.versusAlwaysLong.estimate)} [${fmt(v.versusAlwaysLong.lo)}, ${fmt(v.versusAlwaysLong.hi)}]`,
    pv(v.versusAlwaysLong.p),
  ];
  return {
    head: ['model', 'days', 'accuracy [95% CI]', 'p vs 50%', 'minus always-long [95% CI]', 'p'],
    rows: [...e.models.map(row), ['always-long', String(e.days), fmt(e.alwaysLong), '-', '-', '-']],
  };
}

/** Balanced accuracy, AUC and the probabilistic scores (log-loss, Brier) and MCC. */
export function scoreTable(e: Evaluation): Table {
  return {
    head: ['model', 'balanced acc', 'AUC [95% CI]', 'log-loss', 'Brier', 'MCC'],
    rows: [...e.models.map((v) => [v.model, fmt(v.metrics.balancedAccuracy), ci(v.auc), fmt(v.metrics.logLoss), fmt(v.metrics.brier), fmt(v.metrics.mcc)]), ['always-long', '0.500', '-', '-', '-', '-']],
  };
}

/** Precision and recall of each predicted class (up: P(up) > 0.5). */
export function classTable(e: Evaluation): Table {
  return {
    head: ['model', 'up calls', 'precision up', 'recall up', 'precision down', 'recall down'],
    rows: e.models.map((v) => {
      const m = v.metrics;
      // precision up = true ups / up calls, recall up = true ups / positives: up calls = recall * positives / precision.
      const upCalls = m.precisionUp > 0 ? Math.round((m.recallUp * m.positives) / m.precisionUp) : 0;
      return [v.model, String(upCalls), fmt(m.precisionUp), fmt(m.recallUp), fmt(m.precisionDown), fmt(m.recallDown)];
    }),
  };
}

export function comparisonTable(e: Evaluation): Table {
  return {
    head: ['comparison', 'accuracy difference [95% CI]', 'p'],
    rows: e.comparisons.map((c) => [`${c.a} − ${c.b}`, `${fmt(c.difference.estimate)} [${fmt(c.difference.lo)}, ${fmt(c.difference.hi)}]`, pv(c.difference.p)]),
  };
}

export function regimeTable(e: Evaluation, t: RegimeTable): Table {
  const models = e.models.map((m) => m.model);
  return {
    head: ['regime', 'days', 'up share (always-long)', ...models.map((m) => `${m} accuracy [95% CI]`)],
    rows: t.rows.map((r) => [r.label, String(r.n), fmt(r.upShare), ...models.map((m) => (r.n > 0 ? ci(r.accuracy[m]!) : '-'))]),
  };
}

/** Return and risk per strategy (trading figures are in tradingTable). */
export function strategyTable(rows: readonly StrategyRow[]): Table {
  return {
    head: ['strategy', 'kind', 'ann. return', 'ann. vol', 'Sharpe [95% CI]', 'p', 'Sortino', 'max DD', 'Calmar'],
    textColumns: [1],
    rows: rows.map((s) => [
      s.name,
      s.kind,
      pct(s.stats.annualReturn, 2),
      pct(s.stats.annualVol, 2),
      `${fmt(s.sharpe.estimate, 2)} [${fmt(s.sharpe.lo, 2)}, ${fmt(s.sharpe.hi, 2)}]`,
      pv(s.sharpe.p),
      fmt(s.stats.sortino, 2),
      pct(s.stats.maxDrawdown, 2),
      fmt(s.stats.calmar, 2),
    ]),
  };
}

/** Trading per strategy: turnover, hit rate, profit factor and the P&L of one contract in ticks and CNY. */
export function tradingTable(rows: readonly StrategyRow[]): Table {
  return {
    head: ['strategy', 'turnover/yr', 'hit rate', 'profit factor', 'ticks', 'CNY / contract'],
    rows: rows.map((s) => [s.name, fmt(s.stats.turnover, 0), pct(s.stats.hitRate), fmt(s.stats.profitFactor, 2), fmt(s.stats.totalTicks, 0), fmt(s.stats.totalCny, 0)]),
  };
}

export function gapTable(e: Evaluation): Table {
  return {
    head: ['model', 'folds', 'train accuracy', 'OOS accuracy', 'gap', 'train log-loss', 'OOS log-loss'],
    rows: e.gap.map((g) => [g.model, String(g.folds), fmt(g.trainAccuracy), fmt(g.testAccuracy), fmt(g.accuracyGap), fmt(g.trainLoss), fmt(g.testLoss)]),
  };
}

/** CPCV: each model's spread of accuracy and Sharpe over the backtest paths. */
export function pathSummaryTable(p: PathsEvaluation): Table {
  const sp = (x: Spread): string => `${fmt(x.mean)} ± ${fmt(x.sd)} [${fmt(x.min)}, ${fmt(x.max)}]`;
  return {
    head: ['model', 'paths', 'accuracy mean ± sd [min, max]', 'annual Sharpe mean ± sd [min, max]', 'paths with Sharpe > 0'],
    rows: p.summary.map((s) => [s.model, String(s.paths), sp(s.accuracy), sp(s.sharpe), pct(s.positive, 0)]),
  };
}

/** CPCV: every path of every model. */
export function pathRowsTable(p: PathsEvaluation): Table {
  return {
    textColumns: [1],
    head: ['path', 'model', 'days', 'accuracy', 'annual Sharpe', 'net return'],
    rows: p.rows.map((r) => [String(r.path), r.model, String(r.days), fmt(r.accuracy), fmt(r.sharpe, 2), pct(r.netReturn)]),
  };
}

/** The sentence above the CPCV path tables. */
export const PATHS_NOTE =
  'Combinatorial purged cross-validation: every date is tested by several folds; each path takes one of them per group, so each is a complete backtest over all dates. The tables above average all folds testing a date; these show how much a single backtest could vary.';

/** The sentence under the strategy table (what the P&L units are). */
export const STRATEGY_NOTE =
  'Positions decided at the close of t for t -> t+1, costs per side in ticks, rolls costed; returns are fractions of one contract notional, added up (no compounding).';

/** The sentence above the down-market tables. */
export const REGIME_NOTE =
  'Each definition splits the test days into up, down and sideways. Definitions known at t can drive a decision; "day" looks at the outcome and is for reporting only.';
