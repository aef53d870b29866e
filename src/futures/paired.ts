// Two runs' models on the test days they share (pure): paired differences of accuracy, AUC and the
// strategy's Sharpe ratio, each with a block-bootstrap interval and p drawn from the same blocks of
// days, so what both runs got right or wrong on the same days cancels. This is how two
// configurations are compared honestly: a difference of two unpaired intervals overstates the
// noise, and a difference of two accuracies on different days says nothing.

import { BftError } from '../errors.js';
import { isoDate } from '../market/calendar.js';
import type { Product } from '../market/specs.js';
import type { PredictionRecord } from '../eval/run/runs.js';
import type { BootstrapOptions } from '../eval/score/bootstrap.js';
import { binaryMetrics, correctness } from '../eval/score/metrics.js';
import { accuracyDifference, sharpeAt, statisticTest, type TestResult } from '../eval/score/significance.js';
import type { CostModel, PositionRule } from './pnl.js';
import { ensembleByDate, netReturnsOf, testDayMoves } from './test-days.js';

/** One run's predictions of the scored product, named for messages. */
export interface PairedRun {
  readonly name: string;
  readonly predictions: readonly PredictionRecord[];
  /** The run's models in the order it lists them; default the order they first appear in. */
  readonly models?: readonly string[];
}

export interface PairedOptions {
  readonly product: Product;
  readonly rule: PositionRule;
  readonly costs: CostModel;
  readonly periodsPerYear: number;
  readonly bootstrap?: BootstrapOptions;
}

/** Model `model` of run b against the same model of run a, on the dates both predicted. */
export interface PairedModel {
  readonly model: string;
  readonly days: number;
  readonly from: string;
  readonly to: string;
  /** Each run's accuracy on the shared days. */
  readonly accuracyA: number;
  readonly accuracyB: number;
  /** b − a, with its interval and the p of no difference. */
  readonly accuracy: TestResult;
  readonly auc: TestResult;
  readonly sharpe: TestResult;
}

/** Models named in both runs, in run a's order. */
export function sharedModels(a: PairedRun, b: PairedRun): string[] {
  const inB = new Set(b.predictions.map((p) => p.model));
  return [...(a.models ?? new Set(a.predictions.map((p) => p.model)))].filter((m) => inB.has(m));
}

/**
 * Every model of run a that run b has too, b − a on their shared test dates. Throws a BftError
 * when they share no model or no date, or label a shared date differently (other products or
 * label settings: then the runs answer different questions).
 */
export function pairedRuns(a: PairedRun, b: PairedRun, o: PairedOptions): PairedModel[] {
  const models = sharedModels(a, b);
  if (models.length === 0) throw new BftError('bad_input', `runs ${a.name} and ${b.name} have no model in common (compare models of the same name)`, { a: a.name, b: b.name });
  return models.map((model) => pairedModel(model, a, b, o));
}

function pairedModel(model: string, a: PairedRun, b: PairedRun, o: PairedOptions): PairedModel {
  const ea = ensembleByDate(a.predictions, [model]);
  const eb = ensembleByDate(b.predictions, [model]);
  const atB = new Map(Array.from(eb.dates, (d, i) => [d, i]));
  const ia: number[] = [];
  const ib: number[] = [];
  ea.dates.forEach((d, i) => {
    const j = atB.get(d);
    if (j === undefined) return;
    if (ea.rows[i]!.label !== eb.rows[j]!.label) {
      throw new BftError('bad_input', `runs ${a.name} and ${b.name} label ${isoDate(d)} differently (${ea.rows[i]!.label} and ${eb.rows[j]!.label}): other products or label settings, so they cannot be paired`, { date: isoDate(d) });
    }
    ia.push(i);
    ib.push(j);
  });
  const n = ia.length;
  if (n === 0) throw new BftError('bad_input', `runs ${a.name} and ${b.name} share no test date for ${model}`, { model });
  const dates = Int32Array.from(ia, (i) => ea.dates[i]!);
  const rows = ia.map((i) => ea.rows[i]!);
  const pa = Float64Array.from(ia, (i) => ea.prob.get(model)![i]!);
  const pb = Float64Array.from(ib, (j) => eb.prob.get(model)![j]!);
  const moves = testDayMoves(o.product, dates, rows);
  const label = moves.label;
  const ca = correctness(pa, label);
  const cb = correctness(pb, label);
  const ra = netReturnsOf(pa, moves, o.rule, o.costs);
  const rb = netReturnsOf(pb, moves, o.rule, o.costs);
  const boot = o.bootstrap ?? {};
  const mean = (c: Uint8Array): number => c.reduce((s, x) => s + x, 0) / c.length;
  return {
    model,
    days: n,
    from: isoDate(dates[0]!),
    to: isoDate(dates[n - 1]!),
    accuracyA: mean(ca),
    accuracyB: mean(cb),
    accuracy: accuracyDifference(cb, ca, boot),
    auc: statisticTest(n, (idx) => binaryMetrics(pb, label, idx).auc - binaryMetrics(pa, label, idx).auc, 0, 'AUC difference b - a', boot),
    sharpe: statisticTest(n, (idx) => sharpeAt(rb, idx, o.periodsPerYear) - sharpeAt(ra, idx, o.periodsPerYear), 0, 'Sharpe difference b - a', boot),
  };
}
