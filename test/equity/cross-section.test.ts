import { describe, expect, it } from 'vitest';
import { MAD_TO_SD, fillMissing, neutralize, nonLinearSize, orthogonalize, standardize, winsorize } from '../../src/equity/cross-section.js';
import { mulberry32 as rng, normal } from '../helpers/random.js';

const f64 = (v: number[]): Float64Array => Float64Array.from(v);

/** A random cross-section: industries 0..K-1 (a few unclassified), lognormal caps, a factor with NaNs. */
function crossSection(n: number, K: number, seed: number): { x: Float64Array; industry: Int32Array; cap: Float64Array; size: Float64Array } {
  const u = rng(seed);
  const industry = Int32Array.from({ length: n }, () => (u() < 0.03 ? -1 : Math.floor(u() * K)));
  const cap = Float64Array.from({ length: n }, () => Math.exp(22 + 1.2 * normal(u)));
  const size = Float64Array.from(cap, (c) => Math.log(c) - 22);
  const x = Float64Array.from({ length: n }, (_, i) => (u() < 0.05 ? NaN : 0.4 * size[i]! + industry[i]! * 0.1 + normal(u)));
  return { x, industry, cap, size };
}

function weightedMean(x: ArrayLike<number>, w: ArrayLike<number>, keep: (i: number) => boolean): number {
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < x.length; i++) {
    if (!keep(i)) continue;
    sw += w[i]!;
    swx += w[i]! * x[i]!;
  }
  return swx / sw;
}

describe('winsorize', () => {
  it('MAD (default, k 3) clips to median +- 3 x 1.4826 x MAD and leaves NaN as NaN', () => {
    // median 3, |x - 3| = 2,1,0,1,97 -> MAD 1 -> bounds 3 +- 4.4478
    const out = winsorize(f64([1, 2, 3, 4, 100, NaN]));
    expect(Array.from(out.slice(0, 4))).toEqual([1, 2, 3, 4]);
    expect(out[4]).toBeCloseTo(3 + 3 * MAD_TO_SD, 14);
    expect(out[5]).toBeNaN();
    expect(winsorize(f64([-100, 2, 3, 4, 5]))[0]).toBeCloseTo(3 - 3 * MAD_TO_SD, 14);
  });

  it('sigma clips to mean +- k sample sd', () => {
    // mean 2, sample sd sqrt((4 x 4 + 64) / 4) = sqrt(20); k 1 -> upper 2 + sqrt(20)
    const out = winsorize(f64([0, 0, 0, 0, 10]), { method: 'sigma', k: 1 });
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(out[4]).toBeCloseTo(2 + Math.sqrt(20), 14);
  });

  it('a zero MAD (most values equal) falls back to the sigma rule instead of collapsing onto the median', () => {
    // MAD of [0,0,0,1,100] is 0; sigma k 1: mean 20.2, sd sqrt(7960.8 / 4)
    const out = winsorize(f64([0, 0, 0, 1, 100]), { k: 1 });
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 0, 1]);
    expect(out[4]).toBeCloseTo(20.2 + Math.sqrt(7960.8 / 4), 10);
  });

  it('does not modify its input and rejects a bad k', () => {
    const x = f64([1, 2, 3, 4, 100]);
    winsorize(x);
    expect(x[4]).toBe(100);
    expect(() => winsorize(x, { k: 0 })).toThrow(/k must be/);
  });
});

