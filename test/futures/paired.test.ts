import { describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../src/eval/run/runs.js';
import { pairedRuns, type PairedOptions } from '../../src/futures/paired.js';
import { dayNumber } from '../../src/market/calendar.js';
import { SeededRng } from '../../src/models/seed.js';

const N = 400;
const dates = Int32Array.from({ length: N }, (_, i) => dayNumber('2021-01-04') + i + 2 * Math.floor(i / 5)); // weekdays
const rng = new SeededRng(11, 'paired');
const label = Int32Array.from({ length: N }, () => rng.below(2));

/** Run predictions of `model`: right on a date when `right(i)`, for dates `keep`. */
function run(name: string, model: string, right: (i: number) => boolean, keep = (_i: number) => true, relabel = (l: number, _i: number) => l): { name: string; predictions: PredictionRecord[] } {
  const predictions: PredictionRecord[] = [];
  for (let i = 0; i < N; i++) {
    if (!keep(i)) continue;
    const l = relabel(label[i]!, i);
    const up = right(i) === (l === 1);
    const move = l === 1 ? 0.002 : -0.002;
    predictions.push({ model, seed: 0, fold: 0, date: dates[i]!, product: 'T', contract: 'T2106', tradedContract: 'T2106', probability: up ? 0.6 : 0.4, label: l, nextReturn: move, nextTicks: move * 20000 });
  }
  return { name, predictions };
}

const OPTIONS: PairedOptions = { product: 'T', rule: { kind: 'threshold', long: 0.5, short: 0.5 }, costs: { commissionTicks: 0, slippageTicks: 0 }, periodsPerYear: 252, bootstrap: { seed: 1 } };
const coin = Uint8Array.from({ length: N }, () => rng.below(2));

describe('two runs paired on their shared test days', () => {
  it('measures b − a on the same days: a real edge is significant, a run against itself is zero with p 1', () => {
    const a = run('a', 'dual-gru', (i) => coin[i] === 1);
    // b is right wherever a is, and on 60% of a's misses besides
    const b = run('b', 'dual-gru', (i) => coin[i] === 1 || i % 5 < 3);
    const [m] = pairedRuns(a, b, OPTIONS);
    expect(m!.days).toBe(N);
    expect(m!.accuracy.estimate).toBeCloseTo(m!.accuracyB - m!.accuracyA, 12);
    expect(m!.accuracy.estimate).toBeGreaterThan(0.2);
    expect(m!.accuracy.lo).toBeGreaterThan(0);
    expect(m!.accuracy.p).toBeLessThan(0.01);
    expect(m!.auc.estimate).toBeGreaterThan(0);
    expect(m!.sharpe.lo).toBeGreaterThan(0);
    const [self] = pairedRuns(a, a, OPTIONS);
    expect([self!.accuracy.estimate, self!.accuracy.p, self!.auc.estimate, self!.sharpe.estimate]).toEqual([0, 1, 0, 0]);
  });

  it('keeps only the dates both runs tested and the models both have', () => {
    const a = run('a', 'logit', () => true, (i) => i < 300);
    const b = { name: 'b', predictions: [...run('b', 'logit', () => false, (i) => i >= 100).predictions, ...run('b', 'other', () => true).predictions] };
    const rows = pairedRuns(a, b, OPTIONS);
    expect(rows.map((r) => r.model)).toEqual(['logit']);
    expect(rows[0]!.days).toBe(200);
    expect([rows[0]!.accuracyA, rows[0]!.accuracyB, rows[0]!.accuracy.estimate]).toEqual([1, 0, -1]);
  });

  it('refuses runs with no model or no date in common, or that label a date differently', () => {
    expect(() => pairedRuns(run('a', 'logit', () => true), run('b', 'dual-gru', () => true), OPTIONS)).toThrow(/runs a and b have no model in common/);
    expect(() => pairedRuns(run('a', 'logit', () => true, (i) => i < 10), run('b', 'logit', () => true, (i) => i >= 10), OPTIONS)).toThrow(/share no test date for logit/);
    expect(() => pairedRuns(run('a', 'logit', () => true), run('b', 'logit', () => true, undefined, (l, i) => (i === 7 ? 1 - l : l)), OPTIONS)).toThrow(/label \d{4}-\d{2}-\d{2} differently/);
  });
});
