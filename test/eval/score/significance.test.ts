import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accuracyDifference, accuracyVersus, binomialTestP, meanVersusZero } from '../../../src/eval/score/significance.js';
import { permutation, SeededRng } from '../../../src/models/seed.js';

interface BinomCase { k: number; n: number; p: number; pvalue: number }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8')) as { binomtest: BinomCase[] };

/** n values, the first `ones` of them 1, in a seeded random order (an exact accuracy, no clustering). */
function shuffledOnes(n: number, ones: number, seed: number): Uint8Array {
  const perm = permutation(n, new SeededRng(seed, 'shuffle'));
  const out = new Uint8Array(n);
  for (let i = 0; i < ones; i++) out[perm[i]!] = 1;
  return out;
}

function bernoulli(n: number, p: number, rng: SeededRng): Uint8Array {
  return Uint8Array.from({ length: n }, () => (rng.uniform() < p ? 1 : 0));
}

function normals(n: number, rng: SeededRng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
  return out;
}

const mean = (x: ArrayLike<number>): number => Array.from(x).reduce((s, v) => s + v, 0) / x.length;

describe('binomialTestP vs scipy.stats.binomtest (scripts/metrics-fixture.py)', () => {
  it('has the cases', () => expect(fixture.binomtest.length).toBeGreaterThanOrEqual(15));
  for (const c of fixture.binomtest) {
    it(`k = ${c.k}, n = ${c.n}, p = ${c.p}`, () => {
      // Log-factorials summed in double precision: relative error ~1e-13 at n = 10,000.
      expect(Math.abs(binomialTestP(c.k, c.n, c.p) - c.pvalue)).toBeLessThanOrEqual(1e-9 * c.pvalue);
    });
  }
  it('by hand: 0 of 3 at 0.5 is 2 * 1/8; 1 of 4 at 0.5 is (1 + 4 + 4 + 1) / 16', () => {
    expect(binomialTestP(0, 3, 0.5)).toBeCloseTo(0.25, 15);
    expect(binomialTestP(1, 4, 0.5)).toBeCloseTo(10 / 16, 15);
  });
  it('rejects impossible arguments', () => {
    expect(() => binomialTestP(5, 4, 0.5)).toThrow('need integers 0 <= k <= n');
    expect(() => binomialTestP(1, 4, 1)).toThrow('rate is 1');
  });
});

