import { describe, expect, it } from 'vitest';
import {
  COUNTRY,
  type FactorPanel,
  type StyleExposure,
  type StyleMatrix,
  factorCovariance,
  factorRegression,
  factorReturnSeries,
} from '../../src/equity/factor-returns.js';
import { mulberry32 as rng, normal } from '../helpers/random.js';

const f64 = (v: number[]): Float64Array => Float64Array.from(v);

interface Section {
  industry: Int32Array;
  industries: string[];
  cap: Float64Array;
  styles: StyleExposure[];
  exposures: Float64Array[];
}

/** A random cross-section: every industry populated, lognormal caps, standard-normal-ish styles. */
function section(n: number, K: number, S: number, seed: number): Section {
  const u = rng(seed);
  const industry = Int32Array.from({ length: n }, (_, i) => (i < K ? i : Math.floor(u() * K)));
  const cap = Float64Array.from({ length: n }, () => Math.exp(22 + 1.3 * normal(u)));
  const exposures = Array.from({ length: S }, (_, s) => Float64Array.from({ length: n }, (_, i) => normal(u) + (s === 0 ? 0.3 * Math.log(cap[i]! / 3e9) : 0)));
  return {
    industry,
    industries: Array.from({ length: K }, (_, k) => `ind${k}`),
    cap,
    styles: exposures.map((exposure, s) => ({ name: `style${s}`, exposure })),
    exposures,
  };
}

/** Returns X f (+ noise sd `noise`), X = [1, industry dummies, styles]; f is country, industries, styles. */
function plantedReturns(sec: Section, f: Float64Array, noise: number, seed: number): Float64Array {
  const u = rng(seed);
  const K = sec.industries.length;
  return Float64Array.from(sec.industry, (k, i) => {
    let r = f[0]! + f[1 + k]!;
    sec.exposures.forEach((x, s) => (r += f[1 + K + s]! * x[i]!));
    // specific risk falling with size as the sqrt(cap) weights assume: Var(e_i) proportional to 1 / sqrt(cap_i)
    return r + noise * (sec.cap[i]! / 3e9) ** -0.25 * normal(u);
  });
}

/** Cap shares of each industry. */
function industryShares(sec: Section): Float64Array {
  const w = new Float64Array(sec.industries.length);
  let total = 0;
  sec.industry.forEach((k, i) => {
    w[k]! += sec.cap[i]!;
    total += sec.cap[i]!;
  });
  return w.map((c) => c / total);
}

/** Solves A x = B (A m x m, B m x r, row-major) by Gaussian elimination with partial pivoting. */
function gaussSolve(A: number[][], B: number[][]): number[][] {
  const m = A.length;
  const a = A.map((row, i) => [...row, ...B[i]!]);
  const r = B[0]!.length;
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let i = c + 1; i < m; i++) if (Math.abs(a[i]![c]!) > Math.abs(a[piv]![c]!)) piv = i;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    for (let i = 0; i < m; i++) {
      if (i === c) continue;
      const factor = a[i]![c]! / a[c]![c]!;
      for (let j = c; j < m + r; j++) a[i]![j]! -= factor * a[c]![j]!;
    }
  }
  return a.map((row, i) => row.slice(m).map((v) => v / a[i]![i]!));
}

/**
 * The same constrained WLS by the Lagrangian: [X'WX A'; A 0][f; lambda] = [X'Wr; 0], W = sqrt(cap),
 * A = the industries' cap shares. Returns f and the f-block of the KKT inverse (Cov(f) / sigma^2).
 */
