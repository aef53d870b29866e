import { describe, expect, it } from 'vitest';
import { drawdownRows, foldRows, monthlyReturns, probabilityBuckets, sharpeDifference, yearRows } from '../../src/futures/breakdowns.js';
import { sharpeAt } from '../../src/eval/score/significance.js';
import { evaluationFixture, fixtureEvaluation } from '../helpers/evaluation.js';

const DATES = ['2020-12-29', '2020-12-30', '2020-12-31', '2021-01-04', '2021-01-05', '2021-02-01'];

describe('report breakdowns', () => {
  it('yearRows: each year scored on its own days, drawdown from the year’s own start', () => {
    const label = [1, 0, 1, 1, 0, 0];
    const model = { name: 'm', probability: [0.9, 0.2, 0.1, 0.6, 0.7, 0.3], netReturn: [0.01, 0.02, -0.03, 0.01, -0.02, 0.005] };
    const rows = yearRows(DATES, label, [model], 250);
    expect(rows.map((r) => [r.year, r.days])).toEqual([
      ['2020', 3],
      ['2021', 3],
    ]);
    // 2020: calls up, down, down against 1, 0, 1: 2 of 3 right; up recall 1/2, down recall 1/1.
    expect(rows[0]!.accuracy).toBeCloseTo(2 / 3, 12);
    expect(rows[0]!.balancedAccuracy).toBeCloseTo(0.75, 12);
    expect(rows[0]!.netReturn).toBeCloseTo(0, 12);
    // 2020 equity 0.01, 0.03, 0.00: the high 0.03 fell to 0.
    expect(rows[0]!.maxDrawdown).toBeCloseTo(0.03, 12);
    // 2021 starts again from 0: 0.01, -0.01, -0.005; high 0.01, low -0.01.
    expect(rows[1]!.maxDrawdown).toBeCloseTo(0.02, 12);
    expect(rows[1]!.netReturn).toBeCloseTo(-0.005, 12);
    expect(rows[1]!.sharpe).toBeCloseTo(sharpeAt(Float64Array.from([0.01, -0.02, 0.005]), Int32Array.from([0, 1, 2]), 250), 12);
  });

  it('monthlyReturns sums each month', () => {
    const m = monthlyReturns(DATES, [1, 2, 3, 4, 5, 6]);
    expect(m).toEqual([
      { month: '2020-12', days: 3, netReturn: 6 },
      { month: '2021-01', days: 2, netReturn: 9 },
      { month: '2021-02', days: 1, netReturn: 6 },
    ]);
  });

  it('drawdownRows dates each episode; a fall from the start begins on the first date; an open one has no recovery', () => {
    // equity: -1, -2, 0 (recovered the start's 0), 3, 1, 2
    const rows = drawdownRows(DATES, [-1, -2, 0, 3, 1, 2], 5);
    expect(rows).toEqual([
      { start: '2020-12-29', trough: '2020-12-30', recovery: '2020-12-31', depth: 2, toTrough: 2, length: 3 },
      { start: '2021-01-04', trough: '2021-01-05', recovery: null, depth: 2, toTrough: 1, length: 2 },
    ]);
    expect(drawdownRows(DATES, [-1, -2, 0, 3, 1, 2], 1)).toHaveLength(1);
  });

  it('probabilityBuckets splits by probability into equal groups, lowest first, with intervals', () => {
    const prob = [0.6, 0.4, 0.55, 0.45, 0.7, 0.3];
    const label = [1, 0, 1, 0, 1, 1];
    const ticks = [4, -2, 6, -4, 8, 1];
    const rows = probabilityBuckets('m', prob, label, ticks, 2, { resamples: 200, seed: 3 });
    expect(rows.map((r) => [r.bucket, r.days, r.minProbability, r.maxProbability])).toEqual([
      [1, 3, 0.3, 0.45],
      [2, 3, 0.55, 0.7],
    ]);
    expect(rows[0]!.meanTicks.estimate).toBeCloseTo((-2 - 4 + 1) / 3, 12);
    expect(rows[1]!.meanTicks.estimate).toBeCloseTo(6, 12);
    expect(rows[0]!.upShare.estimate).toBeCloseTo(1 / 3, 12);
    expect(rows[1]!.upShare.estimate).toBe(1);
    expect(rows[0]!.meanTicks.lo).toBeLessThanOrEqual(rows[0]!.meanTicks.estimate);
    expect(rows[0]!.meanTicks.hi).toBeGreaterThanOrEqual(rows[0]!.meanTicks.estimate);
    expect(() => probabilityBuckets('m', prob, label, ticks, 0)).toThrow(/k must be/);
    expect(() => probabilityBuckets('m', prob, label.slice(1), ticks, 2)).toThrow(/labels/);
  });

  it('sharpeDifference: a strategy against itself differs by exactly 0; otherwise the estimate is the plain difference', () => {
    const a = { name: 'a', probability: [], netReturn: [0.01, -0.005, 0.02, 0.003, -0.01, 0.004, 0.002, -0.001] };
    const b = { name: 'b', probability: [], netReturn: [0.002, 0.001, -0.004, 0.006, 0.001, -0.002, 0.003, 0.0] };
    const self = sharpeDifference(a, a, 250, { resamples: 100 });
    expect([self.difference.estimate, self.difference.lo, self.difference.hi]).toEqual([0, 0, 0]);
    const all = Int32Array.from({ length: 8 }, (_, i) => i);
    const d = sharpeDifference(a, b, 250, { resamples: 100 });
    expect(d.difference.estimate).toBeCloseTo(sharpeAt(Float64Array.from(a.netReturn), all, 250) - sharpeAt(Float64Array.from(b.netReturn), all, 250), 12);
    expect([d.a, d.b]).toEqual(['a', 'b']);
  });

  it('foldRows scores each fold on its own predictions', () => {
    const { preds } = evaluationFixture();
    const rows = foldRows({ product: 'T', models: ['perfect', 'long'], predictions: preds, rule: { kind: 'threshold', long: 0.5, short: 0.5 }, costs: { commissionTicks: 0, slippageTicks: 0 }, periodsPerYear: 243 });
    expect(rows.map((r) => [r.fold, r.days])).toEqual([
      [0, 50],
      [1, 50],
      [2, 50],
      [3, 49],
    ]);
    for (const r of rows) {
      expect(r.models['perfect']!.accuracy).toBe(1);
      // always up: right on the up days
      expect(r.models['long']!.accuracy).toBeCloseTo(r.upShare, 12);
      expect(r.models['perfect']!.netReturn).toBeGreaterThan(0);
      expect(r.from <= r.to).toBe(true);
    }
    expect(rows[0]!.to < rows[1]!.from).toBe(true);
  });

  it('the evaluation carries every breakdown: years per strategy, months, drawdowns, quintiles, Sharpe comparisons, folds', () => {
    const e = fixtureEvaluation();
    const headline = e.strategies[0]!;
    expect(e.years.map((y) => y.strategy).slice(0, 4)).toEqual(['perfect', 'coin', 'long', 'buy-and-hold']);
    // a year's returns add up to the whole
    const perfectYears = e.years.filter((y) => y.strategy === 'perfect');
    expect(perfectYears.reduce((s, y) => s + y.netReturn, 0)).toBeCloseTo(headline.equity.at(-1)!, 10);
    expect(perfectYears.reduce((s, y) => s + y.days, 0)).toBe(e.days);
    expect(e.monthly.reduce((s, m) => s + m.netReturn, 0)).toBeCloseTo(headline.equity.at(-1)!, 10);
    // buy-and-hold's accuracy is always-long's
    const bh = e.years.filter((y) => y.strategy === 'buy-and-hold');
    expect(bh.reduce((s, y) => s + y.accuracy * y.days, 0) / e.days).toBeCloseTo(e.alwaysLong, 10);
    expect(e.drawdowns.length).toBeLessThanOrEqual(5);
    expect(e.drawdowns[0]!.depth).toBeCloseTo(headline.stats.maxDrawdown, 10);
    expect(e.buckets.filter((b) => b.model === 'perfect')).toHaveLength(5);
    expect(e.calibration.filter((b) => b.model === 'coin')).toHaveLength(10);
    // perfect's top quintile is all up days, its bottom all down days
    const pq = e.buckets.filter((b) => b.model === 'perfect');
    expect(pq[4]!.upShare.estimate).toBe(1);
    expect(pq[0]!.upShare.estimate).toBe(0);
    expect(pq[4]!.meanTicks.estimate).toBeGreaterThan(0);
    expect(e.versus.map((v) => v.b)).toEqual(e.strategies.slice(1).map((s) => s.name));
    expect(e.folds).toHaveLength(4);
    expect(headline.netReturn).toHaveLength(e.days);
    expect(headline.position.every((p) => p === 1 || p === -1 || p === 0)).toBe(true);
  });
});
