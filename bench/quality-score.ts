// Scores every contender of npm run bench:quality on the same test days with bft's own metrics
// and bootstrap (pure): accuracy, balanced accuracy and AUC with circular block-bootstrap
// intervals, the Sharpe ratio of the threshold strategy's net returns (bft's P&L and costs), the
// share of the oracle's edge recovered, and paired accuracy differences. One bootstrap seed for
// everything, so every interval is drawn from the same blocks of days (paired).

import { blockBootstrap, type BootstrapOptions, type Interval } from '../src/eval/score/bootstrap.js';
import { netReturnsOf, type TestDayMoves } from '../src/futures/test-days.js';
import { binaryMetrics, correctness } from '../src/eval/score/metrics.js';
import type { CostModel, PositionRule } from '../src/futures/pnl.js';
import { accuracyDifference, accuracyVersus, meanVersusZero, type TestResult } from '../src/eval/score/significance.js';

export type ContenderKind = 'bft' | 'peer' | 'baseline' | 'oracle';

export interface Contender {
  readonly name: string;
  readonly kind: ContenderKind;
  /** P(up) per test day; > 0.5 is an up call, and the strategy goes long above 0.5, short below. */
  readonly prob: Float64Array;
}

export interface ScoreInput {
  readonly contenders: readonly Contender[];
  readonly moves: TestDayMoves;
  readonly rule: PositionRule;
  readonly costs: CostModel;
  readonly periodsPerYear: number;
  readonly bootstrap: BootstrapOptions;
  /** Name of the contender whose edge over 50% the others' is measured against. */
  readonly oracle?: string | undefined;
  /** Pairs (a, b) whose paired accuracy difference a - b is reported. */
  readonly pairs: readonly (readonly [string, string])[];
}

export interface ScoreRow {
  readonly name: string;
  readonly kind: ContenderKind;
  readonly n: number;
  readonly accuracy: Interval;
  /** Exact binomial and block-bootstrap p of accuracy = 0.5. */
  readonly pBinomial: number;
  readonly pBootstrap: number;
  readonly balancedAccuracy: Interval;
  readonly auc: Interval;
  readonly sharpe: TestResult;
  readonly annualReturn: number;
  /** (accuracy - 0.5) / (oracle accuracy - 0.5), paired resamples; null without an oracle. */
  readonly oracleShare: Interval | null;
}

export interface PairRow {
  readonly a: string;
  readonly b: string;
  /** Accuracy a - b, with the centred bootstrap p of no difference. */
  readonly difference: TestResult;
  /** AUC a - b and annualised Sharpe a - b on the same resamples. */
  readonly auc: Interval;
  readonly sharpe: Interval;
}

export interface Scores {
  readonly rows: readonly ScoreRow[];
  readonly pairs: readonly PairRow[];
}

function meanAt(x: ArrayLike<number>, idx: Int32Array): number {
  let s = 0;
  for (let k = 0; k < idx.length; k++) s += x[idx[k]!]!;
  return s / idx.length;
}

/** Annualised Sharpe ratio of x over the indices, as significance.ts computes it (NaN without spread). */
function sharpeAt(x: Float64Array, idx: Int32Array, periodsPerYear: number): number {
  const mean = meanAt(x, idx);
  let ss = 0;
  for (let k = 0; k < idx.length; k++) ss += (x[idx[k]!]! - mean) ** 2;
  const sd = Math.sqrt(ss / (idx.length - 1));
  return sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : Number.NaN;
}

export function score(input: ScoreInput): Scores {
  const { moves, bootstrap: boot } = input;
  const label = moves.label;
  const n = label.length;
  const correct = new Map(input.contenders.map((c) => [c.name, correctness(c.prob, label)]));
  const probOf = new Map(input.contenders.map((c) => [c.name, c.prob]));
  const netOf = new Map(input.contenders.map((c) => [c.name, netReturnsOf(c.prob, moves, input.rule, input.costs)]));
  const ppy = input.periodsPerYear;
  const oracleCorrect = input.oracle !== undefined ? correct.get(input.oracle) : undefined;
  const rows = input.contenders.map((c): ScoreRow => {
    if (c.prob.length !== n) throw new Error(`bench:quality: ${c.name} has ${c.prob.length} probabilities for ${n} test days`);
    const ok = correct.get(c.name)!;
    const half = accuracyVersus(ok, 0.5, boot);
    const net = netOf.get(c.name)!;
    const share = oracleCorrect
      ? blockBootstrap(n, (idx) => {
          const edge = meanAt(oracleCorrect, idx) - 0.5;
          return edge > 0 ? (meanAt(ok, idx) - 0.5) / edge : Number.NaN;
        }, boot)
      : null;
    return {
      name: c.name,
      kind: c.kind,
      n,
      accuracy: blockBootstrap(n, (idx) => meanAt(ok, idx), boot),
      pBinomial: half.pBinomial,
      pBootstrap: half.p,
      balancedAccuracy: blockBootstrap(n, (idx) => binaryMetrics(c.prob, label, idx).balancedAccuracy, boot),
      auc: blockBootstrap(n, (idx) => binaryMetrics(c.prob, label, idx).auc, boot),
      sharpe: meanVersusZero(net, { ...boot, sharpe: { periodsPerYear: ppy } }),
      annualReturn: (net.reduce((a, x) => a + x, 0) / n) * ppy,
      oracleShare: share,
    };
  });
  const pairs = input.pairs
    .filter(([a, b]) => correct.has(a) && correct.has(b))
    .map(([a, b]) => {
      const [pa, pb, ra, rb] = [probOf.get(a)!, probOf.get(b)!, netOf.get(a)!, netOf.get(b)!];
      return {
        a,
        b,
        difference: accuracyDifference(correct.get(a)!, correct.get(b)!, boot),
        auc: blockBootstrap(n, (idx) => binaryMetrics(pa, label, idx).auc - binaryMetrics(pb, label, idx).auc, boot),
        sharpe: blockBootstrap(n, (idx) => sharpeAt(ra, idx, ppy) - sharpeAt(rb, idx, ppy), boot),
      };
    });
  return { rows, pairs };
}
