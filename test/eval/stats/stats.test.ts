// Reference values for the overfitting statistics, checked by hand from the papers' formulas
// (the issue quotes them); CSCV and CPCV on cases whose answer is known.

import { describe, expect, it } from 'vitest';
import { binomial, maskMembers, subsetMasks } from '../../../src/eval/stats/combinations.js';
import { cpcvPathCount, cpcvPlan } from '../../../src/eval/stats/cpcv.js';
import { normalCdf, normalQuantile } from '../../../src/eval/stats/normal.js';
import { probabilityOfBacktestOverfitting } from '../../../src/eval/stats/pbo.js';
import { deflatedSharpe, deflatedSharpeOfSearch, expectedMaxNormal, minBacktestLength, minTrackRecordLength, probabilisticSharpe, returnMoments } from '../../../src/eval/stats/sharpe.js';
import { SeededRng } from '../../../src/models/seed.js';

describe('normal distribution', () => {
  it('matches tabulated values of Phi and Phi^-1', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    // far tail: absolute error is what the method bounds; relatively it is within 1e-8 here
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 11);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(Number.isNaN(normalQuantile(1.5))).toBe(true);
    for (const p of [1e-10, 0.01, 0.3, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
  });
});

describe('Sharpe statistics (Bailey & López de Prado)', () => {
  it('PSR of SR 1.585/sqrt(12) over 24 months with skew -2.448, kurtosis 10.164 is 0.91323', () => {
    expect(probabilisticSharpe(1.585 / Math.sqrt(12), 24, -2.448, 10.164, 0)).toBeCloseTo(0.91323, 5);
  });

  it('expected maximum of 100 standard normals is 2.5306', () => {
    expect(expectedMaxNormal(100)).toBeCloseTo(2.5306, 4);
    expect(expectedMaxNormal(1)).toBe(0);
  });

  it('deflated Sharpe of the DSR paper: SR 2.5 a year on daily data, 100 trials, T 1250 -> 0.90040, SR0 0.11317', () => {
    const d = deflatedSharpe(2.5 / Math.sqrt(250), 1250, -3, 10, 0.5 / 250, 100);
    expect(d.threshold).toBeCloseTo(0.11317, 5);
    expect(d.dsr).toBeCloseTo(0.9004, 4);
  });

  it('a search with earlier trials: their scatter is the no-skill 1 / n, pooled with the run\'s, never below the run alone', () => {
    const n = 1575;
    const sr = 3.74 / Math.sqrt(243); // the CI gate's dual-gru, per day
    // Without earlier trials it is the plain DSR over the run's variance and count.
    const run = [sr, -0.93 / Math.sqrt(243)];
    const v = (run[0]! - run[1]!) ** 2 / 2;
    expect(deflatedSharpeOfSearch(sr, n, 0, 3, run, 0)).toEqual(deflatedSharpe(sr, n, 0, 3, v, 2));
    // A network beside a logistic regression and 15 earlier variants of the network: the run's wide
    // spread applied to all 17 trials would call a Sharpe of 3.7 luck; pooled, it is not.
    expect(deflatedSharpe(sr, n, 0, 3, v, 17).dsr).toBeLessThan(0.05);
    const pooled = deflatedSharpeOfSearch(sr, n, 0, 3, run, 15);
    const runOnly = Math.sqrt(v) * expectedMaxNormal(2);
    expect(pooled.threshold).toBeCloseTo(Math.max(runOnly, Math.sqrt((v + 15 / n) / 16) * expectedMaxNormal(17)), 12);
    expect(pooled.dsr).toBeGreaterThan(0.95);
    // One configuration: the earlier trials alone set the threshold, and more of them raise it.
    const one = [1, 5, 50].map((k) => deflatedSharpeOfSearch(sr, n, 0, 3, [sr], k).threshold);
    expect(one[0]).toBeCloseTo(Math.sqrt(1 / n) * expectedMaxNormal(2), 12);
    expect(one[1]!).toBeGreaterThan(one[0]!);
    expect(one[2]!).toBeGreaterThan(one[1]!);
    // Counting earlier trials never lowers the bar below the run's own.
    const alike = [0.05, 0.051, 0.049, 0.05];
    const alone = deflatedSharpeOfSearch(0.05, n, 0, 3, alike, 0).threshold;
    for (const k of [1, 2, 3, 10, 100]) expect(deflatedSharpeOfSearch(0.05, n, 0, 3, alike, k).threshold).toBeGreaterThanOrEqual(alone);
    expect(() => deflatedSharpeOfSearch(sr, n, 0, 3, run, -1)).toThrow(/prior trials/);
  });

  it('MinBTL for 45 trials at an in-sample Sharpe of 1 is 4.998 years', () => {
    expect(minBacktestLength(45, 1)).toBeCloseTo(4.998, 3);
    expect(() => minBacktestLength(45, 0)).toThrow(/positive/);
  });

  it('MinTRL is the length at which PSR reaches the confidence', () => {
    const sr = 0.1;
    const n = minTrackRecordLength(sr, -0.5, 5, 0, 0.95);
    expect(probabilisticSharpe(sr, n, -0.5, 5, 0)).toBeCloseTo(0.95, 10);
    expect(minTrackRecordLength(0, 0, 3)).toBe(Infinity);
  });

  it('moments: Sharpe, skewness and raw kurtosis of a known sample', () => {
    const m = returnMoments([1, 2, 3, 4, 10]);
    expect(m.mean).toBe(4);
    expect(m.sd).toBeCloseTo(Math.sqrt(50 / 4), 12);
    // population moments: m2 = 10, m3 = 36, m4 = 1394/5
    expect(m.skew).toBeCloseTo(36 / 10 ** 1.5, 12);
    expect(m.kurtosis).toBeCloseTo(1394 / 5 / 100, 12);
  });
});