function kktSolution(sec: Section, r: Float64Array): { f: number[]; covUnit: number[][] } {
  const n = r.length;
  const K = sec.industries.length;
  const S = sec.exposures.length;
  const P = 1 + K + S;
  const row = (i: number): number[] => {
    const x = new Array<number>(P).fill(0);
    x[0] = 1;
    x[1 + sec.industry[i]!] = 1;
    sec.exposures.forEach((e, s) => (x[1 + K + s] = e[i]!));
    return x;
  };
  const kkt = Array.from({ length: P + 1 }, () => new Array<number>(P + 1).fill(0));
  const rhs = Array.from({ length: P + 1 }, () => [0]);
  for (let i = 0; i < n; i++) {
    const x = row(i);
    const w = Math.sqrt(sec.cap[i]!);
    for (let a = 0; a < P; a++) {
      rhs[a]![0]! += w * x[a]! * r[i]!;
      for (let c = 0; c < P; c++) kkt[a]![c]! += w * x[a]! * x[c]!;
    }
  }
  const shares = industryShares(sec);
  for (let k = 0; k < K; k++) {
    kkt[P]![1 + k] = shares[k]!;
    kkt[1 + k]![P] = shares[k]!;
  }
  const f = gaussSolve(kkt, rhs).slice(0, P).map((v) => v[0]!);
  const identity = Array.from({ length: P + 1 }, (_, i) => Array.from({ length: P + 1 }, (_, j) => (i === j ? 1 : 0)));
  const inv = gaussSolve(kkt, identity);
  return { f, covUnit: inv.slice(0, P).map((v) => v.slice(0, P)) };
}

