// The out-of-sample verdict of a walk-forward run (pure): classification metrics with block-bootstrap
// intervals, the same by market regime (down markets separately, three definitions), strategy P&L
// of every model against the traditional timing factors and buy-and-hold, the factor-timing
// combination, and the train-vs-OOS gap. Inputs are the run's predictions and the continuous
// close series; nothing here reads the store or trains.

import { isoDate } from '../market/calendar.js';
import type { Product } from '../market/specs.js';
import type { BootstrapOptions, Interval } from '../eval/score/bootstrap.js';
import { blockBootstrap } from '../eval/score/bootstrap.js';
import { buyAndHold, combineSignals, probabilitySignal, traditionalFactors } from './factors.js';
import { binaryMetrics, correctness, type BinaryMetrics } from '../eval/score/metrics.js';
import { positionsFromProb, strategyPnl, strategyStats, type CostModel, type PositionRule, type StrategyStats } from './pnl.js';
import { indicesOf, regimeSplits, type RegimeLabel, type RegimeOptions } from './regimes.js';
import type { PathsEvaluation } from './paths.js';
import { ensembleByDate, testDayMoves } from './test-days.js';
import type { PredictionRecord } from '../eval/run/runs.js';
import { drawdownRows, foldRows, monthlyReturns, probabilityBuckets, sharpeDifference, yearRows, type BucketRow, type DrawdownRow, type FoldRow, type MonthReturn, type SharpeComparison, type StrategyRecord, type YearRow } from './breakdowns.js';
import { accuracyDifference, accuracyVersus, meanVersusZero, type TestResult } from '../eval/score/significance.js';

/** The timed product's continuous contract, back-adjusted closes (what factors and regimes read). */
export interface CloseSeries {
  readonly date: Int32Array;
  readonly close: Float64Array;
}

export interface EvaluationInput {
  readonly product: Product;
  /** Model labels in the experiment's order; the first is the headline model. */
  readonly models: readonly string[];
  readonly predictions: readonly PredictionRecord[];
  /** The continuous contract's back-adjusted closes and their dates (ascending). */
  readonly series: CloseSeries;
  readonly rule: PositionRule;
  readonly costs: CostModel;
  /** The deep model's weight in the factor-timing combination. */
  readonly factorWeight: number;
  readonly periodsPerYear: number;
  readonly bootstrap?: BootstrapOptions;
  readonly regimes?: RegimeOptions;
  /** Per-job figures from the run store (train / validation / test). */
  readonly jobs?: readonly JobFigures[];
}

export interface JobFigures {
  readonly model: string;
  readonly fold: number;
  readonly trainAccuracy: number;
  readonly trainLoss: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
}

export interface ModelVerdict {
  readonly model: string;
  readonly metrics: BinaryMetrics;
  readonly accuracy: Interval;
  readonly auc: Interval;
  readonly versusHalf: TestResult & { readonly pBinomial: number };
  readonly versusAlwaysLong: TestResult;
}

export interface RegimeRow {
  readonly label: 'all' | RegimeLabel;
  readonly n: number;
  /** Per model: accuracy with its interval. */
  readonly accuracy: Readonly<Record<string, Interval>>;
  /** Share of up days among them (what always-long would score). */
  readonly upShare: number;
}

export interface RegimeTable {
  readonly definition: string;
  readonly description: string;
  readonly knownAtT: boolean;
  readonly rows: readonly RegimeRow[];
}

export interface StrategyRow {
  readonly name: string;
  readonly kind: 'model' | 'factor' | 'benchmark' | 'combination';
  readonly description: string;
  readonly stats: StrategyStats;
  /** Annualised Sharpe with its interval and p against 0. */
  readonly sharpe: TestResult;
  /** Cumulative net return (fraction of one notional), per test date: the equity curve. */
  readonly equity: readonly number[];
  /** Per test date: the net return, the position held over t -> t+1 and the contracts traded at the close of t. */
  readonly netReturn: readonly number[];
  readonly position: readonly number[];
  readonly turnover: readonly number[];
}

export interface GapRow {
  readonly model: string;
  readonly folds: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly accuracyGap: number;
  readonly trainLoss: number;
  readonly testLoss: number;
}

