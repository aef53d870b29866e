import { describe, expect, it } from 'vitest';
import {
  argsort,
  averageRanks,
  factorAutocorrelation,
  forwardReturns,
  icDecay,
  icSummary,
  informationCoefficient,
  pearson,
  quantileOf,
  quantileReturns,
  quantileTurnover,
  spearman,
  spreadSummary,
  tearSheet,
  type ForwardReturns,
  type IcSeries,
} from '../../src/equity/analysis.js';
import type { StockPanel } from '../../src/equity/panel.js';
import { Rng } from '../../src/synth/rng.js';
import { makePanel, randomPanel } from '../helpers/equity-panel.js';

/** A date-major matrix from rows (one row per date). */
const mat = (rows: readonly (readonly number[])[]): Float64Array => Float64Array.from(rows.flat());

/** Row t of a date-major matrix, as a plain array. */
const rowOf = (m: Float64Array, t: number, n: number): number[] => Array.from(m.subarray(t * n, (t + 1) * n));

const fwd1 = (values: Float64Array): ForwardReturns => ({ horizon: 1, values });

/** Expects arrays equal value by value, NaN matching NaN. */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]!)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(expected[i]!, digits);
  }
}

/** Spearman's rho of a bivariate normal with Pearson correlation r: (6/pi) asin(r/2). */
const spearmanOfNormal = (r: number): number => (6 / Math.PI) * Math.asin(r / 2);

/**
 * A panel whose daily returns are iid N(0, sd^2) across stocks and dates (every stock tradable every
 * day), so a score built from them has a population IC known in closed form.
 */
function iidPanel(stocks: number, days: number, sd: number, seed: number): StockPanel {
  const rng = new Rng(seed, 'iid-returns');
  const ret = Float64Array.from({ length: stocks * days }, () => sd * rng.normal());
  return makePanel({ stocks, days, fill: { ret: (t, j) => ret[t * stocks + j]! } });
}

/** score(t, j) = ret(t+1, j) + noiseSd * N(0,1): a planted one-day signal; NaN on the last date and where t+1 has no return. */
function plantedScore(p: StockPanel, noiseSd: number, seed: number): Float64Array {
  const rng = new Rng(seed, 'planted-noise');
  const N = p.codes.length;
  const T = p.dates.length;
  const out = new Float64Array(T * N).fill(Number.NaN);
  for (let t = 0; t + 1 < T; t++) for (let j = 0; j < N; j++) out[t * N + j] = p.ret[(t + 1) * N + j]! + noiseSd * rng.normal();
  return out;
}

function noiseScore(p: StockPanel, seed: number): Float64Array {
  const rng = new Rng(seed, 'noise-score');
  return Float64Array.from({ length: p.dates.length * p.codes.length }, () => rng.normal());
}

describe('argsort and averageRanks', () => {
  it('orders values ascending with ties in index order, -0 tying +0, infinities at the ends', () => {
    const v = [3, -1, 0, -0, 2, 2, -5e-300, Infinity, -Infinity];
    expect(Array.from(argsort(v))).toEqual([8, 1, 6, 2, 3, 4, 5, 0, 7]);
  });

  it('matches a comparator sort on random values with many ties', () => {
    const rng = new Rng(11, 'argsort');
    const v = Float64Array.from({ length: 2000 }, () => Math.round(rng.normal() * 20) / 4 - 1e-3 * (rng.uniform() < 0.1 ? 1 : 0));
    const expected = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b);
    expect(Array.from(argsort(v))).toEqual(expected);
  });

  it('gives tied values the mean of the positions they span', () => {
    expectClose(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
    expectClose(averageRanks([5, 1, 5, 5, 0]), [4, 2, 4, 4, 1]);
  });
});