describe('factorRegression', () => {
  it('hand case: two industries, no style: country = cap-weighted market, industries its spread', () => {
    // A: caps 1, 4 (weights 1, 2), returns 1%, 4% -> weighted mean 3%; B: caps 9, 1 (weights 3, 1),
    // returns -1%, 3% -> 0%. Cap shares 1/3, 2/3 -> country 1%, A +2%, B -1%.
    const res = factorRegression({
      returns: f64([0.01, 0.04, -0.01, 0.03]),
      styles: [],
      industry: Int32Array.from([0, 0, 1, 1]),
      industries: ['A', 'B'],
      capWeights: f64([1, 4, 9, 1]),
      minStocks: 4,
    });
    expect(res.factors).toEqual([COUNTRY, 'A', 'B']);
    [0.01, 0.02, -0.01].forEach((v, i) => expect(res.returns[i]).toBeCloseTo(v, 14));
    [-0.02, 0.01, -0.01, 0.03].forEach((v, i) => expect(res.residuals[i]).toBeCloseTo(v, 14));
    // sigma^2 = sum v e^2 / (4 - 2) = 9e-4; (R'X'VXR)^-1 = [[4, -1], [-1, 7]] / 27; Var(B) = Var(A) / 4
    const se = [Math.sqrt((9e-4 * 4) / 27), Math.sqrt((9e-4 * 7) / 27), Math.sqrt((9e-4 * 7) / 27) / 2];
    se.forEach((s, i) => expect(res.stdErrors[i]).toBeCloseTo(s, 14));
    expect(res.tStats[1]).toBeCloseTo(0.02 / se[1]!, 12);
    expect(res.rSquared).toBeCloseTo(6 / 13, 14);
    expect(res.nStocks).toBe(4);
    expect(res.dof).toBe(2);
    expect(Array.from(res.industryWeights)).toEqual([1 / 3, 2 / 3]);
  });

  it('the constrained WLS matches an independent Lagrangian (KKT) solution; the constraint holds', () => {
    const sec = section(200, 10, 5, 11);
    const u = rng(12);
    const r = Float64Array.from({ length: 200 }, () => 0.02 * normal(u));
    const res = factorRegression({ returns: r, styles: sec.styles, industry: sec.industry, industries: sec.industries, capWeights: sec.cap });
    const { f, covUnit } = kktSolution(sec, r);
    expect(res.status).toBe('ok');
    f.forEach((v, p) => expect(Math.abs(res.returns[p]! - v)).toBeLessThan(1e-9));
    const shares = industryShares(sec);
    let constraint = 0;
    shares.forEach((w, k) => (constraint += w * res.returns[1 + k]!));
    expect(Math.abs(constraint)).toBeLessThan(1e-12);
    // t-stats: Cov(f) = sigma^2 x the f-block of the KKT inverse, sigma^2 = sum v e^2 / (n - (P - 1))
    let sse = 0;
    res.residuals.forEach((e, i) => (sse += Math.sqrt(sec.cap[i]!) * e * e));
    const sigma2 = sse / (200 - (f.length - 1));
    f.forEach((v, p) => expect(res.tStats[p]).toBeCloseTo(v / Math.sqrt(sigma2 * covUnit[p]![p]!), 8));
  });

  it('recovers planted factor returns: exactly without noise, within 6 standard errors with noise', () => {
    const sec = section(2000, 10, 5, 21);
    const u = rng(22);
    const K = 10;
    const fTrue = Float64Array.from({ length: 16 }, () => 0.01 * normal(u));
    // X f is unchanged by moving a constant from the industries to the country (each stock has one
    // industry), so put the planted f in the constraint's form: cap-weighted industry sum 0.
    const shares = industryShares(sec);
    let shift = 0;
    for (let k = 0; k < K; k++) shift += shares[k]! * fTrue[1 + k]!;
    for (let k = 0; k < K; k++) fTrue[1 + k]! -= shift;
    fTrue[0]! += shift;
    const base = { styles: sec.styles, industry: sec.industry, industries: sec.industries, capWeights: sec.cap };
    const exact = factorRegression({ ...base, returns: plantedReturns(sec, fTrue, 0, 23) });
    fTrue.forEach((v, p) => expect(Math.abs(exact.returns[p]! - v)).toBeLessThan(1e-12));
    expect(exact.rSquared).toBeCloseTo(1, 12);
    // Noise sd ~1e-4 (heteroskedastic as the weights assume) against factor returns ~1e-2. The error
    // of each estimate is then normal with the regression's own standard error: 6 se is a bound a
    // correct estimator breaks with probability ~2e-9 per factor. The se themselves must be small
    // (< 2e-5, 0.2% of a typical factor return), so that 6 se is a close bound and a too-large se
    // cannot hide a wrong estimate.
    const noisy = factorRegression({ ...base, returns: plantedReturns(sec, fTrue, 1e-4, 24) });
    fTrue.forEach((v, p) => {
      expect(noisy.stdErrors[p]).toBeLessThan(2e-5);
      expect(Math.abs(noisy.returns[p]! - v)).toBeLessThan(6 * noisy.stdErrors[p]!);
    });
  });

  it('an industry with no stocks that date is dropped and reported NaN, without NaN leaking elsewhere', () => {
    const sec = section(300, 6, 3, 31);
    const industry = Int32Array.from(sec.industry, (k) => (k === 2 ? 3 : k)); // industry 2 empties into 3
    const u = rng(32);
    const r = Float64Array.from({ length: 300 }, () => 0.02 * normal(u));
    const res = factorRegression({ returns: r, styles: sec.styles, industry, industries: sec.industries, capWeights: sec.cap });
    expect(res.dropped).toEqual([{ factor: 'ind2', reason: 'empty_industry' }]);
    expect(res.returns[1 + 2]).toBeNaN();
    expect(res.tStats[1 + 2]).toBeNaN();
    res.returns.forEach((v, p) => p !== 3 && expect(Number.isFinite(v)).toBe(true));
    res.tStats.forEach((v, p) => p !== 3 && expect(Number.isFinite(v)).toBe(true));
    expect(res.residuals.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(res.rSquared)).toBe(true);
    // the same as the regression without that industry at all
    const without = factorRegression({
      returns: r,
      styles: sec.styles,
      industry: Int32Array.from(industry, (k) => (k > 2 ? k - 1 : k)),
      industries: sec.industries.filter((_, k) => k !== 2),
      capWeights: sec.cap,
    });
    const kept = Array.from(res.returns).filter((_, p) => p !== 3);
    kept.forEach((v, p) => expect(v).toBeCloseTo(without.returns[p]!, 12));
    let constraint = 0;
    res.industryWeights.forEach((w, k) => k !== 2 && (constraint += w * res.returns[1 + k]!));
    expect(Math.abs(constraint)).toBeLessThan(1e-12);
  });

  it('a constant style (or a duplicate of another) is dropped as collinear and reported NaN; the rest are as without it', () => {
    const sec = section(300, 6, 3, 41);
    const u = rng(42);
    const r = Float64Array.from({ length: 300 }, () => 0.02 * normal(u));
    const base = { returns: r, industry: sec.industry, industries: sec.industries, capWeights: sec.cap };
    const reference = factorRegression({ ...base, styles: sec.styles });
    const res = factorRegression({
      ...base,
      styles: [...sec.styles, { name: 'flat', exposure: new Float64Array(300).fill(0.7) }, { name: 'copy', exposure: Float64Array.from(sec.exposures[1]!, (v) => 2 * v) }],
    });
    expect(res.dropped).toEqual([
      { factor: 'flat', reason: 'collinear' },
      { factor: 'copy', reason: 'collinear' },
    ]);
    expect(res.returns[1 + 6 + 3]).toBeNaN();
    expect(res.returns[1 + 6 + 4]).toBeNaN();
    reference.returns.forEach((v, p) => {
      expect(res.returns[p]).toBeCloseTo(v, 12);
      expect(res.tStats[p]).toBeCloseTo(reference.tStats[p]!, 8);
    });
    expect(res.residuals.every(Number.isFinite)).toBe(true);
  });

  it('leaves out stocks missing a return, a cap, an industry or an exposure', () => {
    const sec = section(120, 4, 2, 51);
    const u = rng(52);
    const r = Float64Array.from({ length: 120 }, () => 0.02 * normal(u));
    r[5] = NaN;
    const cap = Float64Array.from(sec.cap);
    cap[6] = 0;
    cap[7] = NaN;
    const industry = Int32Array.from(sec.industry);
    industry[8] = -1;
    const x0 = Float64Array.from(sec.exposures[0]!);
    x0[9] = NaN;
    const res = factorRegression({ returns: r, styles: [{ name: 'a', exposure: x0 }, sec.styles[1]!], industry, industries: sec.industries, capWeights: cap });
    expect(res.nStocks).toBe(115);
    [5, 6, 7, 8, 9].forEach((i) => expect(res.residuals[i]).toBeNaN());
    expect(res.returns.every(Number.isFinite)).toBe(true);
  });

  it('too few stocks (under factors + 10) gives NaN everywhere and says so', () => {
    const sec = section(16, 4, 2, 61); // 7 factors: needs 17
    const res = factorRegression({ returns: new Float64Array(16).fill(0.01), styles: sec.styles, industry: sec.industry, industries: sec.industries, capWeights: sec.cap });
    expect(res.status).toBe('too_few_stocks');
    expect(res.nStocks).toBe(16);
    expect(res.returns.every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(res.rSquared)).toBe(true);
  });

  it('rejects an industry index outside the list, naming the date', () => {
    expect(() =>
      factorRegression({ returns: f64([0, 0]), styles: [], industry: Int32Array.from([0, 2]), industries: ['A', 'B'], capWeights: f64([1, 1]), date: '2024-01-02' }),
    ).toThrow(/on 2024-01-02: stock 1 has industry 2, but there are only 2 industries/);
  });
});

