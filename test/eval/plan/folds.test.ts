import { describe, expect, it } from 'vitest';
import { BftError } from '../../../src/errors.js';
import { checkFoldPlanConfig, describePlan, foldPlanConfigIssues, parsePlan, planFolds, segmentIndices, segmentsOf, type FoldPlanConfig, type Segments, type Span, type WindowPlanConfig } from '../../../src/eval/plan/folds.js';
import { binomial } from '../../../src/eval/stats/combinations.js';
import { dayNumber } from '../../../src/market/calendar.js';
import { SeededRng } from '../../../src/models/seed.js';

const BASE: WindowPlanConfig = { scheme: 'expanding', trainDays: 500, validationDays: 100, testDays: 100, stepDays: 100, purgeDays: 1, embargoDays: 2 };
/** The one span of a walk-forward window. */
function one(segs: Segments): Span {
  expect(segs).toHaveLength(1);
  return segs[0]!;
}

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
    expect(plan.folds.map((f) => one(f.test))).toEqual([
      { from: 503, to: 603 },
      { from: 603, to: 703 },
      { from: 703, to: 803 },
      { from: 803, to: 903 },
    ]);
    expect(plan.folds[0]).toEqual({ index: 0, train: [{ from: 0, to: 397 }], validation: [{ from: 400, to: 500 }], test: [{ from: 503, to: 603 }] });
    // Expanding: every fold trains from the first sample; the window grows by the step.
    expect(plan.folds.map((f) => [one(f.train).from, one(f.validation).to])).toEqual([[0, 500], [0, 600], [0, 700], [0, 800]]);
  });

  it('rolling folds keep the training window length', () => {
    const plan = planFolds(dates(1000), 1000, { ...BASE, scheme: 'rolling' });
    for (const f of plan.folds) expect(one(f.validation).to - one(f.train).from).toBe(500);
    expect(one(plan.folds[2]!.train).from).toBe(200);
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
        expect(e).toMatchObject({ code: 'bad_config' });
        continue;
      }
      planned++;
      const gap = cfg.purgeDays + cfg.embargoDays;
      let lastTestEnd = -1;
      for (const f of plan.folds) {
        const [train, test] = [one(f.train), one(f.test)];
        expect(f.validation).toHaveLength(cfg.validationDays > 0 ? 1 : 0);
        const validation = f.validation[0] ?? null;
        // Horizon 1: the label of sample i is the move into sample i + 1, which must lie before the next window.
        expect(train.to - 1 + 1).toBeLessThan(validation ? validation.from : test.from);
        expect(train.to + gap).toBeLessThanOrEqual(validation ? validation.from : test.from);
        if (validation) expect(validation.to + gap).toBeLessThanOrEqual(test.from);
        expect(test.to - test.from).toBe(cfg.testDays);
        expect(test.to).toBeLessThanOrEqual(1400); // only labelled samples are tested
        expect(test.from).toBeGreaterThanOrEqual(lastTestEnd); // each date tested at most once
        expect(train.to - train.from).toBeGreaterThanOrEqual(60);
        lastTestEnd = test.to;
      }
    }
    expect(planned).toBeGreaterThan(100);
  });

  it('honours firstTest, lastTest and maxFolds', () => {
    const d = dates(1000);
    const plan = planFolds(d, 1000, { ...BASE, firstTest: '2018-06-01', lastTest: '2019-06-28' });
    const first = one(plan.folds[0]!.test).from;
    expect(d[first]!).toBeGreaterThanOrEqual(dayNumber('2018-06-01'));
    expect(d[first - 1]!).toBeLessThan(dayNumber('2018-06-01'));
    for (const f of plan.folds) expect(d[one(f.test).to - 1]!).toBeLessThanOrEqual(dayNumber('2019-06-28'));
    const last2 = planFolds(d, 1000, { ...BASE, maxFolds: 2 });
    expect(last2.folds.map((f) => [f.index, one(f.test).from])).toEqual([[0, 703], [1, 803]]);
  });

  it('rejects plans that would leak or cannot be laid out, with the reason', () => {
    const d = dates(1000);
    const reject = (over: Partial<WindowPlanConfig>, labelled: number, re: RegExp, field?: string) => {
      try {
        planFolds(d, labelled, { ...BASE, ...over });
        expect.unreachable();
      } catch (e) {
        expect(e).toMatchObject({ code: 'bad_config' });
        expect((e as Error).message).toMatch(re);
        if (field) expect((e as BftError).context['field']).toBe(field);
      }
    };
    reject({ purgeDays: 0 }, 1000, /purgeDays 0 is shorter than the label horizon .* a leak/, 'purgeDays');
    reject({ stepDays: 50 }, 1000, /test windows would overlap/, 'stepDays');
    reject({}, 550, /not enough samples for one fold: 500 training \+ 3 gap \+ 100 test = 603 needed, 550 labelled/, 'trainDays');
    reject({ trainDays: 150 }, 1000, /leaves 47 samples to fit on/, 'trainDays');
    reject({ firstTest: '2019-02-30' }, 1000, /firstTest must be a date/, 'firstTest');
    reject({ firstTest: '2020-01-01', lastTest: '2019-01-01' }, 1000, /is after lastTest/);
    reject({ testDays: 0 }, 1000, /testDays must be an integer >= 1/);
    expect(() => planFolds(Int32Array.from([3, 2, 1, ...segmentIndices([{ from: 10, to: 900 }])]), 893, BASE)).toThrow(/must ascend/);
  });

  it('lists every data-free problem of a config with its field; planFolds and checkFoldPlanConfig refuse the first', () => {
    const cfg: WindowPlanConfig = { ...BASE, purgeDays: 0, stepDays: 50, trainDays: 150, firstTest: '2020-01-01', lastTest: '2019-01-01' };
    const issues = foldPlanConfigIssues(cfg);
    expect(issues.map((i) => i.field)).toEqual(['purgeDays', 'stepDays', 'trainDays', 'firstTest']);
    expect(issues[0]!.message).toMatch(/purgeDays 0 is shorter than the label horizon/);
    expect(() => checkFoldPlanConfig(cfg)).toThrow(expect.objectContaining({ code: 'bad_config', message: issues[0]!.message, context: { field: 'purgeDays' } }));
    expect(() => planFolds(dates(1000), 1000, cfg)).toThrow(issues[0]!.message);
    // A setting out of range is one problem: the checks that would read it do not run on it.
    expect(foldPlanConfigIssues({ ...BASE, testDays: 0 }).map((i) => i.field)).toEqual(['testDays']);
    expect(foldPlanConfigIssues({ scheme: 'cpcv', groups: 1, testGroups: 0, validationDays: 0, purgeDays: 1, embargoDays: 0 }).map((i) => i.message)).toEqual([
      'groups must be an integer in 2..30 (got 1)',
      'testGroups must be an integer >= 1 (got 0)',
    ]);
    expect(foldPlanConfigIssues(BASE)).toEqual([]);
  });

  it('describes the plan with dates', () => {
    const d = dates(1000);
    const lines = describePlan(planFolds(d, 1000, BASE), d);
    expect(lines[0]).toMatch(/^4 folds, expanding training of 500 samples/);
    expect(lines[1]).toMatch(/^fold  0  train 2016-01-04\.\.\S+ \(397\)  validation \S+ \(100\)  test \S+ \(100\)$/);
  });

  it('reads plans recorded with one span per window as segments', () => {
    const plan = planFolds(dates(1000), 1000, { ...BASE, validationDays: 0 });
    const legacy = { ...plan, folds: plan.folds.map((f) => ({ index: f.index, train: one(f.train), validation: { from: one(f.train).to, to: one(f.train).to }, test: one(f.test) })) };
    expect(JSON.stringify(parsePlan(JSON.stringify(legacy)))).toBe(JSON.stringify(plan));
  });
});