export interface Evaluation {
  readonly product: Product;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly dates: readonly string[];
  readonly models: readonly ModelVerdict[];
  /** Accuracy of always predicting up over the same dates. */
  readonly alwaysLong: number;
  /** The first model against each other one: accuracy difference (first − other). */
  readonly comparisons: readonly { readonly a: string; readonly b: string; readonly difference: TestResult }[];
  readonly regimes: readonly RegimeTable[];
  readonly strategies: readonly StrategyRow[];
  readonly gap: readonly GapRow[];
  /** Per model, 1/0 correctness by date (for rolling accuracy charts). */
  readonly correct: Readonly<Record<string, readonly number[]>>;
  /** Per model, the seed-averaged P(up) by date, and the labels (for calibration charts). */
  readonly probability: Readonly<Record<string, readonly number[]>>;
  readonly label: readonly number[];
  /** Per date, the next-day move of the traded contract in ticks. */
  readonly moveTicks: readonly number[];
  /** Per calendar year: every model's strategy and buy-and-hold (always-long's calls). */
  readonly years: readonly YearRow[];
  /** The headline model's strategy by calendar month. */
  readonly monthly: readonly MonthReturn[];
  /** The headline model's strategy: its five deepest drawdowns. */
  readonly drawdowns: readonly DrawdownRow[];
  /** Per model, the days in probability quintiles: up share and mean next-day ticks. */
  readonly buckets: readonly BucketRow[];
  /** Per model, the days in probability deciles (the calibration chart). */
  readonly calibration: readonly BucketRow[];
  /** The headline model's strategy against every other strategy: Sharpe difference on the same days. */
  readonly versus: readonly SharpeComparison[];
  /** Each fold scored on its own predictions. */
  readonly folds: readonly FoldRow[];
  /** CPCV runs: every backtest path scored (paths.ts); the figures above average all folds testing a date. */
  readonly paths?: PathsEvaluation;
}

export function evaluate(input: EvaluationInput): Evaluation {
  const { models } = input;
  const { dates, prob, rows } = ensembleByDate(input.predictions, models);
  const n = dates.length;
  if (n === 0) throw new Error('evaluate: no test date has a prediction from every model');
  const { label, moveReturn, moveTicks, traded, tickValue } = testDayMoves(input.product, dates, rows);
  const seriesRow = rowsOf(input.series.date, dates);
  const boot = input.bootstrap ?? {};
  const always = Float64Array.from({ length: n }, () => 1);
  const alwaysCorrect = correctness(always, label);

  const verdicts: ModelVerdict[] = models.map((m) => {
    const p = prob.get(m)!;
    const c = correctness(p, label);
    return {
      model: m,
      metrics: binaryMetrics(p, label),
      accuracy: blockBootstrap(n, (idx) => meanAt(c, idx), boot),
      auc: blockBootstrap(n, (idx) => binaryMetrics(p, label, idx).auc, boot),
      versusHalf: accuracyVersus(c, 0.5, boot),
      versusAlwaysLong: accuracyDifference(c, alwaysCorrect, boot),
    };
  });
  const correctOf = new Map(models.map((m) => [m, correctness(prob.get(m)!, label)]));
  const comparisons = models.slice(1).map((b) => ({ a: models[0]!, b, difference: accuracyDifference(correctOf.get(models[0]!)!, correctOf.get(b)!, boot) }));

  const regimeTables: RegimeTable[] = regimeSplits(input.series.close, seriesRow, moveReturn, input.regimes).map((split) => {
    const groups: ['all' | RegimeLabel, Int32Array][] = [
      ['all', Int32Array.from({ length: n }, (_, i) => i)],
      ...(['up', 'down', 'sideways'] as const).map((l) => [l, indicesOf(split, l)] as ['all' | RegimeLabel, Int32Array]),
    ];
    return {
      definition: split.definition,
      description: split.description,
      knownAtT: split.knownAtT,
      rows: groups.map(([l, idx]) => ({
        label: l,
        n: idx.length,
        upShare: idx.length > 0 ? meanAt(Uint8Array.from(label), idx) : Number.NaN,
        accuracy: Object.fromEntries(models.map((m) => [m, subsetInterval(correctOf.get(m)!, idx, boot)])),
      })),
    };
  });

  const strategies: StrategyRow[] = [];
  const run = (name: string, kind: StrategyRow['kind'], description: string, position: Float64Array): void => {
    const pnl = strategyPnl({ position, moveTicks, moveReturn, tradedContract: traded, tickValue }, input.costs);
    let sum = 0;
    strategies.push({
      name,
      kind,
      description,
      stats: strategyStats(pnl, input.periodsPerYear),
      sharpe: meanVersusZero(pnl.netReturn, { ...boot, sharpe: { periodsPerYear: input.periodsPerYear } }),
      equity: Array.from(pnl.netReturn, (r) => (sum += r)),
      netReturn: Array.from(pnl.netReturn),
      position: Array.from(pnl.position),
      turnover: Array.from(pnl.turnover),
    });
  };
  for (const m of models) run(m, 'model', describeRule(input.rule), positionsFromProb(prob.get(m)!, input.rule));
  const factors = traditionalFactors(input.series.close, seriesRow);
  for (const f of factors) run(f.name, 'factor', f.description, f.signal);
  const bh = buyAndHold(n);
  run('buy-and-hold', 'benchmark', bh.description, bh.signal);
  // Factor timing: the deep signal at a minority weight beside the traditional factors.
  const deep = probabilitySignal(prob.get(models[0]!)!);
  const w = input.factorWeight;
  const parts = [deep, ...factors.map((f) => f.signal)];
  const weights = [w, ...factors.map(() => (1 - w) / Math.max(1, factors.length))];
  run(`${models[0]} + factors`, 'combination', `${Math.round(w * 100)}% ${models[0]} (2p-1) + ${Math.round((1 - w) * 100)}% equal-weighted ${factors.map((f) => f.name).join(', ')}; sign as position`, sign(combineSignals(parts, weights)));
  run('factors only', 'combination', `equal-weighted ${factors.map((f) => f.name).join(', ')}; sign as position`, sign(combineSignals(factors.map((f) => f.signal), factors.map(() => 1))));

  const isoDates = Array.from(dates, isoDate);
  const headline = strategies[0]!;
  const record = (s: StrategyRow, probability: ArrayLike<number>): StrategyRecord => ({ name: s.name, probability, netReturn: s.netReturn });
  const records = [...models.map((m, i) => record(strategies[i]!, prob.get(m)!)), record(strategies.find((s) => s.kind === 'benchmark')!, always)];
  const moveTicksOut = Array.from(moveTicks);
  return {
    product: input.product,
    from: isoDate(dates[0]!),
    to: isoDate(dates[n - 1]!),
    days: n,
    dates: isoDates,
    models: verdicts,
    alwaysLong: meanAt(alwaysCorrect, null),
    comparisons,
    regimes: regimeTables,
    strategies,
    gap: gapRows(models, input.jobs ?? []),
    correct: Object.fromEntries(models.map((m) => [m, Array.from(correctOf.get(m)!)])),
    probability: Object.fromEntries(models.map((m) => [m, Array.from(prob.get(m)!)])),
    label: Array.from(label),
    moveTicks: moveTicksOut,
    years: yearRows(isoDates, label, records, input.periodsPerYear),
    monthly: monthlyReturns(isoDates, headline.netReturn),
    drawdowns: drawdownRows(isoDates, headline.equity),
    buckets: models.flatMap((m) => probabilityBuckets(m, prob.get(m)!, label, moveTicks, 5, boot)),
    calibration: models.flatMap((m) => probabilityBuckets(m, prob.get(m)!, label, moveTicks, 10, boot)),
    versus: strategies.slice(1).map((s) => sharpeDifference(records[0]!, { name: s.name, probability: always, netReturn: s.netReturn }, input.periodsPerYear, boot)),
    folds: foldRows({ product: input.product, models, predictions: input.predictions, rule: input.rule, costs: input.costs, periodsPerYear: input.periodsPerYear }),
  };
}