describe('factorReturnSeries', () => {
  const T = 6;
  const N = 80;
  const K = 4;
  const u = rng(71);
  const industry = Int32Array.from({ length: N }, (_, j) => j % K);
  const panel: FactorPanel = {
    dates: ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09'],
    codes: Array.from({ length: N }, (_, j) => `sz.${String(j).padStart(6, '0')}`),
    ret: Float64Array.from({ length: T * N }, () => 0.02 * normal(u)),
    floatCap: Float64Array.from({ length: T * N }, () => Math.exp(22 + normal(u))),
    industry,
    industries: ['A', 'B', 'C', 'D'],
  };
  const styles: StyleMatrix[] = [
    { name: 'size', exposure: Float64Array.from({ length: T * N }, () => normal(u)) },
    { name: 'beta', exposure: Float64Array.from({ length: T * N }, () => normal(u)) },
  ];
  // date 4: all but 10 stocks suspended (returns NaN) -> too few
  for (let j = 10; j < N; j++) panel.ret[4 * N + j] = NaN;

  it('row t regresses returns on t on exposures and caps of t-1; date 0 and thin dates are NaN', () => {
    const s = factorReturnSeries(panel, styles);
    const P = 1 + K + 2;
    expect(s.factors).toEqual([COUNTRY, 'A', 'B', 'C', 'D', 'size', 'beta']);
    expect(s.skipped).toEqual([
      { date: '2024-01-02', reason: 'first_date' },
      { date: '2024-01-08', reason: 'too_few_stocks' },
    ]);
    expect(s.nStocks[4]).toBe(10);
    for (const t of [0, 4]) expect(s.returns.subarray(t * P, (t + 1) * P).every(Number.isNaN)).toBe(true);
    for (const t of [1, 2, 3, 5]) {
      const at = (m: Float64Array, d: number): Float64Array => m.subarray(d * N, (d + 1) * N);
      const one = factorRegression({
        returns: at(panel.ret, t),
        styles: styles.map((st) => ({ name: st.name, exposure: at(st.exposure, t - 1) })),
        industry,
        industries: panel.industries,
        capWeights: at(panel.floatCap, t - 1),
      });
      expect(Array.from(s.returns.subarray(t * P, (t + 1) * P))).toEqual(Array.from(one.returns));
      expect(Array.from(s.residuals.subarray(t * N, (t + 1) * N))).toEqual(Array.from(one.residuals));
      expect(s.rSquared[t]).toBe(one.rSquared);
    }
  });

  it('a style with no exposure on t-1 sits date t out (NaN, dropped as no_data); the rest are as without it', () => {
    const late = { name: 'late', exposure: Float64Array.from(styles[0]!.exposure, (x, i) => (i < 2 * N ? Number.NaN : -x)) };
    const s = factorReturnSeries(panel, [...styles, late]);
    const P = 1 + K + 3;
    expect(s.dropped.filter((d) => d.reason === 'no_data')).toEqual([
      { factor: 'late', reason: 'no_data', date: '2024-01-03' },
      { factor: 'late', reason: 'no_data', date: '2024-01-04' },
    ]);
    const without = factorReturnSeries(panel, styles);
    for (const t of [1, 2]) {
      expect(Array.from(s.returns.subarray(t * P, t * P + P - 1))).toEqual(Array.from(without.returns.subarray(t * (P - 1), (t + 1) * (P - 1))));
      expect(s.returns[t * P + P - 1]).toBeNaN();
    }
    // From date 3 on the style has exposures (the negated size, so collinear with size: dropped as such).
    expect(s.dropped.some((d) => d.date === '2024-01-05' && d.factor === 'late' && d.reason === 'collinear')).toBe(true);
  });

  it('names the matrix whose length does not match dates x stocks', () => {
    expect(() => factorReturnSeries(panel, [{ name: 'size', exposure: new Float64Array(5) }])).toThrow(/style 'size' has length 5, expected 480/);
  });
});