describe('combinations', () => {
  it('enumerates every k-subset once, in mask order', () => {
    const masks = [...subsetMasks(16, 8)];
    expect(masks.length).toBe(12_870);
    expect(binomial(16, 8)).toBe(12_870);
    // Above the middle too (k > n / 2 once took the wrong factors: C(5, 3) came out 6).
    for (let n = 0; n <= 12; n++) for (let k = 0; k <= n; k++) expect(binomial(n, k)).toBe([...subsetMasks(n, k)].length);
    expect(new Set(masks).size).toBe(masks.length);
    expect(masks.every((m, i) => i === 0 || m > masks[i - 1]!)).toBe(true);
    expect(maskMembers(0b1011, 4)).toEqual([0, 1, 3]);
  });
});

describe('PBO by CSCV', () => {
  it('a hand-checked case: the in-sample winner loses out of sample in both splits', () => {
    // S = 2 blocks of 2 periods, N = 3. In-sample block 0: A (SR 1.414) beats B (0.707) and C
    // (-0.707); out of sample (block 1) A is last. In-sample block 1: B (2.121) wins; in block 0 it
    // ranks second of three (w = 2/4, lambda = 0).
    const rows = [
      [1, 0, -1],
      [3, 2, 0],
      [-1, 1, 0],
      [-3, 2, 0.5],
    ];
    const r = probabilityOfBacktestOverfitting({ returns: Float64Array.from(rows.flat()), periods: 4, configs: 3, blocks: 2 });
    expect(r.splits).toBe(2);
    expect(Array.from(r.selectedCount)).toEqual([1, 1, 0]);
    expect(r.logits[0]).toBeCloseTo(Math.log(1 / 3), 12); // A ranks 1 of 3 out of sample: w = 1/4
    expect(r.logits[1]).toBeCloseTo(0, 12); // B ranks 2 of 3: w = 1/2
    expect(r.pbo).toBe(1);
    expect(r.selectedIs[0]).toBeCloseTo(Math.SQRT2, 12);
    expect(r.selectedOos[0]).toBeCloseTo(-Math.SQRT2, 12);
    expect(r.probOosLoss).toBe(0.5);
  });

  const noise = (T: number, N: number, seed: number, edge = 0): Float64Array => {
    const rng = new SeededRng(seed, 'pbo');
    // Box–Muller normals
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
    const x = new Float64Array(T * N);
    for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) x[t * N + j] = normal() + (j === 0 ? edge : 0);
    return x;
  };

  it('is near 1 for pure-noise strategies whose full-sample Sharpe is the same (what in-sample wins is lost out of sample)', () => {
    // Each column de-meaned: whatever one half gains over the mean, the other half loses.
    const T = 800;
    const N = 20;
    const x = noise(T, N, 3);
    for (let j = 0; j < N; j++) {
      let m = 0;
      for (let t = 0; t < T; t++) m += x[t * N + j]!;
      m /= T;
      for (let t = 0; t < T; t++) x[t * N + j]! -= m;
    }
    const r = probabilityOfBacktestOverfitting({ returns: x, periods: T, configs: N, blocks: 10 });
    expect(r.splits).toBe(252);
    expect(r.pbo).toBeGreaterThan(0.95);
    expect(r.degradation.slope).toBeLessThan(0);
  });

  it('is near 1/2 for independent noise strategies and near 0 when one has a real edge', () => {
    const plain = probabilityOfBacktestOverfitting({ returns: noise(800, 20, 4), periods: 800, configs: 20, blocks: 10 });
    expect(plain.pbo).toBeGreaterThan(0.2);
    expect(plain.pbo).toBeLessThan(0.8);
    const edge = probabilityOfBacktestOverfitting({ returns: noise(800, 20, 4, 0.25), periods: 800, configs: 20, blocks: 10 });
    expect(edge.pbo).toBeLessThan(0.02);
    expect(edge.selectedCount[0]).toBeGreaterThan(0.98 * edge.splits);
    expect(edge.probOosLoss).toBeLessThan(0.02);
  });

  it('refuses an odd block count, too few periods and non-finite returns', () => {
    expect(() => probabilityOfBacktestOverfitting({ returns: new Float64Array(40), periods: 20, configs: 2, blocks: 3 })).toThrow(/even/);
    expect(() => probabilityOfBacktestOverfitting({ returns: new Float64Array(20), periods: 10, configs: 2, blocks: 6 })).toThrow(/too few/);
    const bad = noise(20, 2, 1);
    bad[7] = Number.NaN;
    expect(() => probabilityOfBacktestOverfitting({ returns: bad, periods: 20, configs: 2, blocks: 2 })).toThrow(/period 3/);
  });
});

