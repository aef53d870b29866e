import { describe, expect, it } from 'vitest';
import { describePlan, FoldPlanError, planFolds, spanIndices, type FoldPlanConfig } from '../../src/eval/folds.js';
import { dayNumber } from '../../src/market/calendar.js';
import { SeededRng } from '../../src/models/seed.js';

const BASE: FoldPlanConfig = { scheme: 'expanding', trainDays: 500, validationDays: 100, testDays: 100, stepDays: 100, purgeDays: 1, embargoDays: 2 };
/** n consecutive trading-day-like dates (weekdays) from 2016-01-04. */
function dates(n: number): Int32Array {
  const out = new Int32Array(n);
  let d = dayNumber('2016-01-04');
  for (let i = 0; i < n; i++) {
    while (((d % 7) + 7 + 4) % 7 === 0 || ((d % 7) + 7 + 4) % 7 === 6) d++; // skip Sun (0) / Sat (6)
    out[i] = d++;
  }
  return out;
}

describe('planFolds', () => {
  it('lays out expanding folds with the purge and embargo gap at each boundary', () => {
    const plan = planFolds(dates(1000), 1000, BASE);
    // First test at 500 + 3 (gap); windows of 100 every 100 while they fit in 1000.
    expect(plan.folds.map((f) => f.test)).toEqual([
      { from: 503, to: 603 },
      { from: 603, to: 703 },
      { from: 703, to: 803 },
      { from: 803, to: 903 },
    ]);
    expect(plan.folds[0]).toEqual({ index: 0, train: { from: 0, to: 397 }, validation: { from: 400, to: 500 }, test: { from: 503, to: 603 } });
    // Expanding: every fold trains from the first sample; the window grows by the step.
    expect(plan.folds.map((f) => [f.train.from, f.validation.to])).toEqual([[0, 500], [0, 600], [0, 700], [0, 800]]);
  });

  it('rolling folds keep the training window length', () => {
    const plan = planFolds(dates(1000), 1000, { ...BASE, scheme: 'rolling' });
    for (const f of plan.folds) expect(f.validation.to - f.train.from).toBe(500);
    expect(plan.folds[2]!.train.from).toBe(200);
  });

  it('never lets a training or validation label reach into the next window, for random configs', () => {
    const rng = new SeededRng(5, 'folds');
    const d = dates(1500);
    let planned = 0;
    for (let k = 0; k < 300; k++) {
      const testDays = 1 + rng.below(120);
      const cfg: FoldPlanConfig = {
        scheme: rng.below(2) === 0 ? 'expanding' : 'rolling',
        trainDays: 200 + rng.below(800),
        validationDays: rng.below(150),
        testDays,
        stepDays: testDays + rng.below(50),
        purgeDays: 1 + rng.below(3),
        embargoDays: rng.below(5),
      };
      let plan;
      try {
        plan = planFolds(d, 1400, cfg);
      } catch (e) {
        expect(e).toBeInstanceOf(FoldPlanError);
        continue;
      }
      planned++;
      const gap = cfg.purgeDays + cfg.embargoDays;
      let lastTestEnd = -1;
      for (const f of plan.folds) {
        // Horizon 1: the label of sample i is the move into sample i + 1, which must lie before the next window.
        expect(f.train.to - 1 + 1).toBeLessThan(cfg.validationDays > 0 ? f.validation.from : f.test.from);
        expect(f.train.to + gap).toBeLessThanOrEqual(cfg.validationDays > 0 ? f.validation.from : f.test.from);
        expect(f.validation.to + gap).toBeLessThanOrEqual(f.test.from);
        expect(f.test.to - f.test.from).toBe(cfg.testDays);
        expect(f.test.to).toBeLessThanOrEqual(1400); // only labelled samples are tested
        expect(f.test.from).toBeGreaterThanOrEqual(lastTestEnd); // each date tested at most once
        expect(f.train.to - f.train.from).toBeGreaterThanOrEqual(60);
        lastTestEnd = f.test.to;
      }
    }
    expect(planned).toBeGreaterThan(100);
  });

  it('honours firstTest, lastTest and maxFolds', () => {
    const d = dates(1000);
    const plan = planFolds(d, 1000, { ...BASE, firstTest: '2018-06-01', lastTest: '2019-06-28' });
    const first = plan.folds[0]!.test.from;
    expect(d[first]!).toBeGreaterThanOrEqual(dayNumber('2018-06-01'));
    expect(d[first - 1]!).toBeLessThan(dayNumber('2018-06-01'));
    for (const f of plan.folds) expect(d[f.test.to - 1]!).toBeLessThanOrEqual(dayNumber('2019-06-28'));
    const last2 = planFolds(d, 1000, { ...BASE, maxFolds: 2 });
    expect(last2.folds.map((f) => [f.index, f.test.from])).toEqual([[0, 703], [1, 803]]);
  });

  it('rejects plans that would leak or cannot be laid out, with the reason', () => {
    const d = dates(1000);
    const reject = (over: Partial<FoldPlanConfig>, labelled: number, re: RegExp, field?: string) => {
      try {
        planFolds(d, labelled, { ...BASE, ...over });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(FoldPlanError);
        expect((e as Error).message).toMatch(re);
        if (field) expect((e as FoldPlanError).field).toBe(field);
      }
    };
    reject({ purgeDays: 0 }, 1000, /purgeDays 0 is shorter than the label horizon .* a leak/, 'purgeDays');
    reject({ stepDays: 50 }, 1000, /test windows would overlap/, 'stepDays');
    reject({}, 550, /not enough samples for one fold: 500 training \+ 3 gap \+ 100 test = 603 needed, 550 labelled/, 'trainDays');
    reject({ trainDays: 150 }, 1000, /leaves 47 samples to fit on/, 'trainDays');
    reject({ firstTest: '2019-02-30' }, 1000, /firstTest must be a date/, 'firstTest');
    reject({ firstTest: '2020-01-01', lastTest: '2019-01-01' }, 1000, /is after lastTest/);
    reject({ testDays: 0 }, 1000, /testDays must be an integer >= 1/);
    expect(() => planFolds(Int32Array.from([3, 2, 1, ...spanIndices({ from: 10, to: 900 })]), 893, BASE)).toThrow(/must ascend/);
  });

  it('describes the plan with dates', () => {
    const d = dates(1000);
    const lines = describePlan(planFolds(d, 1000, BASE), d);
    expect(lines[0]).toMatch(/^4 folds, expanding training of 500 samples/);
    expect(lines[1]).toMatch(/^fold  0  train 2016-01-04\.\.\S+ \(397\)  validation \S+ \(100\)  test \S+ \(100\)$/);
  });
});