function describeRule(r: PositionRule): string {
  return r.kind === 'threshold' ? `long above ${r.long}, short below ${r.short}, else flat` : `position (2p-1) x ${r.scale ?? 1}, clipped to [-1, 1]`;
}

/** Position -1 / 0 / +1 from the sign of a combined signal (NaN: flat). */
function sign(x: Float64Array): Float64Array {
  return x.map((v) => (v > 0 ? 1 : v < 0 ? -1 : 0));
}

function meanAt(c: Uint8Array, idx: Int32Array | null): number {
  const m = idx === null ? c.length : idx.length;
  if (m === 0) return Number.NaN;
  let s = 0;
  if (idx === null) for (let i = 0; i < c.length; i++) s += c[i]!;
  else for (let i = 0; i < idx.length; i++) s += c[idx[i]!]!;
  return s / m;
}

/** Accuracy over a regime's dates with a block-bootstrap interval over those dates (in date order). */
function subsetInterval(c: Uint8Array, idx: Int32Array, boot: BootstrapOptions): Interval {
  if (idx.length === 0) return { estimate: Number.NaN, lo: Number.NaN, hi: Number.NaN, se: Number.NaN, resamples: 0, blockLength: 0 };
  const sub = Uint8Array.from(idx, (i) => c[i]!);
  return blockBootstrap(sub.length, (j) => meanAt(sub, j), boot);
}

/** Row of each test date in the continuous series (the date must be in it). */
function rowsOf(seriesDates: Int32Array, dates: Int32Array): Int32Array {
  const at = new Map<number, number>();
  seriesDates.forEach((d, i) => at.set(d, i));
  return Int32Array.from(dates, (d) => {
    const r = at.get(d);
    if (r === undefined) throw new Error(`evaluate: test date ${isoDate(d)} is not in the continuous series`);
    return r;
  });
}

function gapRows(models: readonly string[], jobs: readonly JobFigures[]): GapRow[] {
  return models.flatMap((m) => {
    const js = jobs.filter((j) => j.model === m);
    if (js.length === 0) return [];
    const mean = (f: (j: JobFigures) => number): number => js.reduce((s, j) => s + f(j), 0) / js.length;
    const trainAccuracy = mean((j) => j.trainAccuracy);
    const testAccuracy = mean((j) => j.testAccuracy);
    return [{ model: m, folds: new Set(js.map((j) => j.fold)).size, trainAccuracy, testAccuracy, accuracyGap: trainAccuracy - testAccuracy, trainLoss: mean((j) => j.trainLoss), testLoss: mean((j) => j.testLoss) }];
  });
}