describe('standardize', () => {
  it('hand case: (x - cap-weighted mean) / equal-weighted sample sd', () => {
    // cap mean (1 + 2 + 3 + 20) / 8 = 3.25; equal mean 2.5, sample sd sqrt(5 / 3)
    const z = standardize(f64([1, 2, 3, 4]), f64([1, 1, 1, 5]));
    const sd = Math.sqrt(5 / 3);
    [1, 2, 3, 4].forEach((v, i) => expect(z[i]).toBeCloseTo((v - 3.25) / sd, 14));
  });

  it('gives cap-weighted mean 0 and equal-weighted sd 1 over the stocks with x and a weight', () => {
    const { x, cap } = crossSection(500, 10, 1);
    cap[7] = NaN;
    cap[8] = 0;
    const z = standardize(x, cap);
    const counted = (i: number): boolean => Number.isFinite(x[i]!) && cap[i]! > 0 && Number.isFinite(cap[i]!);
    expect(Math.abs(weightedMean(z, cap, counted))).toBeLessThan(1e-12);
    const v = Array.from(z).filter((_, i) => counted(i));
    const m = v.reduce((s, a) => s + a, 0) / v.length;
    expect(Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / (v.length - 1))).toBeCloseTo(1, 12);
    // NaN x stays NaN; a finite x without a weight is still standardised with the others' moments
    x.forEach((xi, i) => expect(Number.isNaN(z[i]!)).toBe(Number.isNaN(xi)));
  });

  it('a flat factor has no z-score (all NaN)', () => {
    expect(Array.from(standardize(f64([2, 2, 2]), f64([1, 2, 3]))).every(Number.isNaN)).toBe(true);
  });

  it('names the argument whose length is wrong', () => {
    expect(() => standardize(f64([1, 2]), f64([1]))).toThrow(/standardize: capWeights has length 1, expected 2/);
  });
});

describe('fillMissing', () => {
  it('hand case: fills with the industry + size regression fitted on the stocks that have x', () => {
    // industry 0: (size 1, x 1), (2, 2); industry 1: (1, 5), (2, 6) -> x = a_k + size, a = (0, 4)
    const x = f64([1, 2, NaN, 5, 6, NaN, NaN, NaN, NaN, 7]);
    const industry = Int32Array.from([0, 0, 0, 1, 1, 1, -1, 2, 1, -1]);
    const size = f64([1, 2, 3, 1, 2, 3, 1, 2, NaN, NaN]);
    const out = fillMissing(x, industry, size);
    expect(out[2]).toBeCloseTo(3, 13);
    expect(out[5]).toBeCloseTo(7, 13);
    expect(out[6]).toBeNaN(); // no industry
    expect(out[7]).toBeNaN(); // industry 2 has no stock with x
    expect(out[8]).toBeNaN(); // no size
    expect(out[9]).toBe(7); // has x (no industry, no size): kept as is
    expect(Array.from(out.slice(0, 2))).toEqual([1, 2]);
  });

  it('size constant within each industry is dropped and the fill is the industry mean', () => {
    const out = fillMissing(f64([1, 3, NaN, 10, NaN]), Int32Array.from([0, 0, 0, 1, 1]), f64([5, 5, 5, 7, 7]));
    expect(out[2]).toBeCloseTo(2, 13);
    expect(out[4]).toBeCloseTo(10, 13);
  });
});

describe('neutralize', () => {
  it('hand case: industry dummies only, equal and cap weights', () => {
    const x = f64([1, 2, 3, 10, 20, NaN, 4]);
    const industry = Int32Array.from([0, 0, 0, 1, 1, 1, -1]);
    const plain = neutralize(x, { industry });
    [-1, 0, 1, -5, 5].forEach((v, i) => expect(plain[i]).toBeCloseTo(v, 13));
    expect(plain[5]).toBeNaN();
    expect(plain[6]).toBeNaN(); // unclassified
    // weighted: industry 0 mean (1 + 2 + 6) / 4 = 2.25, industry 1 mean (10 + 60) / 4 = 17.5
    const weighted = neutralize(x, { industry, weights: f64([1, 1, 2, 1, 3, 1, 1]) });
    [-1.25, -0.25, 0.75, -7.5, 2.5].forEach((v, i) => expect(weighted[i]).toBeCloseTo(v, 13));
  });

  it('neutralised factors have zero weighted mean within every industry (with and without size)', () => {
    const { x, industry, cap, size } = crossSection(800, 12, 2);
    const w = Float64Array.from(cap, Math.sqrt);
    for (const opts of [{ industry }, { industry, weights: w }, { industry, size, weights: w }, { industry, size }]) {
      const e = neutralize(x, opts);
      const wt = opts.weights ?? new Float64Array(x.length).fill(1);
      for (let k = 0; k < 12; k++) {
        const inK = (i: number): boolean => industry[i] === k && Number.isFinite(e[i]!);
        expect(Math.abs(weightedMean(e, wt, inK))).toBeLessThan(1e-12);
      }
      if (opts.size !== undefined) {
        // with size: also weighted-orthogonal to size over the whole cross-section
        let s = 0;
        let scale = 0;
        e.forEach((ei, i) => {
          if (!Number.isFinite(ei)) return;
          s += wt[i]! * ei * size[i]!;
          scale += wt[i]! * Math.abs(ei * size[i]!);
        });
        expect(Math.abs(s) / scale).toBeLessThan(1e-12);
      }
    }
  });

  it('without industries an intercept stands in (weighted mean 0)', () => {
    const e = neutralize(f64([1, 2, 6]), { weights: f64([1, 1, 2]) });
    [-2.75, -1.75, 2.25].forEach((v, i) => expect(e[i]).toBeCloseTo(v, 13));
  });
});

