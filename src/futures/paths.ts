// CPCV backtest paths (pure): López de Prado (2018), ch. 12.4. A CPCV plan tests every group of
// samples in C(N-1, k-1) folds; path p takes, for each group, the predictions of one of them
// (plan.cpcv.paths[p][g]), so each path is a complete out-of-sample backtest over every date and
// the phi paths give a distribution of accuracy and Sharpe instead of one figure. Seeds are
// averaged within a fold, as in the headline evaluation.

import { dayNumber, isoDate } from '../market/calendar.js';
import type { Product } from '../market/specs.js';
import { ensembleByDate, netReturnsOf, testDayMoves } from './test-days.js';
import type { CpcvPaths } from '../eval/plan/folds.js';
import { correctness } from '../eval/score/metrics.js';
import type { CostModel, PositionRule } from './pnl.js';
import type { PredictionRecord } from '../eval/run/runs.js';
import { returnMoments } from '../eval/stats/sharpe.js';

/** A CPCV plan's paths with its groups as dates (first sample date of each group, ascending). */
export interface PathAssembly {
  readonly paths: CpcvPaths['paths'];
  readonly groupStart: Int32Array;
}

export interface PathsInput {
  readonly product: Product;
  readonly models: readonly string[];
  readonly predictions: readonly PredictionRecord[];
  readonly assembly: PathAssembly;
  readonly rule: PositionRule;
  readonly costs: CostModel;
  readonly periodsPerYear: number;
}

export interface PathRow {
  readonly path: number;
  readonly model: string;
  readonly days: number;
  readonly accuracy: number;
  /** Annualised Sharpe of the daily net strategy returns. */
  readonly sharpe: number;
  /** Sum of daily net returns (fractions of one notional). */
  readonly netReturn: number;
}

export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

export interface PathSummary {
  readonly model: string;
  readonly paths: number;
  readonly accuracy: Spread;
  readonly sharpe: Spread;
  /** Share of paths with a Sharpe above 0. */
  readonly positive: number;
}

export interface PathsEvaluation {
  readonly paths: number;
  readonly rows: readonly PathRow[];
  readonly summary: readonly PathSummary[];
  /** The headline (first) model's equity curve on each path: cumulative net return by date. */
  readonly curves: readonly { readonly path: number; readonly dates: readonly string[]; readonly equity: readonly number[] }[];
}

/** The group of a date: the last group starting on or before it. */
export function groupOfDay(groupStart: Int32Array, day: number): number {
  let lo = 0;
  let hi = groupStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (groupStart[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The predictions that make up path p: for each date, those of the fold the path takes for its group. */
export function pathPredictions(predictions: readonly PredictionRecord[], a: PathAssembly, p: number): PredictionRecord[] {
  const path = a.paths[p]!;
  return predictions.filter((r) => {
    const g = groupOfDay(a.groupStart, r.date);
    return g >= 0 && path[g] === r.fold;
  });
}

export function evaluatePaths(input: PathsInput): PathsEvaluation {
  const rows: PathRow[] = [];
  const curves: PathsEvaluation['curves'][number][] = [];
  const phi = input.assembly.paths.length;
  for (let p = 0; p < phi; p++) {
    const { dates, prob, rows: first } = ensembleByDate(pathPredictions(input.predictions, input.assembly, p), input.models);
    if (dates.length === 0) throw new Error(`evaluatePaths: path ${p} has no date predicted by every model`);
    const moves = testDayMoves(input.product, dates, first);
    for (const m of input.models) {
      const pm = prob.get(m)!;
      const c = correctness(pm, moves.label);
      const net = netReturnsOf(pm, moves, input.rule, input.costs);
      rows.push({
        path: p,
        model: m,
        days: dates.length,
        accuracy: c.reduce((s, x) => s + x, 0) / c.length,
        sharpe: returnMoments(net).sharpe * Math.sqrt(input.periodsPerYear),
        netReturn: net.reduce((s, x) => s + x, 0),
      });
      let sum = 0;
      if (m === input.models[0]) curves.push({ path: p, dates: Array.from(dates, isoDate), equity: Array.from(net, (r) => (sum += r)) });
    }
  }
  const summary = input.models.map((m) => {
    const own = rows.filter((r) => r.model === m);
    return { model: m, paths: own.length, accuracy: spread(own.map((r) => r.accuracy)), sharpe: spread(own.map((r) => r.sharpe)), positive: own.filter((r) => r.sharpe > 0).length / own.length };
  });
  return { paths: phi, rows, summary, curves };
}

function spread(xs: readonly number[]): Spread {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

/** How a CPCV plan's predictions assemble into paths, by date. */
export function pathAssembly(cpcv: CpcvPaths): PathAssembly {
  return { paths: cpcv.paths, groupStart: Int32Array.from(cpcv.groupDates, (g) => dayNumber(g.from)) };
}
