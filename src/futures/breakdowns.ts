// Breakdowns of an out-of-sample record (pure), for the report a portfolio manager reads: figures
// by calendar year and month, the worst drawdown episodes with their dates, returns by predicted
// probability bucket (the quantile-returns view), each fold's own out-of-sample figures, and the
// headline strategy's Sharpe against every other strategy on the same days.
//
// Inputs are per test date, in date order. Returns are daily net returns as fractions of one
// contract notional, which add up (pnl.ts), so a period's return is a sum and a drawdown a
// difference.

import { isoDate } from '../market/calendar.js';
import type { Product } from '../market/specs.js';
import { blockBootstrap, type BootstrapOptions, type Interval } from '../eval/score/bootstrap.js';
import { groupByPeriod, sumByGroup } from '../eval/score/calendar.js';
import { worstDrawdowns } from '../eval/score/drawdowns.js';
import { binaryMetrics, correctness } from '../eval/score/metrics.js';
import { sharpeAt, statisticTest, type TestResult } from '../eval/score/significance.js';
import type { PredictionRecord } from '../eval/run/runs.js';
import type { CostModel, PositionRule } from './pnl.js';
import { ensembleByDate, netReturnsOf, testDayMoves } from './test-days.js';

/** A strategy's record on the test dates: its calls (P(up); a benchmark that is always long: 1) and its net returns. */
export interface StrategyRecord {
  readonly name: string;
  readonly probability: ArrayLike<number>;
  readonly netReturn: ArrayLike<number>;
}

export interface YearRow {
  readonly year: string;
  readonly strategy: string;
  readonly days: number;
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  /** Annualised Sharpe of the year's daily net returns (NaN with fewer than 2 days or no spread). */
  readonly sharpe: number;
  /** Sum of the year's daily net returns. */
  readonly netReturn: number;
  /** Largest fall from a high within the year, the year starting from its own high of 0: >= 0. */
  readonly maxDrawdown: number;
}

/** Per calendar year, one row per strategy (years in order, strategies in the given order). */
export function yearRows(dates: readonly string[], label: ArrayLike<number>, strategies: readonly StrategyRecord[], periodsPerYear: number): YearRow[] {
  const rows: YearRow[] = [];
  for (const g of groupByPeriod(dates, 'year')) {
    for (const s of strategies) {
      const m = binaryMetrics(s.probability, label, g.indices);
      const r = Float64Array.from(g.indices, (i) => s.netReturn[i]!);
      rows.push({
        year: g.key,
        strategy: s.name,
        days: g.indices.length,
        accuracy: m.accuracy,
        balancedAccuracy: m.balancedAccuracy,
        sharpe: sharpeAt(r, Int32Array.from(r.keys()), periodsPerYear),
        netReturn: r.reduce((a, b) => a + b, 0),
        maxDrawdown: maxDrawdownOf(r),
      });
    }
  }
  return rows;
}

/** Largest fall of the cumulative sum from its running high (the high starts at 0). */
function maxDrawdownOf(r: ArrayLike<number>): number {
  let equity = 0;
  let peak = 0;
  let worst = 0;
  for (let i = 0; i < r.length; i++) {
    equity += r[i]!;
    if (equity > peak) peak = equity;
    if (peak - equity > worst) worst = peak - equity;
  }
  return worst;
}

export interface MonthReturn {
  /** 'YYYY-MM'. */
  readonly month: string;
  readonly days: number;
  readonly netReturn: number;
}

/** Sum of daily net returns per calendar month with a test date. */
export function monthlyReturns(dates: readonly string[], netReturn: ArrayLike<number>): MonthReturn[] {
  const groups = groupByPeriod(dates, 'month');
  const sums = sumByGroup(netReturn, groups);
  return groups.map((g, i) => ({ month: g.key, days: g.indices.length, netReturn: sums[i]! }));
}

export interface DrawdownRow {
  /** The last date at the high the fall started from; the first test date when the high is the start (before any P&L). */
  readonly start: string;
  readonly trough: string;
  /** First date back at the high; null when not recovered by the last test date. */
  readonly recovery: string | null;
  /** High minus trough, in the curve's units (fraction of one notional): > 0. */
  readonly depth: number;
  /** Test days from the high to the trough. */
  readonly toTrough: number;
  /** Test days from the high to the recovery (or to the last test date). */
  readonly length: number;
}

/** The `k` deepest drawdown episodes of a cumulative P&L curve, deepest first, with their dates. */
export function drawdownRows(dates: readonly string[], equity: ArrayLike<number>, k = 5): DrawdownRow[] {
  return worstDrawdowns(equity, k).map((d) => ({
    start: dates[Math.max(0, d.peak)]!,
    trough: dates[d.trough]!,
    recovery: d.recovery === null ? null : dates[d.recovery]!,
    depth: d.depth,
    toTrough: d.toTrough,
    length: d.length,
  }));
}

export interface BucketRow {
  readonly model: string;
  /** 1 = the lowest probabilities. */
  readonly bucket: number;
  readonly days: number;
  readonly minProbability: number;
  readonly maxProbability: number;
  readonly meanProbability: number;
  /** Share of up outcomes, with a block-bootstrap interval over the bucket's days in date order. */
  readonly upShare: Interval;
  /** Mean next-day move of the traded contract in ticks (what a long position would earn before costs), with its interval. */
  readonly meanTicks: Interval;
}