describe('CPCV fold plans', () => {
  const CPCV: FoldPlanConfig = { scheme: 'cpcv', groups: 6, testGroups: 2, validationDays: 50, purgeDays: 1, embargoDays: 2 };

  it('tests every labelled sample in C(N-1, k-1) folds and assembles the paths', () => {
    const plan = planFolds(dates(1000), 900, CPCV);
    expect(plan.folds).toHaveLength(15);
    expect(plan.cpcv!.paths).toHaveLength(5);
    expect(plan.cpcv!.groups).toEqual([0, 150, 300, 450, 600, 750].map((from) => ({ from, to: from + 150 })));
    const tested = new Int32Array(900);
    for (const f of plan.folds) for (const i of segmentIndices(f.test)) tested[i]!++;
    expect([...new Set(tested)]).toEqual([binomial(5, 1)]);
    // Each path takes every group once, from a fold that tests it, and no fold twice for one group.
    for (const path of plan.cpcv!.paths) {
      path.forEach((fold, g) => expect(plan.folds[fold]!.testGroups).toContain(g));
    }
    for (let g = 0; g < 6; g++) expect(new Set(plan.cpcv!.paths.map((p) => p[g])).size).toBe(5);
  });

  it('drops the gap on both sides of every test group and before the validation tail, for random configs', () => {
    const rng = new SeededRng(9, 'cpcv folds');
    let planned = 0;
    for (let k = 0; k < 120; k++) {
      const N = 3 + rng.below(6);
      const cfg: FoldPlanConfig = { scheme: 'cpcv', groups: N, testGroups: 1 + rng.below(N - 1), validationDays: rng.below(80), purgeDays: 1 + rng.below(3), embargoDays: rng.below(6) };
      const n = 300 + rng.below(900);
      let plan;
      try {
        plan = planFolds(dates(n + 1), n, cfg);
      } catch (e) {
        expect(e).toMatchObject({ code: 'bad_config' });
        continue;
      }
      planned++;
      const gap = cfg.purgeDays + cfg.embargoDays;
      expect(plan.folds).toHaveLength(binomial(cfg.groups, cfg.testGroups));
      for (const f of plan.folds) {
        const train = segmentIndices(f.train);
        const validation = segmentIndices(f.validation);
        const test = segmentIndices(f.test);
        expect(train.length).toBeGreaterThanOrEqual(60);
        expect(validation.length).toBe(cfg.validationDays);
        expect(test[test.length - 1]!).toBeLessThan(n); // only labelled samples are tested
        // No training sample within the gap of a test or validation sample, none shared.
        const near = (a: Int32Array, b: Int32Array): boolean => {
          const set = new Set(b);
          return Array.from(a).some((i) => Array.from({ length: 2 * gap + 1 }, (_, j) => i - gap + j).some((x) => set.has(x)));
        };
        expect(near(train, test)).toBe(false);
        expect(near(train, validation)).toBe(false);
        expect(validation.some((i) => test.includes(i))).toBe(false);
        // Segments are ascending, disjoint and not adjacent.
        for (const segs of [f.train, f.validation, f.test]) for (let i = 1; i < segs.length; i++) expect(segs[i]!.from).toBeGreaterThan(segs[i - 1]!.to);
      }
    }
    expect(planned).toBeGreaterThan(60);
  });

  it('rejects CPCV settings that cannot work, with the reason', () => {
    expect(() => planFolds(dates(1000), 1000, { ...CPCV, testGroups: 6 })).toThrow(/testGroups must be an integer in 1\.\.5/);
    expect(() => planFolds(dates(1000), 1000, { ...CPCV, groups: 16, testGroups: 8 })).toThrow(/12870 folds, more than 1000/);
    expect(() => planFolds(dates(150), 150, CPCV)).toThrow(/not enough samples for CPCV with 6 groups and 2 test groups/);
    expect(() => planFolds(dates(1000), 1000, { ...CPCV, purgeDays: 0 })).toThrow(/a leak/);
  });

  it('describes groups and folds with dates', () => {
    const d = dates(1000);
    const lines = describePlan(planFolds(d, 900, CPCV), d);
    expect(lines[0]).toMatch(/^15 CPCV folds: 6 groups, 2 tested per fold, 5 backtest paths/);
    expect(lines[1]).toMatch(/^group  0  2016-01-04\.\.\S+ \(150\)$/);
    expect(lines[7]).toMatch(/^fold  0  test groups 0,1  train \S+ \(\d+\)  validation \S+ \(50\)$/);
    expect(segmentsOf(Int32Array.from([1, 2, 3, 7, 9, 10]))).toEqual([{ from: 1, to: 4 }, { from: 7, to: 8 }, { from: 9, to: 11 }]);
  });
});
