// A constructed market and the predictions of three known models, evaluated: the input of the
// evaluation and report tests. 300 trading days of a random walk; models on the last 200.

import { evaluate, type Evaluation } from '../../src/futures/evaluate.js';
import { evaluatePaths, type PathsEvaluation } from '../../src/futures/paths.js';
import type { PredictionRecord } from '../../src/eval/run/runs.js';
import { dayNumber } from '../../src/market/calendar.js';
import { datedPlan, planFolds, type DatedPlan, type FoldPlanConfig } from '../../src/eval/plan/folds.js';
import { SeededRng } from '../../src/models/seed.js';

/** 300 trading days of a random walk, and predictions of three models on the last 200. */
export function evaluationFixture() {
  const rng = new SeededRng(4, 'evaluate');
  const N = 300;
  const date = new Int32Array(N);
  const close = new Float64Array(N);
  let d = dayNumber('2020-01-06');
  let c = 100;
  for (let i = 0; i < N; i++) {
    while ([0, 6].includes(new Date(d * 86_400_000).getUTCDay())) d++;
    date[i] = d++;
    close[i] = c;
    c *= 1 + (rng.uniform() - 0.5) * 0.006;
  }
  const preds: PredictionRecord[] = [];
  for (let i = 100; i < N - 1; i++) {
    const ret = close[i + 1]! / close[i]! - 1;
    const label = ret > 0 ? 1 : 0;
    const base = { fold: Math.floor((i - 100) / 50), date: date[i]!, product: 'T', contract: i < 200 ? 'T2006' : 'T2009', tradedContract: i + 1 < 200 ? 'T2006' : 'T2009', label, nextReturn: ret, nextTicks: (close[i + 1]! - close[i]!) / 0.005 };
    // perfect: knows the label; two seeds whose average is the truth
    preds.push({ ...base, model: 'perfect', seed: 0, probability: label ? 0.8 : 0.3 });
    preds.push({ ...base, model: 'perfect', seed: 1, probability: label ? 0.6 : 0.1 });
    preds.push({ ...base, model: 'coin', seed: 0, probability: rng.uniform() });
    preds.push({ ...base, model: 'long', seed: 0, probability: 0.9 });
  }
  return { date, close, preds };
}

/** The fixture through evaluate(): "perfect" knows the label, "coin" is random, "long" always says up. */
export function fixtureEvaluation(): Evaluation {
  const { date, close, preds } = evaluationFixture();
  return evaluate({
    product: 'T',
    models: ['perfect', 'coin', 'long'],
    predictions: preds,
    series: { date, close },
    rule: { kind: 'threshold', long: 0.5, short: 0.5 },
    costs: { commissionTicks: 0.06, slippageTicks: 0.5 },
    factorWeight: 0.3,
    periodsPerYear: 243,
    bootstrap: { seed: 1, resamples: 300 },
    jobs: [
      { model: 'perfect', fold: 0, trainAccuracy: 0.9, trainLoss: 0.3, testAccuracy: 1, testLoss: 0.2 },
      { model: 'perfect', fold: 1, trainAccuracy: 0.7, trainLoss: 0.5, testAccuracy: 1, testLoss: 0.4 },
    ],
  });
}

/**
 * Two CPCV paths over the fixture's four folds of 50 dates: path 0 is the predictions themselves,
 * path 1 takes, for every group, a fold that says the opposite.
 */
export function fixturePaths(): PathsEvaluation {
  const { preds } = evaluationFixture();
  const flipped = preds.map((r) => ({ ...r, fold: r.fold + 4, probability: 1 - r.probability }));
  const groupStart = Int32Array.from([0, 1, 2, 3], (f) => preds.find((r) => r.fold === f)!.date);
  return evaluatePaths({
    product: 'T',
    models: ['perfect', 'coin', 'long'],
    predictions: [...preds, ...flipped],
    assembly: { paths: [[0, 1, 2, 3], [4, 5, 6, 7]], groupStart },
    rule: { kind: 'threshold', long: 0.5, short: 0.5 },
    costs: { commissionTicks: 0.06, slippageTicks: 0.5 },
    periodsPerYear: 243,
  });
}

/** The fixture's dates laid out as a plan: four expanding folds testing 50 days each (as the predictions' folds), or 15 CPCV folds. */
export function fixturePlan(scheme: 'expanding' | 'cpcv' = 'expanding'): DatedPlan {
  const { date } = evaluationFixture();
  const cfg: FoldPlanConfig = scheme === 'cpcv' ? { scheme, groups: 6, testGroups: 2, validationDays: 20, purgeDays: 2, embargoDays: 2 } : { scheme, trainDays: 98, validationDays: 20, testDays: 49, stepDays: 50, purgeDays: 2, embargoDays: 0 };
  return datedPlan(planFolds(date, 299, cfg), date);
}
