import { describe, expect, it } from 'vitest';
import { ensembleByDate } from '../../src/futures/test-days.js';
import { evaluationFixture, fixtureEvaluation } from '../helpers/evaluation.js';

describe('evaluate', () => {
  const { preds } = evaluationFixture();
  const e = fixtureEvaluation();

  it('averages seeds per date and scores each model with intervals and tests', () => {
    const { prob } = ensembleByDate(preds, ['perfect']);
    expect(Array.from(prob.get('perfect')!.slice(0, 3)).every((p) => Math.abs(p - 0.7) < 1e-12 || Math.abs(p - 0.2) < 1e-12)).toBe(true);
    expect(e.days).toBe(199);
    const [perfect, coin, long] = e.models;
    expect(perfect!.metrics.accuracy).toBe(1);
    expect(perfect!.versusHalf.p).toBeLessThan(0.01);
    expect(coin!.accuracy.lo).toBeLessThan(0.5);
    expect(coin!.accuracy.hi).toBeGreaterThan(0.5);
    // Always predicting up is exactly the always-long baseline.
    expect(long!.metrics.accuracy).toBeCloseTo(e.alwaysLong, 12);
    expect(long!.versusAlwaysLong.estimate).toBe(0);
    expect(e.comparisons.map((c) => [c.a, c.b])).toEqual([['perfect', 'coin'], ['perfect', 'long']]);
    expect(e.comparisons[0]!.difference.lo).toBeGreaterThan(0);
  });

  it('splits every definition of down markets into groups that add up', () => {
    expect(e.regimes.map((r) => r.definition)).toEqual(['day', 'trend', 'drawdown']);
    for (const t of e.regimes) {
      const [all, ...parts] = t.rows;
      expect(all!.n).toBe(199);
      expect(parts.reduce((s, r) => s + r.n, 0)).toBe(199);
      for (const r of parts) if (r.n > 0) expect(r.accuracy['perfect']!.estimate).toBe(1);
    }
    // Under the day definition, always-long is right on every up day and wrong on every down day.
    const day = e.regimes[0]!;
    expect(day.rows.find((r) => r.label === 'down')!.accuracy['long']!.estimate).toBe(0);
  });

  it('runs strategies for every model, the traditional factors, buy-and-hold and the combination', () => {
    const names = e.strategies.map((s) => s.name);
    expect(names).toEqual(['perfect', 'coin', 'long', 'mom20', 'mom60', 'ma5_20', 'brk20', 'buy-and-hold', 'perfect + factors', 'factors only']);
    const perfect = e.strategies[0]!;
    expect(perfect.stats.hitRate).toBeGreaterThan(0.95); // costs can turn a tiny winning day into a loss
    expect(perfect.sharpe.p).toBeLessThan(0.01);
    expect(perfect.equity).toHaveLength(199);
    // Always long with the threshold rule is buy-and-hold.
    const long = e.strategies[2]!;
    const bh = e.strategies.find((s) => s.name === 'buy-and-hold')!;
    expect(long.stats.totalTicks).toBeCloseTo(bh.stats.totalTicks, 9);
    // The roll from T2006 to T2009 is costed: one round trip more than a roll-free hold.
    expect(bh.stats.turnover).toBeCloseTo((3 / 199) * 243, 9);
  });

  it('reports the train vs OOS gap per model from the jobs', () => {
    expect(e.gap).toEqual([{ model: 'perfect', folds: 2, trainAccuracy: 0.8, testAccuracy: 1, accuracyGap: 0.8 - 1, trainLoss: 0.4, testLoss: 0.30000000000000004 }]);
  });
});