describe('accuracyVersus', () => {
  it('an accuracy of 0.60 over 1,000 iid samples is significant against 0.5', () => {
    const r = accuracyVersus(shuffledOnes(1000, 600, 1));
    expect(r.estimate).toBe(0.6);
    expect(r.lo).toBeGreaterThan(0.55);
    expect(r.hi).toBeLessThan(0.65);
    // z ≈ 6: no replicate deviates as far, so p is the smallest possible, 1 / (1000 + 1).
    expect(r.p).toBe(1 / 1001);
    expect(r.pBinomial).toBeLessThan(1e-9);
    expect(r.method).toContain('circular block bootstrap (block 10, 1000 resamples)');
  });

  it('0.51 over 200 is not', () => {
    const r = accuracyVersus(shuffledOnes(200, 102, 2));
    expect(r.estimate).toBe(0.51);
    expect(r.lo).toBeLessThan(0.5);
    expect(r.hi).toBeGreaterThan(0.5);
    expect(r.p).toBeGreaterThan(0.5);
    expect(r.pBinomial).toBeCloseTo(fixture.binomtest.find((c) => c.k === 102 && c.n === 200)!.pvalue, 12);
  });

  it('pBinomial is scipy binomtest of (correct count, n, rate)', () => {
    const c = fixture.binomtest.find((b) => b.k === 540 && b.p === 0.53)!;
    const r = accuracyVersus(shuffledOnes(1000, 540, 3), 0.53, { resamples: 100 });
    expect(Math.abs(r.pBinomial - c.pvalue)).toBeLessThanOrEqual(1e-9 * c.pvalue);
  });

  it('on iid data with block length 1, p is close to the normal approximation', () => {
    // 530 / 1000: z = 0.03 / sqrt(0.53 * 0.47 / 1000) = 1.901, two-sided normal p = 0.0573.
    const r = accuracyVersus(shuffledOnes(1000, 530, 4), 0.5, { blockLength: 1, resamples: 4000 });
    expect(r.p).toBeGreaterThan(0.045);
    expect(r.p).toBeLessThan(0.07);
  });

  it('rejects a true null at about the nominal 5% rate', () => {
    let rejected = 0;
    for (let s = 0; s < 100; s++) if (accuracyVersus(bernoulli(300, 0.5, new SeededRng(s, 'null')), 0.5, { seed: s, resamples: 500 }).p < 0.05) rejected++;
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(12);
  });

  it('tests against another rate', () => {
    const c = shuffledOnes(1000, 600, 5);
    expect(accuracyVersus(c, 0.6).p).toBe(1);
    expect(accuracyVersus(c, 0.55).p).toBeLessThan(0.01);
    expect(accuracyVersus(c, 0.58).p).toBeGreaterThan(0.1);
  });

  it('is NaN on no samples and rejects non-binary input or a degenerate rate', () => {
    const r = accuracyVersus(new Uint8Array(0));
    expect(r.estimate).toBeNaN();
    expect(r.p).toBeNaN();
    expect(r.pBinomial).toBeNaN();
    expect(() => accuracyVersus(Uint8Array.from([1, 2]))).toThrow('correct[1] is 2; values must be 0 or 1');
    expect(() => accuracyVersus(Uint8Array.from([1, 0]), 0)).toThrow('rate is 0');
  });
});

describe('accuracyDifference', () => {
  it('of identical inputs is 0 with p = 1', () => {
    const a = bernoulli(500, 0.55, new SeededRng(1, 'a'));
    const r = accuracyDifference(a, a.slice());
    expect(r).toMatchObject({ estimate: 0, lo: 0, hi: 0, p: 1 });
  });

  it('model vs always-long: a clearly better model is significant, and swapping A and B negates it', () => {
    const rng = new SeededRng(2, 'labels');
    const label = bernoulli(1000, 0.55, rng);
    const model = bernoulli(1000, 0.65, rng); // correct on 65% of days, independently of the label
    const alwaysLong = label.slice(); // "up" every day is right exactly when the label is 1
    const r = accuracyDifference(model, alwaysLong);
    expect(r.estimate).toBeCloseTo(mean(model) - mean(alwaysLong), 15);
    expect(r.lo).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(0.01);
    const swapped = accuracyDifference(alwaysLong, model);
    expect(swapped.estimate).toBeCloseTo(-r.estimate, 15);
    expect(swapped.lo).toBeCloseTo(-r.hi, 12);
    expect(swapped.hi).toBeCloseTo(-r.lo, 12);
    expect(swapped.p).toBe(r.p);
  });

  it('is paired: a small gain on otherwise identical days is significant though the accuracies alone overlap', () => {
    // B is right on 520 days; A on the same days plus 30 more (+3 points). Unpaired, each accuracy
    // has se ≈ 0.016 and the intervals overlap; paired, only the 30 differing days vary: se ≈ 0.0054.
    const b = shuffledOnes(1000, 520, 6);
    const a = b.slice();
    let added = 0;
    for (let i = 0; i < 1000 && added < 30; i += 7) if (!a[i]) { a[i] = 1; added++; }
    const ia = accuracyVersus(a);
    const ib = accuracyVersus(b);
    expect(ia.lo).toBeLessThan(ib.hi);
    const d = accuracyDifference(a, b);
    expect(d.estimate).toBeCloseTo(0.03, 15);
    expect(d.p).toBeLessThan(0.01);
    expect(d.lo).toBeGreaterThan(0.015);
  });

  it('rejects mismatched lengths and non-binary input', () => {
    expect(() => accuracyDifference(new Uint8Array(3), new Uint8Array(4))).toThrow('correctA has 3 values but correctB has 4');
    expect(() => accuracyDifference(Uint8Array.from([0]), Uint8Array.from([3]))).toThrow('correctB[0] is 3');
  });
});