describe('factorCovariance', () => {
  // f1 = 1, 2, NaN, 4 and f2 = 2, 1, 0, 5: date 2 is skipped whole
  const series = { factors: ['f1', 'f2'], returns: f64([1, 2, 2, 1, NaN, 0, 4, 5]) };

  it('equal weights: the sample covariance over dates with every factor finite', () => {
    const c = factorCovariance(series);
    expect(c.nDates).toBe(3);
    // (1,2,4) and (2,1,5): means 7/3, 8/3
    [7 / 3, 8 / 3, 8 / 3, 13 / 3].forEach((v, i) => expect(c.matrix[i]).toBeCloseTo(v, 13));
  });

  it('half-life: weights 0.5^(age / halfLife), ages counted over every date, unbiased scaling', () => {
    // halfLife 1: ages 3, 2, 0 -> weights 1/8, 1/4, 1; sum 1.375, sum of squares 1.078125;
    // f2 weighted mean 4; scale 1.375 / (1.375^2 - 1.078125) = 22/13
    const c = factorCovariance(series, { halfLife: 1 });
    expect(c.matrix[3]).toBeCloseTo((22 / 13) * (0.125 * 4 + 0.25 * 9 + 1), 13);
    const m1 = (0.125 * 1 + 0.25 * 2 + 4) / 1.375;
    expect(c.matrix[1]).toBeCloseTo((22 / 13) * (0.125 * (1 - m1) * -2 + 0.25 * (2 - m1) * -3 + (4 - m1) * 1), 13);
    expect(c.matrix[1]).toBe(c.matrix[2]);
  });

  it('rejects a bad half-life and too few dates', () => {
    expect(() => factorCovariance(series, { halfLife: 0 })).toThrow(/halfLife/);
    expect(() => factorCovariance({ factors: ['f1'], returns: f64([1, NaN]) })).toThrow(/1 of 2 dates/);
  });
});
