import { describe, expect, it } from 'vitest';
import { planFolds, segmentIndices, type FoldPlan } from '../../src/eval/plan/folds.js';
import { evaluatePaths, groupOfDay, pathAssembly, pathPredictions } from '../../src/futures/paths.js';
import type { PredictionRecord } from '../../src/eval/run/runs.js';
import { dayNumber } from '../../src/market/calendar.js';
import { SeededRng } from '../../src/models/seed.js';

const N_SAMPLES = 600;
const dates = Int32Array.from({ length: N_SAMPLES + 1 }, (_, i) => dayNumber('2020-01-06') + i + 2 * Math.floor(i / 5)); // weekdays
const plan: FoldPlan = planFolds(dates, N_SAMPLES, { scheme: 'cpcv', groups: 6, testGroups: 2, validationDays: 30, purgeDays: 1, embargoDays: 1 });
const rng = new SeededRng(3, 'paths');
const label = Int32Array.from({ length: N_SAMPLES }, () => rng.below(2));
const move = Float64Array.from(label, (l) => (l === 1 ? 0.002 : -0.002));

/**
 * Every fold predicts its test dates for two seeds; fold f is right on every date when `right(f)`,
 * else wrong, so a path's accuracy is the share of its dates whose group it takes from a right fold.
 */
function predictions(model: string, right: (fold: number) => boolean): PredictionRecord[] {
  return plan.folds.flatMap((f) =>
    [0, 1].flatMap((seed) =>
      Array.from(segmentIndices(f.test), (k) => {
        const up = right(f.index) === (label[k] === 1);
        return { model, seed, fold: f.index, date: dates[k]!, product: 'T', contract: 'T2006', tradedContract: 'T2006', probability: up ? 0.6 + 0.1 * seed : 0.4 - 0.1 * seed, label: label[k]!, nextReturn: move[k]!, nextTicks: move[k]! * 20000 };
      }),
    ),
  );
}

describe('CPCV paths', () => {
  const a = pathAssembly(plan.cpcv!);

  it('finds the group of a date from the groups\' first dates', () => {
    for (const [g, span] of plan.cpcv!.groups.entries()) {
      expect(groupOfDay(a.groupStart, dates[span.from]!)).toBe(g);
      expect(groupOfDay(a.groupStart, dates[span.to - 1]!)).toBe(g);
    }
    expect(groupOfDay(a.groupStart, dates[0]! - 1)).toBe(-1);
  });

  it('takes each date once per seed on every path, and each fold\'s prediction of a group on exactly one path', () => {
    const rows = predictions('m', () => true);
    const used = new Map<string, number>();
    for (let p = 0; p < a.paths.length; p++) {
      const picked = pathPredictions(rows, a, p);
      expect(picked).toHaveLength(2 * N_SAMPLES);
      expect(new Set(picked.map((r) => `${r.seed}|${r.date}`)).size).toBe(2 * N_SAMPLES);
      for (const r of picked) used.set(`${r.fold}|${r.seed}|${r.date}`, (used.get(`${r.fold}|${r.seed}|${r.date}`) ?? 0) + 1);
    }
    // 15 folds x 2 groups x 100 dates x 2 seeds, each on one path.
    expect(used.size).toBe(rows.length);
    expect([...new Set(used.values())]).toEqual([1]);
  });

  it('scores each path from its own folds: accuracy is the share of groups taken from a right fold', () => {
    const right = (f: number): boolean => f % 3 !== 0;
    const ev = evaluatePaths({
      product: 'T',
      models: ['m', 'always-right'],
      predictions: [...predictions('m', right), ...predictions('always-right', () => true)],
      assembly: a,
      rule: { kind: 'threshold', long: 0.5, short: 0.5 },
      costs: { commissionTicks: 0, slippageTicks: 0 },
      periodsPerYear: 243,
    });
    expect(ev.paths).toBe(5);
    const groups = plan.cpcv!.groups;
    const accs: number[] = [];
    for (const r of ev.rows.filter((x) => x.model === 'm')) {
      const path = a.paths[r.path]!;
      const expected = groups.reduce((s, g, i) => s + (right(path[i]!) ? g.to - g.from : 0), 0) / N_SAMPLES;
      expect(r.days).toBe(N_SAMPLES);
      expect(r.accuracy).toBeCloseTo(expected, 12);
      accs.push(expected);
    }
    // The paths differ (folds 0, 3, 6, 9, 12 are wrong), and the summary is their spread.
    expect(new Set(accs).size).toBeGreaterThan(1);
    const s = ev.summary.find((x) => x.model === 'm')!;
    expect(s.accuracy.min).toBeCloseTo(Math.min(...accs), 12);
    expect(s.accuracy.max).toBeCloseTo(Math.max(...accs), 12);
    const perfect = ev.summary.find((x) => x.model === 'always-right')!;
    expect(perfect.accuracy).toEqual({ mean: 1, sd: 0, min: 1, max: 1 });
    expect(perfect.positive).toBe(1);
    // Right every day without costs: each day earns its move, so every path's net return is the same.
    const total = move.reduce((t, x) => t + Math.abs(x), 0);
    for (const r of ev.rows.filter((x) => x.model === 'always-right')) expect(r.netReturn).toBeCloseTo(total, 9);
    expect(ev.curves).toHaveLength(5);
    expect(ev.curves[0]!.equity.at(-1)).toBeCloseTo(ev.rows[0]!.netReturn, 9);
  });
});
