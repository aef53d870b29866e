// The overfitting and leakage verdict of a walk-forward run (pure): train-vs-OOS gap, PBO over
// every model x seed, deflated Sharpe of the headline model, the permuted-label null, the leakage
// probes, and the verdict against the config's thresholds. Inputs are the run's predictions and
// jobs, the probes' accuracies and the look-ahead findings; nothing here trains or reads a store.

import type { Product } from '../market/specs.js';
import { blockBootstrap, type Interval } from '../eval/score/bootstrap.js';
import type { JobFigures } from '../futures/evaluate.js';
import { ensembleByDate, netReturnsOf, testDayMoves } from '../futures/test-days.js';
import { correctness } from '../eval/score/metrics.js';
import { pathPredictions, type PathAssembly } from '../futures/paths.js';
import type { CostModel, PositionRule } from '../futures/pnl.js';
import type { PredictionRecord } from '../eval/run/runs.js';
import { binomialTestP } from '../eval/score/significance.js';
import type { OverfitConfig } from '../eval/run/overfit-config.js';
import type { LookaheadFinding } from './lookahead.js';
import { normalCdf } from '../eval/stats/normal.js';
import { probabilityOfBacktestOverfitting } from '../eval/stats/pbo.js';
import { deflatedSharpeOfSearch, minTrackRecordLength, probabilisticSharpe, returnMoments } from '../eval/stats/sharpe.js';

/** Out-of-sample accuracy of a probe (or the real model): correct calls over test days. */
export interface ProbeScore {
  readonly correct: number;
  readonly n: number;
}

export interface OverfitInput {
  readonly product: Product;
  /** Model labels of the run; the first is the headline model. */
  readonly models: readonly string[];
  readonly predictions: readonly PredictionRecord[];
  readonly jobs: readonly JobFigures[];
  readonly rule: PositionRule;
  readonly costs: CostModel;
  readonly periodsPerYear: number;
  readonly config: OverfitConfig;
  /** Accuracy of each permuted-label retrain of the headline model over all test days. */
  readonly nulls: readonly ProbeScore[];
  readonly shift: ProbeScore | null;
  readonly shuffle: ProbeScore | null;
  readonly lookahead: readonly LookaheadFinding[];
  readonly seed: number;
  /** CPCV runs: how the folds' predictions assemble into paths (each path's DSR is reported). */
  readonly paths?: PathAssembly | undefined;
}

export interface Reason {
  readonly kind: 'overfit' | 'leak' | 'probe';
  readonly text: string;
}

export interface Check {
  readonly name: string;
  readonly value: number;
  readonly limit: string;
  readonly ok: boolean;
}

export interface OverfitReport {
  readonly headline: string;
  readonly testDays: number;
  readonly accuracy: number;
  readonly gap: {
    readonly folds: readonly { readonly fold: number; readonly trainAccuracy: number; readonly testAccuracy: number; readonly gap: number; readonly trainLoss: number; readonly testLoss: number }[];
    /** Mean over folds of train minus OOS accuracy, with a bootstrap interval over folds. */
    readonly accuracyGap: Interval;
    readonly trainLoss: number;
    readonly testLoss: number;
  };
  readonly pbo: { readonly configs: readonly string[]; readonly blocks: number; readonly splits: number; readonly pbo: number; readonly degradationSlope: number; readonly probOosLoss: number } | { readonly skipped: string };
  readonly sharpe: {
    readonly annual: number;
    readonly perPeriod: number;
    readonly skew: number;
    readonly kurtosis: number;
    readonly psr: number;
    readonly dsr: number;
    readonly threshold: number;
    readonly trials: number;
    readonly minTrackRecordDays: number;
    /** CPCV: the DSR on each backtest path, the trials' Sharpe variance taken on the same path (reported, not judged). */
    readonly pathDsr?: { readonly values: readonly number[]; readonly median: number; readonly below: number; readonly limit: number };
  };
  readonly nullTest: {
    readonly permutations: number;
    readonly block: number;
    /** The headline model's seed-0 predictions scored over every fold's test days, as the probes are. */
    readonly realAccuracy: number;
    readonly accuracies: readonly number[];
    readonly mean: number;
    readonly sd: number;
    /** (1 + nulls at or above the real accuracy) / (K + 1): cannot go below 1 / (K + 1). */
    readonly pEmpirical: number;
    /** One-sided, from a normal fitted to the nulls (sd at least the binomial sd of 50% over the test days). */
    readonly pNormal: number;
    /** The p the verdict uses: empirical from 19 permutations on (where it can reach 0.05), else the normal one. */
    readonly p: number;
  } | null;
  readonly shift: { readonly accuracy: number; readonly jump: number } | null;
  /** p: one-sided, against the permuted-label nulls' normal fit when there are two or more, else exact binomial against 50%. */
  readonly shuffle: { readonly accuracy: number; readonly p: number; readonly against: 'nulls' | 'half' } | null;
  readonly lookahead: readonly LookaheadFinding[];
  readonly checks: readonly Check[];
  readonly reasons: readonly Reason[];
  readonly pass: boolean;
}