describe('forwardReturns', () => {
  // Stock 0 trades every day; stock 1 is suspended on date 2; stock 2 lists on date 1; stock 3 trades
  // every day but its return on date 3 is missing.
  const ret = [
    [0, 0, Number.NaN, 0],
    [0.1, 0.01, 0.2, 0.01],
    [-0.05, Number.NaN, 0.1, 0.02],
    [0.02, 0.05, 0, Number.NaN],
    [0.03, -0.02, 0.1, 0.04],
  ];
  const N = 4;
  const p = makePanel({ stocks: N, days: 5, tradable: (t, j) => !(j === 1 && t === 2) && !(j === 2 && t === 0), fill: { ret: (t, j) => ret[t]![j]! } });

  it('h = 1: the next date’s return; NaN on the last date, when not tradable on t or t+1, or the return is missing', () => {
    const f = forwardReturns(p, 1);
    expect(f.horizon).toBe(1);
    expectClose(rowOf(f.values, 0, N), [0.1, 0.01, Number.NaN, 0.01]);
    expectClose(rowOf(f.values, 1, N), [-0.05, Number.NaN, 0.1, 0.02]);
    expectClose(rowOf(f.values, 2, N), [0.02, Number.NaN, 0, Number.NaN]);
    expectClose(rowOf(f.values, 3, N), [0.03, -0.02, 0.1, 0.04]);
    expectClose(rowOf(f.values, 4, N), [Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });

  it('h = 2: compounds t+1..t+2, a suspended day inside the window adds nothing, a missing traded return voids the window', () => {
    const f = forwardReturns(p, 2);
    expectClose(rowOf(f.values, 0, N), [1.1 * 0.95 - 1, 0.01, Number.NaN, 1.01 * 1.02 - 1]);
    expectClose(rowOf(f.values, 1, N), [0.95 * 1.02 - 1, 0.05, 1.1 * 1.0 - 1, Number.NaN]);
    expectClose(rowOf(f.values, 2, N), [1.02 * 1.03 - 1, Number.NaN, 1.0 * 1.1 - 1, Number.NaN]);
    for (const t of [3, 4]) expectClose(rowOf(f.values, t, N), [Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });

  it('rejects a horizon below 1', () => {
    expect(() => forwardReturns(p, 0)).toThrow(RangeError);
  });

  it('rewrite-the-future: the forward return and the IC at t use dates t+1..t+h only', () => {
    const p0 = randomPanel(40, 80, 3);
    const n = p0.codes.length;
    const h = 3;
    const t = 30;
    const score = noiseScore(p0, 5);
    const before = forwardReturns(p0, h);
    const icBefore = informationCoefficient(score, before, p0, { method: 'spearman' });
    const icPearsonBefore = informationCoefficient(score, before, p0, { method: 'pearson' });
    // Rewrite every return on or before t and after t + h, the tradability after t + h, and every score but t's.
    const rng = new Rng(9, 'rewrite');
    const ret2 = Float64Array.from(p0.ret, (r, i) => {
      const d = Math.floor(i / n);
      return (d <= t || d > t + h) && Number.isFinite(r) ? 0.05 * rng.normal() : r;
    });
    const tradable2 = Uint8Array.from(p0.tradable, (x, i) => (Math.floor(i / n) > t + h && rng.uniform() < 0.5 ? 1 - x : x));
    const score2 = Float64Array.from(score, (s, i) => (Math.floor(i / n) === t ? s : rng.normal()));
    const p2 = { ...p0, ret: ret2, tradable: tradable2 };
    const after = forwardReturns(p2, h);
    expect(rowOf(after.values, t, n)).toEqual(rowOf(before.values, t, n));
    expect(informationCoefficient(score2, after, p2, { method: 'spearman' }).values[t]).toBe(icBefore.values[t]);
    expect(informationCoefficient(score2, after, p2, { method: 'pearson' }).values[t]).toBe(icPearsonBefore.values[t]);
    expect(Number.isFinite(icBefore.values[t]!)).toBe(true);
    // ... while the last date of the window does count.
    const j = Array.from({ length: n }, (_, k) => k).find((k) => p0.tradable[t * n + k] === 1 && p0.tradable[(t + h) * n + k] === 1)!;
    const ret3 = Float64Array.from(p0.ret);
    ret3[(t + h) * n + j] = ret3[(t + h) * n + j]! + 0.01;
    expect(forwardReturns({ ...p0, ret: ret3 }, h).values[t * n + j]).not.toBe(before.values[t * n + j]);
  });
});

describe('informationCoefficient', () => {
  const shape = (stocks: number, days: number): StockPanel => makePanel({ stocks, days });

  it('Pearson and Spearman of small cross-sections, by hand', () => {
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    // A monotone but outlying y: Spearman 1, Pearson 200 / sqrt(10 * 7610).
    expect(spearman([1, 2, 3, 4, 5], [1, 2, 3, 4, 100])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4, 5], [1, 2, 3, 4, 100])).toBeCloseTo(200 / Math.sqrt(10 * 7610), 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN(); // no dispersion
  });

  it('Spearman with ties: Pearson of the average ranks (29/38 by hand)', () => {
    // x ranks [1, 2.5, 2.5, 4, 5], y ranks [2, 1, 3.5, 3.5, 5]; deviations from 3 give
    // sum dx dy = 7.25, sum dx^2 = sum dy^2 = 9.5.
    expect(spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 5])).toBeCloseTo(29 / 38, 12);
  });

  it('per date over stocks with both values; the series is Pearson or Spearman of each date', () => {
    const p = shape(5, 3);
    const score = mat([
      [1, 2, 3, 4, 5],
      [1, 2, 2, 3, 5],
      [1, Number.NaN, 3, 4, 5],
    ]);
    const f = fwd1(
      mat([
        [1, 2, 3, 4, 100],
        [2, 1, 4, 4, 5],
        [1, 3, 4, Number.NaN, 2],
      ]),
    );
    const rank = informationCoefficient(score, f, p, { method: 'spearman', minStocks: 3 });
    // Date 2 keeps stocks 0, 2, 4: x ranks [1, 2, 3], y ranks [1, 3, 2], Spearman 0.5.
    expectClose(rank.values, [1, 29 / 38, 0.5]);
    expect(Array.from(rank.counts)).toEqual([5, 5, 3]);
    const ic = informationCoefficient(score, f, p, { method: 'pearson', minStocks: 3 });
    expectClose(ic.values, [200 / Math.sqrt(10 * 7610), pearson([1, 2, 2, 3, 5], [2, 1, 4, 4, 5]), pearson([1, 3, 5], [1, 4, 2])]);
    // Three stocks on date 2 are too few for a minimum of 4.
    expect(informationCoefficient(score, f, p, { method: 'pearson', minStocks: 4 }).values[2]).toBeNaN();
  });

  it('NaN below the default minimum of 10 stocks', () => {
    const p = shape(10, 1);
    const x = Float64Array.from({ length: 10 }, (_, j) => j);
    const y = Float64Array.from({ length: 10 }, (_, j) => (j * 7) % 10);
    expect(informationCoefficient(x, fwd1(y), p).values[0]).toBeCloseTo(spearman(x, y), 12);
    y[3] = Number.NaN;
    expect(informationCoefficient(x, fwd1(y), p).values[0]).toBeNaN();
  });

  it('weights: a stock of weight 2 counts as the stock twice (Pearson); Spearman weights the ranks’ correlation', () => {
    const x = [0.3, -1.2, 0.8, 2.0, 0.1];
    const y = [0.01, -0.02, 0.0, 0.03, 0.02];
    const w = [1, 2, 1, 1, 1];
    expect(pearson(x, y, w)).toBeCloseTo(pearson([...x, x[1]!], [...y, y[1]!]), 12);
    const p = shape(5, 1);
    const viaIc = informationCoefficient(Float64Array.from(x), fwd1(Float64Array.from(y)), p, { method: 'spearman', weights: Float64Array.from(w), minStocks: 3 });
    expect(viaIc.values[0]).toBeCloseTo(pearson(averageRanks(x), averageRanks(y), w), 12);
    // A zero weight leaves the stock out.
    const w0 = Float64Array.from([1, 0, 1, 1, 1]);
    const dropped = informationCoefficient(Float64Array.from(x), fwd1(Float64Array.from(y)), p, { method: 'pearson', weights: w0, minStocks: 3 });
    expect(dropped.values[0]).toBeCloseTo(pearson([0.3, 0.8, 2.0, 0.1], [0.01, 0.0, 0.03, 0.02]), 12);
    expect(dropped.counts[0]).toBe(4);
  });

  // 500 iid N(0, 0.02^2) returns a date, 200 dates; score = tomorrow's return + N(0, (0.02 sqrt 3)^2)
  // noise, so score and forward return are bivariate normal with correlation 0.5: population IC 0.5
  // and Rank IC (6/pi) asin(0.25) = 0.4826. A date's IC has a standard error of about
  // (1 - rho^2) / sqrt(500) = 0.034, the mean over 200 independent dates about 0.0024 (the bias of
  // the sample Spearman at n = 500 is below 0.001), so 0.01 is about 4 standard errors.
  it('a planted signal recovers its population IC and Rank IC within 0.01', () => {
    const p = iidPanel(500, 201, 0.02, 1);
    const score = plantedScore(p, 0.02 * Math.sqrt(3), 2);
    const f = forwardReturns(p, 1);
    const rank = icSummary(informationCoefficient(score, f, p, { method: 'spearman' }));
    const ic = icSummary(informationCoefficient(score, f, p, { method: 'pearson' }));
    expect(rank.dates).toBe(200);
    expect(Math.abs(rank.mean - spearmanOfNormal(0.5))).toBeLessThan(0.01);
    expect(Math.abs(ic.mean - 0.5)).toBeLessThan(0.01);
    expect(rank.interval.lo).toBeGreaterThan(0.45);
    expect(rank.positiveShare).toBe(1);
  });

  // 300 stocks: a date's IC has a standard error of about 1/sqrt(300) = 0.058, the mean over 250
  // dates 0.0037; |mean| < 0.015 is 4 standard errors.
  it('a pure-noise score: the IC and Rank IC intervals contain 0', () => {
    const p = iidPanel(300, 250, 0.02, 3);
    const score = noiseScore(p, 4);
    const f = forwardReturns(p, 1);
    for (const method of ['pearson', 'spearman'] as const) {
      const s = icSummary(informationCoefficient(score, f, p, { method }));
      expect(s.interval.lo).toBeLessThan(0);
      expect(s.interval.hi).toBeGreaterThan(0);
      expect(Math.abs(s.mean)).toBeLessThan(0.015);
    }
  });
});

describe('icSummary', () => {
  const series = (values: number[], horizon = 1): IcSeries => ({
    method: 'spearman',
    horizon,
    dates: values.map((_, i) => `d${i}`),
    values: Float64Array.from(values),
    counts: new Int32Array(values.length),
  });

  it('mean, sd, ICIR, t-stat and hit rate by hand (dates without an IC skipped)', () => {
    // Finite values 0.1, 0.2, -0.1, 0.2: mean 0.1, deviations 0, 0.1, -0.2, 0.1, sd sqrt(0.06 / 3).
    const s = icSummary(series([0.1, 0.2, Number.NaN, -0.1, 0.2]));
    const sd = Math.sqrt(0.06 / 3);
    expect(s.dates).toBe(4);
    expect(s.mean).toBeCloseTo(0.1, 12);
    expect(s.interval.estimate).toBeCloseTo(0.1, 12);
    expect(s.sd).toBeCloseTo(sd, 12);
    expect(s.icir).toBeCloseTo(0.1 / sd, 12);
    expect(s.icirAnnualised).toBeCloseTo((0.1 / sd) * Math.sqrt(250), 10);
    expect(s.tStat).toBeCloseTo(0.1 / (sd / 2), 12);
    expect(s.positiveShare).toBeCloseTo(0.75, 12);
    expect(s.interval.lo).toBeLessThanOrEqual(0.1);
    expect(s.interval.hi).toBeGreaterThanOrEqual(0.1);
  });

  it('horizon h: annualises with sqrt(periodsPerYear / h) and bootstraps blocks of at least h dates', () => {
    const values = Array.from({ length: 64 }, (_, i) => 0.05 + 0.1 * Math.sin(i));
    const one = icSummary(series(values, 1), { periodsPerYear: 252 });
    const ten = icSummary(series(values, 10), { periodsPerYear: 252 });
    expect(one.interval.blockLength).toBe(4); // round(64^(1/3))
    expect(ten.interval.blockLength).toBe(10);
    expect(ten.icirAnnualised).toBeCloseTo(one.icir * Math.sqrt(25.2), 10);
    // A longer block asked for is kept.
    expect(icSummary(series(values, 10), { bootstrap: { blockLength: 16 } }).interval.blockLength).toBe(16);
  });
});

describe('quantileReturns', () => {
  it('quantileOf: equal counts (sizes differ by at most one), ties by stock index, NaN left out', () => {
    expect(Array.from(quantileOf([7, 1, 3, 2, 6, 5, 4], 3))).toEqual([2, 0, 0, 0, 2, 1, 1]);
    expect(Array.from(quantileOf([0.5, 0.1, 0.5, 0.9, 0.3, 0.2], 3))).toEqual([1, 0, 2, 2, 1, 0]);
    expect(Array.from(quantileOf([1, Number.NaN, 2, 3], 2))).toEqual([0, -1, 0, 1]);
  });

  // Date 0: by (score, index) the order is 1, 5, 4, 0, 2, 3 (0 and 2 tie at 0.5: 0 first), so the
  // thirds are {1, 5}, {4, 0}, {2, 3}. Date 1: stock 5 has no forward return; of the 5 left,
  // floor(k * 3 / 5) puts {0, 1}, {2, 3}, {4}. Date 2: no forward returns.
  const p = makePanel({ stocks: 6, days: 3, fill: { floatCap: (_, j) => [1, 1, 1, 3, 1, 2][j]! } });
  const score = mat([
    [0.5, 0.1, 0.5, 0.9, 0.3, 0.2],
    [1, 2, 3, 4, 5, 6],
    [1, 2, 3, 4, 5, 6],
  ]);
  const nan = Number.NaN;
  const f = fwd1(
    mat([
      [0.01, -0.02, 0.03, 0.05, 0.0, -0.01],
      [0.0, 0.01, 0.02, 0.03, 0.04, nan],
      [nan, nan, nan, nan, nan, nan],
    ]),
  );

  it('equal-weighted quantile means and the spread, by hand', () => {
    const q = quantileReturns(score, f, p, { quantiles: 3, minStocks: 3 });
    expectClose(q.returns, [-0.015, 0.005, 0.04, 0.005, 0.025, 0.04, nan, nan, nan]);
    expect(Array.from(q.counts)).toEqual([2, 2, 2, 2, 2, 1, 0, 0, 0]);
    expectClose(q.spread.series, [0.055, 0.035, nan]);
    expect(q.spread.mean).toBeCloseTo(0.045, 12);
    expect(q.mean[0]!.estimate).toBeCloseTo(-0.005, 12);
    expect(q.mean[2]!.estimate).toBeCloseTo(0.04, 12);
    // h = 1: every date is its own period; date t's spread is earned at the close of t + 1.
    expect(q.spread.periods).toBe(2);
    expectClose(q.spread.cumulative, [0, 0.055, 1.055 * 1.035 - 1]);
    const sd = Math.sqrt(((0.055 - 0.045) ** 2 + (0.035 - 0.045) ** 2) / 1);
    expect(q.spread.sharpe).toBeCloseTo((0.045 / sd) * Math.sqrt(250), 8);
  });

  it('cap-weighted quantile means by hand (float cap at t)', () => {
    const q = quantileReturns(score, f, p, { quantiles: 3, minStocks: 3, weights: 'cap' });
    // Date 0: {1 (cap 1), 5 (cap 2)}, {4, 0} (caps 1), {2 (cap 1), 3 (cap 3)}.
    expectClose(Array.from(q.returns.subarray(0, 3)), [(-0.02 - 0.02) / 3, 0.005, (0.03 + 0.15) / 4]);
  });

  it('NaN on a date with fewer stocks than the minimum or than quantiles', () => {
    expect(quantileReturns(score, f, p, { quantiles: 3, minStocks: 6 }).returns[3]).toBeNaN();
    expect(quantileReturns(score, f, p, { quantiles: 6, minStocks: 3 }).returns[6]).toBeNaN();
    expect(Number.isFinite(quantileReturns(score, f, p, { quantiles: 6, minStocks: 3 }).returns[0]!)).toBe(true);
  });

  it('spread over horizon h: mean over every date, Sharpe and curve over greedy non-overlapping periods paid at t + h', () => {
    const s = spreadSummary(Float64Array.from([0.1, 0.5, -0.05, 0.5, 0.02, nan, nan]), 2, { periodsPerYear: 250 });
    expect(s.mean).toBeCloseTo((0.1 + 0.5 - 0.05 + 0.5 + 0.02) / 5, 12);
    expect(s.interval.blockLength).toBeGreaterThanOrEqual(2);
    expect(s.periods).toBe(3); // starts 0, 2, 4
    expectClose(s.cumulative, [0, 0, 0.1, 0.1, 1.1 * 0.95 - 1, 1.1 * 0.95 - 1, 1.1 * 0.95 * 1.02 - 1]);
    const periods = [0.1, -0.05, 0.02];
    const m = periods.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(periods.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
    expect(s.sharpe).toBeCloseTo((m / sd) * Math.sqrt(125), 10);
    // A missing spread on a would-be start moves the next period to the next date with one.
    const gap = spreadSummary(Float64Array.from([0.1, 0.2, nan, 0.3, 0.4, nan]), 2);
    expect(gap.periods).toBe(2); // starts 0 and 3
    expectClose(gap.cumulative, [0, 0, 0.1, 0.1, 0.1, 1.1 * 1.3 - 1]);
  });

  // Same planted panel as the IC test (correlation 0.5, 500 stocks, deciles of 50). For a bivariate
  // normal the top decile's expected return is rho * sd * phi(z_0.9) / 0.1 = 0.5 * 0.02 * 1.7550, so
  // the population spread is 0.0351; a date's spread has a standard error of about
  // sqrt(2 * 0.02^2 / 50) = 0.004, the mean over 200 dates 0.0003, and order statistics of 500
  // draws shift the decile means by well under 1%: tolerance 0.002.
  it('a planted signal: monotone decile returns, spread near 0.0351 with its interval above 0', () => {
    const p = iidPanel(500, 201, 0.02, 1);
    const score = plantedScore(p, 0.02 * Math.sqrt(3), 2);
    const q = quantileReturns(score, forwardReturns(p, 1), p);
    const means = q.mean.map((m) => m.estimate);
    for (let k = 1; k < 10; k++) expect(means[k]!).toBeGreaterThan(means[k - 1]!);
    const phi = Math.exp(-0.5 * 1.2815515655446004 ** 2) / Math.sqrt(2 * Math.PI);
    expect(Math.abs(q.spread.mean - 2 * 0.5 * 0.02 * (phi / 0.1))).toBeLessThan(0.002);
    expect(q.spread.interval.lo).toBeGreaterThan(0);
    expect(q.spread.sharpe).toBeGreaterThan(10);
    expect(q.spread.cumulative[200]!).toBeGreaterThan(0);
  });

  it('a pure-noise score: the spread interval contains 0', () => {
    const p = iidPanel(300, 250, 0.02, 3);
    const q = quantileReturns(noiseScore(p, 4), forwardReturns(p, 1), p, { quantiles: 5 });
    expect(q.spread.interval.lo).toBeLessThan(0);
    expect(q.spread.interval.hi).toBeGreaterThan(0);
  });
});

describe('quantileTurnover', () => {
  it('share of the top and bottom names replaced since the previous date, by hand', () => {
    const p = makePanel({ stocks: 6, days: 3 });
    // Date 0: bottom {0, 1}, top {4, 5}. Date 1 reversed: bottom {4, 5}, top {0, 1}.
    // Date 2 (order 0, 3, 4, 5, 2, 1): bottom {0, 3}, top {2, 1}: one of two top names stays.
    const score = mat([
      [1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1],
      [1, 6, 5, 2, 3, 4],
    ]);
    const t = quantileTurnover(score, p, { quantiles: 3, minStocks: 3 });
    expectClose(t.top, [Number.NaN, 1, 0.5]);
    expectClose(t.bottom, [Number.NaN, 1, 1]);
    expect(t.meanTop).toBeCloseTo(0.75, 12);
  });

  it('an unchanged score turns over nothing', () => {
    const p = makePanel({ stocks: 50, days: 20 });
    const rng = new Rng(1, 'fixed-score');
    const first = Array.from({ length: 50 }, () => rng.normal());
    const score = Float64Array.from({ length: 50 * 20 }, (_, i) => first[i % 50]!);
    const t = quantileTurnover(score, p, { quantiles: 5 });
    expect(t.meanTop).toBe(0);
    expect(t.meanBottom).toBe(0);
  });

  // A score redrawn each date puts a random 100 of 1000 names in the top decile, so the overlap with
  // yesterday's is hypergeometric with mean 100 * 100 / 1000 = 10: expected turnover 1 - 100/1000 =
  // 0.9. Its sd is sqrt(100 * 0.1 * 0.9 * 900/999) / 100 = 0.028 a date, 0.0018 over 250 dates:
  // tolerance 0.01.
  it('a score redrawn each date turns over 1 - 1/quantiles on average', () => {
    const p = makePanel({ stocks: 1000, days: 251 });
    const t = quantileTurnover(noiseScore(p, 8), p, { quantiles: 10 });
    expect(Math.abs(t.meanTop - 0.9)).toBeLessThan(0.01);
    expect(Math.abs(t.meanBottom - 0.9)).toBeLessThan(0.01);
  });
});

describe('factorAutocorrelation', () => {
  it('rank correlation with the score lag dates earlier, by hand', () => {
    const p = makePanel({ stocks: 4, days: 4 });
    const score = mat([
      [1, 2, 3, 4],
      [10, 20, 30, 40], // same ranks as date 0
      [4, 3, 2, 1], // reversed
      [1, 3, 2, 4],
    ]);
    const a = factorAutocorrelation(score, p, { minStocks: 3 });
    expectClose(a.values, [Number.NaN, 1, -1, -0.8]);
    expect(a.mean).toBeCloseTo((1 - 1 - 0.8) / 3, 12);
    const two = factorAutocorrelation(score, p, { lag: 2, minStocks: 3 });
    expectClose(two.values, [Number.NaN, Number.NaN, -1, 0.8]);
    expect(factorAutocorrelation(score, p, { minStocks: 5 }).values[1]).toBeNaN();
  });
});

describe('icDecay', () => {
  // score = tomorrow's return + noise of the same sd: correlation 1/sqrt(2) with the next day's
  // return and 1/sqrt(2h) with the h-day forward return (the sum of h iid days; compounding changes
  // it by far less than the tolerance), so the Rank IC is (6/pi) asin(1 / (2 sqrt(2h))): 0.689, 0.303,
  // 0.214, 0.148. 400 stocks give a date's Rank IC a standard error of at most 0.05, the mean over
  // ~280 weakly dependent dates about 0.004: tolerance 0.02.
  it('the Rank IC of a one-day signal decays as its share of the h-day return', () => {
    const p = iidPanel(400, 301, 0.02, 6);
    const score = plantedScore(p, 0.02, 7);
    const decay = icDecay(score, p, [1, 5, 10, 21]);
    expect(decay.map((d) => d.horizon)).toEqual([1, 5, 10, 21]);
    for (const d of decay) {
      expect(Math.abs(d.summary.mean - spearmanOfNormal(1 / Math.sqrt(2 * d.horizon))), `horizon ${d.horizon}`).toBeLessThan(0.02);
      expect(d.summary.interval.blockLength).toBeGreaterThanOrEqual(d.horizon);
      expect(d.summary.horizon).toBe(d.horizon);
    }
    for (let k = 1; k < decay.length; k++) expect(decay[k]!.summary.mean).toBeLessThan(decay[k - 1]!.summary.mean);
  });
});

describe('tearSheet', () => {
  it('gathers every section, each as the functions give it alone, on a panel with suspensions and late listings', () => {
    const p = randomPanel(200, 260, 4);
    const score = plantedScore(p, 0.02, 5); // NaN where tomorrow is suspended
    const sheet = tearSheet(score, p, { quantiles: 5, decayHorizons: [1, 5] });
    const f = forwardReturns(p, 1);
    expect(sheet.horizon).toBe(1);
    expect(Array.from(sheet.rankIc.series.values)).toEqual(Array.from(informationCoefficient(score, f, p, { method: 'spearman' }).values));
    expect(Array.from(sheet.ic.series.values)).toEqual(Array.from(informationCoefficient(score, f, p, { method: 'pearson' }).values));
    expect(sheet.quantiles.spread.mean).toBe(quantileReturns(score, f, p, { quantiles: 5 }).spread.mean);
    expect(sheet.turnover.meanTop).toBe(quantileTurnover(score, p, { quantiles: 5 }).meanTop);
    expect(sheet.autocorrelation.mean).toBe(factorAutocorrelation(score, p).mean);
    expect(sheet.decay[0]!.summary).toEqual(sheet.rankIc.summary);
    expect(sheet.decay[1]!.summary.mean).toBe(icDecay(score, p, [5])[0]!.summary.mean);
    // The planted signal shows through the one-factor returns and the gaps.
    expect(sheet.rankIc.summary.interval.lo).toBeGreaterThan(0.3);
    expect(sheet.quantiles.spread.interval.lo).toBeGreaterThan(0);
    expect(Math.abs(sheet.autocorrelation.mean)).toBeLessThan(0.1); // tomorrow's returns are not autocorrelated
  });

  it('at horizon 5 with cap weights: 5-day forward returns, non-overlapping spread periods', () => {
    const p = randomPanel(150, 200, 2);
    const sheet = tearSheet(plantedScore(p, 0.02, 3), p, { horizon: 5, quantileWeights: 'cap', quantiles: 5, decayHorizons: [5, 10] });
    expect(sheet.ic.summary.horizon).toBe(5);
    expect(sheet.quantiles.weights).toBe('cap');
    expect(sheet.quantiles.spread.periods).toBeLessThanOrEqual(Math.ceil(195 / 5));
    expect(sheet.quantiles.spread.periods).toBeGreaterThan(30);
    expect(sheet.rankIc.summary.interval.blockLength).toBeGreaterThanOrEqual(5);
    expect(sheet.decay[0]!.summary).toEqual(sheet.rankIc.summary);
  });
});