/**
 * The days split into `k` buckets of (nearly) equal size by the model's probability, lowest first.
 * Quantile rather than fixed-width buckets because a timing model's probabilities crowd around
 * 0.5. A model with an edge shows up shares and mean moves rising from bucket 1 to bucket k.
 */
export function probabilityBuckets(model: string, prob: ArrayLike<number>, label: ArrayLike<number>, moveTicks: ArrayLike<number>, k: number, boot: BootstrapOptions = {}): BucketRow[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`probabilityBuckets: k must be a whole number >= 1, got ${k}`);
  if (prob.length !== label.length || prob.length !== moveTicks.length) throw new RangeError(`probabilityBuckets: ${prob.length} probabilities, ${label.length} labels and ${moveTicks.length} moves`);
  // Sort by probability, ties by date, so equal probabilities split the same way on every run.
  const order = Array.from({ length: prob.length }, (_, i) => i).sort((a, b) => prob[a]! - prob[b]! || a - b);
  const n = order.length;
  const buckets = Math.min(k, n);
  const rows: BucketRow[] = [];
  for (let b = 0; b < buckets; b++) {
    const idx = Int32Array.from(order.slice(Math.floor((b * n) / buckets), Math.floor(((b + 1) * n) / buckets))).sort();
    const up = Float64Array.from(idx, (i) => label[i]!);
    const ticks = Float64Array.from(idx, (i) => moveTicks[i]!);
    const p = Float64Array.from(idx, (i) => prob[i]!);
    rows.push({
      model,
      bucket: b + 1,
      days: idx.length,
      minProbability: Math.min(...p),
      maxProbability: Math.max(...p),
      meanProbability: mean(p),
      upShare: blockBootstrap(idx.length, (j) => meanOf(up, j), boot),
      meanTicks: blockBootstrap(idx.length, (j) => meanOf(ticks, j), boot),
    });
  }
  return rows;
}

export interface SharpeComparison {
  readonly a: string;
  readonly b: string;
  /** Annualised Sharpe of a minus that of b, both computed on the same resampled days. */
  readonly difference: TestResult;
}

/** Sharpe of strategy `a` minus strategy `b` on the same days, with a paired block-bootstrap interval and p. */
export function sharpeDifference(a: StrategyRecord, b: StrategyRecord, periodsPerYear: number, boot: BootstrapOptions = {}): SharpeComparison {
  const x = Float64Array.from(a.netReturn);
  const y = Float64Array.from(b.netReturn);
  if (x.length !== y.length) throw new RangeError(`sharpeDifference: ${a.name} has ${x.length} days, ${b.name} ${y.length}`);
  const difference = statisticTest(x.length, (idx) => sharpeAt(x, idx, periodsPerYear) - sharpeAt(y, idx, periodsPerYear), 0, `Sharpe ${a.name} - ${b.name}`, boot);
  return { a: a.name, b: b.name, difference };
}

export interface FoldModelFigures {
  readonly accuracy: number;
  /** Annualised Sharpe of trading the fold's own predictions over its test days. */
  readonly sharpe: number;
  readonly netReturn: number;
}

export interface FoldRow {
  readonly fold: number;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** Share of up days (what always-long scores). */
  readonly upShare: number;
  readonly models: Readonly<Record<string, FoldModelFigures>>;
}

export interface FoldRowsInput {
  readonly product: Product;
  readonly models: readonly string[];
  readonly predictions: readonly PredictionRecord[];
  readonly rule: PositionRule;
  readonly costs: CostModel;
  readonly periodsPerYear: number;
}

/**
 * Each fold scored on its own predictions (seeds averaged), in fold order: how the out-of-sample
 * figures vary from one test window to the next. A fold's strategy starts flat (it pays its
 * entry), as a fresh model deployed at the window's start would. Under CPCV a date is tested by
 * several folds, so the rows overlap in time.
 */
export function foldRows(input: FoldRowsInput): FoldRow[] {
  const byFold = new Map<number, PredictionRecord[]>();
  for (const p of input.predictions) {
    const list = byFold.get(p.fold);
    if (list) list.push(p);
    else byFold.set(p.fold, [p]);
  }
  const rows: FoldRow[] = [];
  for (const fold of [...byFold.keys()].sort((a, b) => a - b)) {
    const { dates, prob, rows: first } = ensembleByDate(byFold.get(fold)!, input.models);
    if (dates.length === 0) continue; // a fold some model has not predicted (an unfinished run) is left out
    const moves = testDayMoves(input.product, dates, first);
    const models: Record<string, FoldModelFigures> = {};
    for (const m of input.models) {
      const pm = prob.get(m)!;
      const c = correctness(pm, moves.label);
      const net = netReturnsOf(pm, moves, input.rule, input.costs);
      models[m] = { accuracy: mean(c), sharpe: sharpeAt(net, Int32Array.from(net.keys()), input.periodsPerYear), netReturn: net.reduce((a, b) => a + b, 0) };
    }
    rows.push({ fold, from: isoDate(dates[0]!), to: isoDate(dates[dates.length - 1]!), days: dates.length, upShare: mean(moves.label), models });
  }
  return rows;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length > 0 ? s / x.length : Number.NaN;
}

function meanOf(x: Float64Array, idx: Int32Array): number {
  let s = 0;
  for (let i = 0; i < idx.length; i++) s += x[idx[i]!]!;
  return idx.length > 0 ? s / idx.length : Number.NaN;
}