describe('CPCV', () => {
  it('N = 6, k = 2: 15 splits, 5 paths, every group once per path', () => {
    const plan = cpcvPlan({ samples: 60, groups: 6, testGroups: 2, purge: 1, embargo: 2 });
    expect(plan.splits).toHaveLength(15);
    expect(cpcvPathCount(6, 2)).toBe(5);
    expect(plan.paths).toHaveLength(5);
    for (const path of plan.paths) {
      expect(path).toHaveLength(6);
      path.forEach((split, g) => expect(plan.splits[split]!.testGroups).toContain(g));
    }
    // Every (group, split) pair that tests the group is used by exactly one path.
    const used = new Set(plan.paths.flatMap((p) => p.map((s, g) => `${g}:${s}`)));
    expect(used.size).toBe(30);
  });

  it('purges before and embargoes after every test group, and never trains on a test sample', () => {
    const plan = cpcvPlan({ samples: 60, groups: 6, testGroups: 2, purge: 1, embargo: 2 });
    const s = plan.splits.find((x) => x.testGroups.join() === '1,3')!;
    expect(Array.from(s.test)).toEqual([...Array.from({ length: 10 }, (_, i) => 10 + i), ...Array.from({ length: 10 }, (_, i) => 30 + i)]);
    const train = new Set(s.train);
    for (const i of s.test) expect(train.has(i)).toBe(false);
    // group 1 = 10..19: 9 purged, 20 and 21 embargoed; group 3 = 30..39: 29 purged, 40 and 41 embargoed
    for (const i of [9, 20, 21, 29, 40, 41]) expect(train.has(i), String(i)).toBe(false);
    for (const i of [8, 22, 28, 42, 59]) expect(train.has(i), String(i)).toBe(true);
    expect(s.train.length).toBe(60 - 20 - 6);
  });
});
