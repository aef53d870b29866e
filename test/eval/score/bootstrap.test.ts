import { describe, expect, it } from 'vitest';
import { blockBootstrap, blockIndices, defaultBlockLength } from '../../../src/eval/score/bootstrap.js';
import { SeededRng } from '../../../src/models/seed.js';

/** The statistic "mean of x over the resampled indices". */
const meanOf = (x: ArrayLike<number>) => (idx: Int32Array): number => {
  let s = 0;
  for (let k = 0; k < idx.length; k++) s += x[idx[k]!]!;
  return s / idx.length;
};

/** Standard normal draws (Box-Muller) from the project PRNG. */
function normals(n: number, rng: SeededRng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
  return out;
}

/** Stationary AR(1) with unit innovations: x_t = phi x_{t-1} + e_t. */
function ar1(n: number, phi: number, rng: SeededRng): Float64Array {
  const e = normals(n, rng);
  const x = new Float64Array(n);
  x[0] = e[0]! / Math.sqrt(1 - phi * phi);
  for (let i = 1; i < n; i++) x[i] = phi * x[i - 1]! + e[i]!;
  return x;
}

describe('blockIndices', () => {
  it('is n indices in blocks of consecutive indices, wrapping from n-1 to 0, the last block cut short', () => {
    const n = 23;
    const L = 5;
    let wrapped = 0;
    for (let s = 0; s < 50; s++) {
      const idx = blockIndices(n, L, new SeededRng(s, 'test'));
      expect(idx.length).toBe(n);
      for (let k = 0; k < n; k++) {
        expect(idx[k]).toBeGreaterThanOrEqual(0);
        expect(idx[k]).toBeLessThan(n);
        // Within a block (positions 0-4, 5-9, ..., 20-22) each index follows the previous one.
        if (k % L !== 0) expect(idx[k], `seed ${s} position ${k}`).toBe((idx[k - 1]! + 1) % n);
        if (k % L !== 0 && idx[k] === 0) wrapped++;
      }
    }
    // A block starting in the last 4 indices wraps: about 50 * 5 blocks * 4/23 of them.
    expect(wrapped).toBeGreaterThan(10);
  });

  it('draws a new start for each block (blocks are not one long run)', () => {
    const idx = blockIndices(1000, 10, new SeededRng(1, 'test'));
    let jumps = 0;
    for (let k = 10; k < 1000; k += 10) if (idx[k] !== (idx[k - 1]! + 1) % 1000) jumps++;
    expect(jumps).toBeGreaterThan(95);
  });

  it('gives every index the same chance of being drawn (the circular wrap removes the edge effect)', () => {
    const n = 10;
    const counts = new Float64Array(n);
    const rng = new SeededRng(7, 'test');
    const draws = 4000;
    for (let d = 0; d < draws; d++) for (const i of blockIndices(n, 4, rng)) counts[i]!++;
    // Each index is expected draws times; the sd of a count is about sqrt(4 * draws) = 126, so
    // +-10% (400) is > 3 sd. A non-circular moving-block scheme would give the ends ~1/4 of the middle.
    for (const c of counts) expect(Math.abs(c - draws)).toBeLessThan(0.1 * draws);
  });

  it('is a function of the rng state', () => {
    expect(blockIndices(50, 4, new SeededRng(3, 'a'))).toEqual(blockIndices(50, 4, new SeededRng(3, 'a')));
    expect(blockIndices(50, 4, new SeededRng(3, 'a'))).not.toEqual(blockIndices(50, 4, new SeededRng(4, 'a')));
  });

  it('clamps a block longer than n to n (a rotation of the series); n = 0 gives no indices', () => {
    const idx = blockIndices(6, 100, new SeededRng(0, 'test'));
    expect(Array.from(idx).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(blockIndices(0, 3, new SeededRng(0, 'test')).length).toBe(0);
  });

  it('rejects a non-integer or non-positive block length', () => {
    expect(() => blockIndices(10, 0, new SeededRng(0))).toThrow('blockLength is 0');
    expect(() => blockIndices(10, 2.5, new SeededRng(0))).toThrow('blockLength is 2.5');
    expect(() => blockIndices(-1, 2, new SeededRng(0))).toThrow('n is -1');
  });
});

describe('blockBootstrap', () => {
  const x = normals(300, new SeededRng(11, 'x'));

  it('default block length is round(n^(1/3)), at least 1', () => {
    expect(defaultBlockLength(0)).toBe(1);
    expect(defaultBlockLength(1)).toBe(1);
    expect(defaultBlockLength(250)).toBe(6); // 6.30
    expect(defaultBlockLength(1000)).toBe(10);
    expect(defaultBlockLength(3000)).toBe(14); // 14.42
    const iv = blockBootstrap(300, meanOf(x));
    expect(iv.blockLength).toBe(7); // 6.69
    expect(iv.resamples).toBe(1000);
  });

  it('is deterministic by seed and changes with it', () => {
    const a = blockBootstrap(300, meanOf(x), { seed: 5, resamples: 200 });
    expect(blockBootstrap(300, meanOf(x), { seed: 5, resamples: 200 })).toEqual(a);
    const b = blockBootstrap(300, meanOf(x), { seed: 6, resamples: 200 });
    expect(b.estimate).toBe(a.estimate);
    expect(b.lo).not.toBe(a.lo);
    expect(b.hi).not.toBe(a.hi);
  });

  it('estimates on 0..n-1, then hands the statistic block resamples', () => {
    const seen: Int32Array[] = [];
    const iv = blockBootstrap(40, (idx) => {
      seen.push(idx);
      return meanOf(x)(idx);
    }, { resamples: 30, blockLength: 4 });
    expect(seen.length).toBe(31);
    expect(Array.from(seen[0]!)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(iv.estimate).toBe(meanOf(x)(seen[0]!));
    for (const idx of seen.slice(1)) for (let k = 1; k < 40; k++) if (k % 4) expect(idx[k]).toBe((idx[k - 1]! + 1) % 40);
  });

  it('takes the percentile interval (linear interpolation) and the sd of the replicates', () => {
    // A statistic that ignores the indices and counts its calls: estimate 0, replicates 1..1000.
    let calls = 0;
    const iv = blockBootstrap(5, () => calls++, { resamples: 1000 });
    expect(iv.estimate).toBe(0);
    // Replicates 1..1000 sorted; q = 0.025 sits at 0-based position 999 * 0.025 = 24.975.
    expect(iv.lo).toBeCloseTo(1 + 24.975, 10);
    expect(iv.hi).toBeCloseTo(1 + 974.025, 10);
    // Sample sd of 1..N is sqrt(N (N + 1) / 12).
    expect(iv.se).toBeCloseTo(Math.sqrt((1000 * 1001) / 12), 9);
    const narrow = blockBootstrap(5, (() => { let c = 0; return () => c++; })(), { resamples: 1000, level: 0.5 });
    expect(narrow.lo).toBeCloseTo(1 + 249.75, 10);
    expect(narrow.hi).toBeCloseTo(1 + 749.25, 10);
  });

  it('skips resamples whose statistic is NaN and counts them out', () => {
    let nans = 0;
    const iv = blockBootstrap(50, (idx) => {
      // Resamples whose first block starts at a multiple of 3, except 0 (so never the estimate on 0..n-1).
      if (idx[0]! % 3 === 0 && idx[0] !== 0) {
        nans++;
        return NaN;
      }
      return meanOf(x)(idx);
    }, { resamples: 600, blockLength: 5 });
    expect(nans).toBeGreaterThan(100);
    expect(iv.resamples).toBe(600 - nans);
    expect(Number.isFinite(iv.lo) && Number.isFinite(iv.hi)).toBe(true);
  });

  it('gives a degenerate interval when every resample is the same, and NaN with nothing to resample', () => {
    const one = blockBootstrap(1, (idx) => 3 * idx.length, { resamples: 50 });
    expect(one).toEqual({ estimate: 3, lo: 3, hi: 3, se: 0, resamples: 50, blockLength: 1 });
    const none = blockBootstrap(0, () => NaN);
    expect(none.resamples).toBe(0);
    expect(none.lo).toBeNaN();
    expect(none.se).toBeNaN();
  });

  it('rejects bad options', () => {
    expect(() => blockBootstrap(10, meanOf(x), { resamples: 0 })).toThrow('resamples is 0');
    expect(() => blockBootstrap(10, meanOf(x), { level: 1 })).toThrow('level is 1');
    expect(() => blockBootstrap(10, meanOf(x), { seed: -1 })).toThrow('seed is -1');
    expect(() => blockBootstrap(10, meanOf(x), { blockLength: 1.5 })).toThrow('blockLength is 1.5');
  });

  it('with block length 1 on iid data, the standard error matches sqrt(p(1-p)/n)', () => {
    const rng = new SeededRng(2, 'bern');
    const n = 400;
    const b = Uint8Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const iv = blockBootstrap(n, meanOf(b), { blockLength: 1, resamples: 2000 });
    const p = iv.estimate;
    expect(iv.se / Math.sqrt((p * (1 - p)) / n)).toBeGreaterThan(0.93);
    expect(iv.se / Math.sqrt((p * (1 - p)) / n)).toBeLessThan(1.07);
  });
});

describe('blockBootstrap coverage', () => {
  it('on iid Bernoulli(0.5), the 95% interval of the mean covers 0.5 in ~95% of 200 repetitions', () => {
    let covered = 0;
    for (let r = 0; r < 200; r++) {
      const rng = new SeededRng(r, 'bernoulli');
      const b = Uint8Array.from({ length: 200 }, () => (rng.uniform() < 0.5 ? 1 : 0));
      const iv = blockBootstrap(200, meanOf(b), { resamples: 500, seed: r });
      if (iv.lo <= 0.5 && 0.5 <= iv.hi) covered++;
    }
    // Binomial sd of the share over 200 repetitions is 1.5%: 0.90-0.99 is about -3 / +2.7 sd.
    expect(covered / 200).toBeGreaterThanOrEqual(0.9);
    expect(covered / 200).toBeLessThanOrEqual(0.99);
  });

  it('on a strongly autocorrelated AR(1), blocks widen the interval and rescue coverage that iid resampling loses', () => {
    // phi = 0.8: the variance of the mean is (1 + phi) / (1 - phi) = 9 times the iid one, so an
    // iid interval is ~1/3 the right width and covers the true mean 0 only ~50% of the time.
    let widthBlock = 0;
    let widthIid = 0;
    let coverBlock = 0;
    let coverIid = 0;
    const reps = 100;
    for (let r = 0; r < reps; r++) {
      const x = ar1(500, 0.8, new SeededRng(r, 'ar1'));
      const block = blockBootstrap(500, meanOf(x), { resamples: 300, seed: r }); // block 8
      const iid = blockBootstrap(500, meanOf(x), { resamples: 300, seed: r, blockLength: 1 });
      widthBlock += block.hi - block.lo;
      widthIid += iid.hi - iid.lo;
      if (block.lo <= 0 && 0 <= block.hi) coverBlock++;
      if (iid.lo <= 0 && 0 <= iid.hi) coverIid++;
    }
    expect(widthBlock / widthIid).toBeGreaterThan(1.7);
    expect(coverIid / reps).toBeLessThan(0.65);
    expect(coverBlock / reps).toBeGreaterThan(coverIid / reps + 0.25);
  });
});