describe('meanVersusZero', () => {
  it('a clearly positive series is significant', () => {
    const e = normals(1000, new SeededRng(1, 'ret'));
    const x = e.map((v) => 0.001 + 0.005 * v); // t ≈ 0.001 / (0.005 / sqrt(1000)) = 6.3
    const r = meanVersusZero(x);
    expect(r.estimate).toBeCloseTo(mean(x), 15);
    expect(r.lo).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(0.01);
  });

  it('mean-zero noise is not: exactly demeaned gives p near 1, seeded noise rejects at about 5%', () => {
    const e = normals(500, new SeededRng(2, 'ret'));
    const m = mean(e);
    const centred = meanVersusZero(e.map((v) => v - m));
    expect(centred.p).toBeGreaterThan(0.9);
    expect(centred.lo).toBeLessThan(0);
    expect(centred.hi).toBeGreaterThan(0);
    let rejected = 0;
    for (let s = 0; s < 100; s++) if (meanVersusZero(normals(250, new SeededRng(s, 'noise')), { seed: s, resamples: 500 }).p < 0.05) rejected++;
    expect(rejected).toBeLessThanOrEqual(12);
  });

  it('with sharpe, the estimate is mean / sd * sqrt(periodsPerYear)', () => {
    const x = Float64Array.from([0.01, -0.005, 0.02, 0.0, 0.015, -0.01, 0.005, 0.01]);
    // mean 0.005625; sum of squares 0.000975 - 8 * 0.005625^2 = 0.000721875; sd = sqrt(0.000721875 / 7).
    const sharpe = (0.005625 / Math.sqrt(0.000721875 / 7)) * Math.sqrt(252);
    const r = meanVersusZero(x, { sharpe: { periodsPerYear: 252 }, resamples: 200 });
    expect(r.estimate).toBeCloseTo(sharpe, 12);
    expect(r.lo).toBeLessThan(r.estimate);
    expect(r.hi).toBeGreaterThan(r.estimate);
    expect(r.method).toContain('Sharpe');
  });

  it('with sharpe, a clearly positive series has an interval above 0 and a small p', () => {
    const e = normals(1000, new SeededRng(3, 'ret'));
    const r = meanVersusZero(e.map((v) => 0.001 + 0.005 * v), { sharpe: { periodsPerYear: 252 } });
    expect(r.estimate).toBeGreaterThan(2); // true Sharpe 0.2 * sqrt(252) = 3.2
    expect(r.lo).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(0.01);
  });

  it('on autocorrelated returns, iid resampling finds an effect that blocks do not', () => {
    // AR(1) phi = 0.8 around a small positive mean (0.25, sd of the sample mean ≈ 0.2 at n = 600):
    // iid resampling sees ~1/3 of the true se and calls this sample's mean (0.18) significant.
    const e = normals(600, new SeededRng(0, 'ar'));
    const x = new Float64Array(600);
    let prev = 0;
    for (let i = 0; i < 600; i++) x[i] = 0.25 + (prev = 0.8 * prev + e[i]!);
    const block = meanVersusZero(x, { blockLength: 20 });
    const iid = meanVersusZero(x, { blockLength: 1 });
    expect(block.estimate).toBeGreaterThan(0);
    expect(iid.p).toBeLessThan(0.01);
    expect(block.p).toBeGreaterThan(0.05);
    expect(block.hi - block.lo).toBeGreaterThan(2 * (iid.hi - iid.lo));
  });

  it('rejects non-finite values and a bad annualisation', () => {
    expect(() => meanVersusZero(Float64Array.from([0.1, NaN]))).toThrow('x[1] is NaN; values must be finite');
    expect(() => meanVersusZero(Float64Array.from([0.1, 0.2]), { sharpe: { periodsPerYear: 0 } })).toThrow('periodsPerYear is 0');
  });
});