const acc = (s: ProbeScore): number => s.correct / s.n;
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function analyseOverfitting(input: OverfitInput): OverfitReport {
  const { models, config: cfg } = input;
  const th = cfg.thresholds;
  const headline = models[0]!;

  // The headline model, seeds averaged, on the dates every model predicted.
  const { dates, prob, rows } = ensembleByDate(input.predictions, models);
  const moves = testDayMoves(input.product, dates, rows);
  const p = prob.get(headline)!;
  const real: ProbeScore = { correct: correctness(p, moves.label).reduce((a, b) => a + b, 0), n: p.length };

  // Train vs OOS per fold (the headline model's jobs, seeds averaged per fold).
  const byFold = new Map<number, JobFigures[]>();
  for (const j of input.jobs) if (j.model === headline) byFold.set(j.fold, [...(byFold.get(j.fold) ?? []), j]);
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const folds = [...byFold.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([fold, js]) => {
      const trainAccuracy = mean(js.map((j) => j.trainAccuracy));
      const testAccuracy = mean(js.map((j) => j.testAccuracy));
      return { fold, trainAccuracy, testAccuracy, gap: trainAccuracy - testAccuracy, trainLoss: mean(js.map((j) => j.trainLoss)), testLoss: mean(js.map((j) => j.testLoss)) };
    });
  const gaps = Float64Array.from(folds, (x) => x.gap);
  const accuracyGap = blockBootstrap(gaps.length, (idx) => mean(Array.from(idx, (i) => gaps[i]!)), { seed: input.seed, blockLength: 1 });

  // PBO: every model x seed is a configuration; its daily net strategy returns form a column.
  const relabelled = input.predictions.filter((r) => models.includes(r.model)).map((r) => ({ ...r, model: `${r.model}#${r.seed}` }));
  const keys = [...new Set(relabelled.map((r) => r.model))].sort();
  const cols = ensembleByDate(relabelled, keys);
  const colMoves = testDayMoves(input.product, cols.dates, cols.rows);
  const T = cols.dates.length;
  const N = keys.length;
  const matrix = new Float64Array(T * N);
  const colSharpe: number[] = [];
  keys.forEach((k, j) => {
    const r = netReturnsOf(cols.prob.get(k)!, colMoves, input.rule, input.costs);
    for (let t = 0; t < T; t++) matrix[t * N + j] = r[t]!;
    colSharpe.push(returnMoments(r).sharpe);
  });
  let blocks = cfg.pboBlocks - (cfg.pboBlocks % 2);
  while (blocks > 2 && T < blocks * 4) blocks -= 2;
  let pbo: OverfitReport['pbo'];
  if (N < 2) pbo = { skipped: `one configuration (${keys[0] ?? 'none'}): PBO needs a search over at least two (models x seeds)` };
  else if (T < 8) pbo = { skipped: `${T} test days are too few for CSCV` };
  else {
    const r = probabilityOfBacktestOverfitting({ returns: matrix, periods: T, configs: N, blocks });
    pbo = { configs: keys, blocks, splits: r.splits, pbo: r.pbo, degradationSlope: r.degradation.slope, probOosLoss: r.probOosLoss };
  }

  // Deflated Sharpe of the headline model given the configurations tried: this run's N and the
  // ones tried before it on the same test days (deflatedSharpeOfSearch says how their variance is
  // taken when only this run's returns are at hand).
  const hr = netReturnsOf(p, moves, input.rule, input.costs);
  const m = returnMoments(hr);
  const trials = Math.max(1, N + cfg.priorTrials);
  const d = deflatedSharpeOfSearch(m.sharpe, m.n, m.skew, m.kurtosis, colSharpe, cfg.priorTrials);
  // CPCV: the folds averaged are an ensemble no single backtest shows; each path is one.
  const pathDsr = input.paths
    ? input.paths.paths.map((_, path) => {
        const own = pathPredictions(input.predictions, input.paths!, path);
        const e = ensembleByDate(own, models);
        const hm = returnMoments(netReturnsOf(e.prob.get(headline)!, testDayMoves(input.product, e.dates, e.rows), input.rule, input.costs));
        const c = ensembleByDate(pathPredictions(relabelled, input.paths!, path), keys);
        const cm = testDayMoves(input.product, c.dates, c.rows);
        const sharpes = keys.map((k) => returnMoments(netReturnsOf(c.prob.get(k)!, cm, input.rule, input.costs)).sharpe);
        return deflatedSharpeOfSearch(hm.sharpe, hm.n, hm.skew, hm.kurtosis, sharpes, cfg.priorTrials).dsr;
      })
    : undefined;
  const sharpe = {
    annual: m.sharpe * Math.sqrt(input.periodsPerYear),
    perPeriod: m.sharpe,
    skew: m.skew,
    kurtosis: m.kurtosis,
    psr: probabilisticSharpe(m.sharpe, m.n, m.skew, m.kurtosis, 0),
    dsr: d.dsr,
    threshold: d.threshold,
    trials,
    minTrackRecordDays: minTrackRecordLength(m.sharpe, m.skew, m.kurtosis, 0, 0.95),
    ...(pathDsr ? { pathDsr: { values: pathDsr, median: lowerMedian(pathDsr), below: pathDsr.filter((x) => x < th.dsr).length, limit: th.dsr } } : {}),
  };

  // The probes retrain the headline model's seed-0 jobs and are scored over every fold's test
  // predictions; the real model is compared with them scored the same way. That is the headline
  // accuracy for one seed and back-to-back windows; with more seeds, or CPCV (several folds test a
  // date), the averaged headline figure would have less noise than any probe.
  const realAcc = acc(real);
  const probed = pooledScore(input.predictions, headline);
  const probedAcc = acc(probed);
  const nullAcc = input.nulls.map(acc);
  let nullTest: OverfitReport['nullTest'] = null;
  if (nullAcc.length > 0) {
    const nm = mean(nullAcc);
    // The floor counts dates, not predictions: under CPCV a date's several predictions move together.
    const sd = Math.max(Math.sqrt(sampleVariance(nullAcc)), Math.sqrt(0.25 / real.n));
    const pEmpirical = (1 + nullAcc.filter((a) => a >= probedAcc).length) / (nullAcc.length + 1);
    const pNormal = 1 - normalCdf((probedAcc - nm) / sd);
    nullTest = { permutations: nullAcc.length, block: cfg.nullBlock, realAccuracy: probedAcc, accuracies: nullAcc, mean: nm, sd, pEmpirical, pNormal, p: nullAcc.length >= 19 ? pEmpirical : pNormal };
  }
  const shift = input.shift ? { accuracy: acc(input.shift), jump: acc(input.shift) - probedAcc } : null;
  // The shuffled-label model is one more retrain with the label link cut, so it is judged against
  // the permuted-label nulls when there are any: a network's untrained response to informative
  // features can agree with the labels by chance, in either direction, by more than a binomial
  // 50% allows.
  const shuffle = input.shuffle
    ? {
        accuracy: acc(input.shuffle),
        p: nullTest && nullTest.permutations >= 2 ? 1 - normalCdf((acc(input.shuffle) - nullTest.mean) / nullTest.sd) : oneSidedAbove(input.shuffle),
        against: nullTest && nullTest.permutations >= 2 ? ('nulls' as const) : ('half' as const),
      }
    : null;

  const checks: Check[] = [];
  const reasons: Reason[] = [];
  const check = (name: string, value: number, limit: string, ok: boolean, reason: Reason): void => {
    checks.push({ name, value, limit, ok });
    if (!ok) reasons.push(reason);
  };
  const g = accuracyGap.estimate;
  if (folds.length > 0) check('train - OOS accuracy gap', g, `<= ${th.gap}`, !(g > th.gap), { kind: 'overfit', text: `overfit: train accuracy exceeds OOS accuracy by ${f3(g)} [${f3(accuracyGap.lo)}, ${f3(accuracyGap.hi)}] on average over ${folds.length} folds (limit ${th.gap})` });
  if ('pbo' in pbo && pbo.configs.length >= th.pboMinConfigs) check('PBO', pbo.pbo, `<= ${th.pbo}`, !(pbo.pbo > th.pbo), { kind: 'overfit', text: `overfit: probability of backtest overfitting ${f3(pbo.pbo)} over ${N} configurations (${pbo.splits} CSCV splits) is above ${th.pbo}` });
  check('deflated Sharpe', sharpe.dsr, `>= ${th.dsr}`, sharpe.dsr >= th.dsr, { kind: 'overfit', text: `overfit: deflated Sharpe ratio ${f3(sharpe.dsr)} of ${headline} after ${sharpe.trials} configuration(s) is below ${th.dsr} (annual Sharpe ${f3(sharpe.annual)})` });
  if (nullTest) check('permuted-label null p', nullTest.p, `<= ${th.nullP}`, nullTest.p <= th.nullP, { kind: 'overfit', text: `overfit: OOS accuracy ${f3(probedAcc)} does not beat ${nullTest.permutations} retrains on block-permuted labels (mean ${f3(nullTest.mean)}, p ${f3(nullTest.p)} > ${th.nullP})` });
  check('OOS accuracy', realAcc, `<= ${th.maxAccuracy}`, realAcc <= th.maxAccuracy, { kind: 'leak', text: `leak: OOS accuracy ${f3(realAcc)} is above ${th.maxAccuracy}, too good for next-day bond futures timing` });
  if (shuffle) check('shuffled-label accuracy p', shuffle.p, `>= ${th.shuffleP}`, shuffle.p >= th.shuffleP, { kind: 'leak', text: `leak: trained on shuffled labels, ${headline} still scores ${f3(shuffle.accuracy)} out of sample (p ${f3(shuffle.p)} against ${shuffle.against === 'nulls' ? 'the permuted-label nulls' : '50%'})` });
  if (nullTest && nullTest.permutations >= 2) {
    // The null itself above chance: the test labels are reachable without learning them.
    const sd = Math.sqrt(0.25 / real.n);
    check('permuted-label null mean', nullTest.mean, `<= ${f3(0.5 + 3 * sd)}`, nullTest.mean <= 0.5 + 3 * sd, { kind: 'leak', text: `leak: models trained on permuted labels average ${f3(nullTest.mean)} out of sample, more than 3 standard errors above 50%` });
  }
  const leaks = input.lookahead.filter((x) => x.problem !== null);
  if (input.lookahead.length > 0) check('no-look-ahead dates changed', leaks.length, '= 0', leaks.length === 0, { kind: 'leak', text: `leak: inputs of ${leaks.length} of ${input.lookahead.length} dates change when the data is cut at the date (${leaks[0]?.date}: ${leaks[0]?.problem})` });
  if (shift && realAcc <= th.maxAccuracy) check('future-shift accuracy jump', shift.jump, `>= ${th.shiftJump}`, shift.jump >= th.shiftJump, { kind: 'probe', text: `probe: features shifted one day forward raised OOS accuracy by only ${f3(shift.jump)} (to ${f3(shift.accuracy)}; at least ${th.shiftJump} expected): this check cannot see a leak in these features` });

  return {
    headline,
    testDays: real.n,
    accuracy: realAcc,
    gap: { folds, accuracyGap, trainLoss: mean(folds.map((x) => x.trainLoss)), testLoss: mean(folds.map((x) => x.testLoss)) },
    pbo,
    sharpe,
    nullTest,
    shift,
    shuffle,
    lookahead: input.lookahead,
    checks,
    reasons,
    pass: reasons.length === 0,
  };
}

/** Correct calls of a model's seed-0 predictions over all its rows (a date once per fold testing it). */
function pooledScore(predictions: readonly PredictionRecord[], model: string): ProbeScore {
  const own = predictions.filter((r) => r.model === model && r.seed === 0);
  const c = correctness(Float64Array.from(own, (r) => r.probability), Int32Array.from(own, (r) => r.label));
  return { correct: c.reduce((a, b) => a + b, 0), n: own.length };
}

/** The middle value (the lower of the two middle ones for an even count). */
function lowerMedian(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function sampleVariance(xs: readonly number[]): number {
  const fin = xs.filter(Number.isFinite);
  if (fin.length < 2) return 0;
  const m = fin.reduce((a, b) => a + b, 0) / fin.length;
  return fin.reduce((a, b) => a + (b - m) ** 2, 0) / (fin.length - 1);
}

/** One-sided p of an accuracy above 50% (exact binomial, half the two-sided p above the middle). */
function oneSidedAbove(s: ProbeScore): number {
  if (s.correct <= s.n / 2) return 1;
  return binomialTestP(s.correct, s.n, 0.5) / 2;
}