describe('orthogonalize', () => {
  it('hand case: OLS with intercept, y = 1.1 + 1.1 x + e', () => {
    const e = orthogonalize(f64([1, 3, 2, 5, 4]), [f64([0, 1, 2, 3, NaN])]);
    [-0.1, 0.8, -1.3, 0.6].forEach((v, i) => expect(e[i]).toBeCloseTo(v, 13));
    expect(e[4]).toBeNaN();
  });

  it('the residual is weighted-mean 0 and weighted-orthogonal to every factor; a constant factor is harmless', () => {
    const { x, cap, size } = crossSection(600, 5, 3);
    const u = rng(9);
    const beta = Float64Array.from({ length: 600 }, () => normal(u));
    const constant = new Float64Array(600).fill(2);
    const e = orthogonalize(x, [beta, size, constant], cap);
    const eWithout = orthogonalize(x, [beta, size], cap);
    for (const f of [new Float64Array(600).fill(1), beta, size]) {
      let s = 0;
      let scale = 0;
      e.forEach((ei, i) => {
        if (!Number.isFinite(ei)) return;
        s += cap[i]! * ei * f[i]!;
        scale += cap[i]! * Math.abs(ei * f[i]!);
      });
      expect(Math.abs(s) / scale).toBeLessThan(1e-12);
    }
    e.forEach((ei, i) => (Number.isNaN(ei) ? expect(eWithout[i]).toBeNaN() : expect(ei).toBeCloseTo(eWithout[i]!, 10)));
  });
});

describe('nonLinearSize', () => {
  it('hand case: size^3 orthogonalised to size, then standardised', () => {
    // cube [-8,-1,0,1] on size [-2,-1,0,1]: slope 14 / 5, intercept -0.6 -> residual [-1.8, 2.4, 0.6, -1.2];
    // no clipping (median -0.3, MAD 1.2); equal caps: mean 0, sample sd sqrt(10.8 / 3)
    const z = nonLinearSize(f64([-2, -1, 0, 1]), f64([1, 1, 1, 1]));
    const sd = Math.sqrt(10.8 / 3);
    [-1.8, 2.4, 0.6, -1.2].forEach((v, i) => expect(z[i]).toBeCloseTo(v / sd, 13));
  });

  it('is cap-weighted mean 0, sd 1 and (unclipped) cap-weighted orthogonal to size', () => {
    const { cap, size } = crossSection(700, 5, 4);
    const s = standardize(size, cap);
    const z = nonLinearSize(s, cap, { winsorize: { k: 1e6 } });
    const all = (i: number): boolean => Number.isFinite(z[i]!);
    expect(Math.abs(weightedMean(z, cap, all))).toBeLessThan(1e-12);
    const zs = Float64Array.from(z, (zi, i) => zi * s[i]!);
    expect(Math.abs(weightedMean(zs, cap, all))).toBeLessThan(1e-12);
    const clipped = nonLinearSize(s, cap);
    expect(Math.abs(weightedMean(clipped, cap, all))).toBeLessThan(1e-12);
    const v = Array.from(clipped).filter(Number.isFinite);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    expect(Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))).toBeCloseTo(1, 12);
  });
});
