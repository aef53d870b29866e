// Circular moving-block bootstrap (pure, seeded). Daily out-of-sample results are serially
// dependent (regimes, overlapping features, volatility clustering), so resampling single days
// would understate the variance of a mean. Resampling blocks of consecutive days keeps the
// dependence within each block (Künsch 1989, "The jackknife and the bootstrap for general
// stationary observations", Ann. Statist. 17); wrapping the series into a circle gives every day
// the same chance of being drawn, so the resampled mean is centred on the sample mean (Politis &
// Romano 1992, "A circular block-resampling procedure for stationary data").

import { SeededRng } from '../../models/seed.js';

export interface BootstrapOptions {
  /** Resamples drawn; default 1000. */
  readonly resamples?: number;
  /** Days per block; default max(1, round(n^(1/3))), see defaultBlockLength. */
  readonly blockLength?: number;
  /** Two-sided coverage of the interval; default 0.95. */
  readonly level?: number;
  /** Seed of the resampling stream; default 0. */
  readonly seed?: number;
}

export interface Interval {
  /** The statistic on the sample itself (indices 0..n-1). */
  readonly estimate: number;
  /** Percentile interval of the replicates at the requested level. */
  readonly lo: number;
  readonly hi: number;
  /** Standard deviation of the replicates (bootstrap standard error). */
  readonly se: number;
  /** Replicates used: those requested less those whose statistic was NaN. */
  readonly resamples: number;
  /** Block length used (after clamping to n). */
  readonly blockLength: number;
}

/** The replicates behind an Interval, for tests built on them (significance.ts). */
export interface Replicates {
  readonly estimate: number;
  /** Statistic on each resample, NaN ones dropped, in draw order. */
  readonly values: Float64Array;
  readonly blockLength: number;
  readonly level: number;
}

/**
 * Default block length, max(1, round(n^(1/3))). For bootstrap estimates of a variance (and so of
 * a standard error) the block length that minimises mean squared error grows like n^(1/3) (Hall,
 * Horowitz & Jing 1995, Biometrika 82; Lahiri 2003, ch. 7); the constant in front depends on the
 * unknown autocorrelation, and 1 is the usual rule of thumb: 10 days for 4 years of daily data.
 * Pass blockLength when the dependence is known to be longer (e.g. multi-day holding periods).
 */
export function defaultBlockLength(n: number): number {
  return Math.max(1, Math.round(Math.cbrt(n)));
}

function checkCount(fn: string, name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`${fn}: ${name} is ${v}; it must be an integer >= ${min}`);
}

/**
 * Circular moving-block bootstrap: n indices made of blocks of consecutive indices (wrapping past
 * n - 1 to 0). Each block starts at a uniform index; the last block is cut to make n. A blockLength
 * above n is clamped to n.
 */
export function blockIndices(n: number, blockLength: number, rng: SeededRng): Int32Array {
  checkCount('blockIndices', 'n', n, 0);
  checkCount('blockIndices', 'blockLength', blockLength, 1);
  const len = Math.min(blockLength, Math.max(n, 1));
  const idx = new Int32Array(n);
  for (let k = 0; k < n; ) {
    let j = rng.below(n);
    for (let b = 0; b < len && k < n; b++, k++) {
      idx[k] = j;
      j = j + 1 === n ? 0 : j + 1;
    }
  }
  return idx;
}

/** Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const m = sorted.length;
  if (m === 0) return NaN;
  const h = (m - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, m - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Resolves defaults and validates; blockLength clamped to n. */
function resolve(n: number, opts: BootstrapOptions): { resamples: number; blockLength: number; level: number; seed: number } {
  const fn = 'blockBootstrap';
  checkCount(fn, 'n', n, 0);
  const resamples = opts.resamples ?? 1000;
  checkCount(fn, 'resamples', resamples, 1);
  const blockLength = opts.blockLength ?? defaultBlockLength(n);
  checkCount(fn, 'blockLength', blockLength, 1);
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new Error(`${fn}: level is ${level}; it must lie strictly between 0 and 1`);
  const seed = opts.seed ?? 0;
  checkCount(fn, 'seed', seed, 0);
  return { resamples, blockLength: Math.min(blockLength, Math.max(n, 1)), level, seed };
}

/**
 * statistic(0..n-1) and statistic on `resamples` circular block resamples; NaN replicates dropped.
 * The same options give the same resamples, so two statistics bootstrapped with one seed are paired.
 */
export function blockBootstrapReplicates(n: number, statistic: (idx: Int32Array) => number, opts: BootstrapOptions = {}): Replicates {
  const { resamples, blockLength, level, seed } = resolve(n, opts);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const estimate = statistic(all);
  const values = new Float64Array(n === 0 ? 0 : resamples);
  let kept = 0;
  if (n > 0) {
    const rng = new SeededRng(seed, 'block-bootstrap');
    for (let b = 0; b < resamples; b++) {
      // A fresh array per resample: the statistic may keep a reference to it.
      const v = statistic(blockIndices(n, blockLength, rng));
      if (!Number.isNaN(v)) values[kept++] = v;
    }
  }
  return { estimate, values: values.slice(0, kept), blockLength, level };
}

/** Percentile interval and standard error from replicates. */
export function intervalOf(r: Replicates): Interval {
  const m = r.values.length;
  const sorted = Float64Array.from(r.values).sort();
  const alpha = (1 - r.level) / 2;
  let mean = 0;
  for (let i = 0; i < m; i++) mean += sorted[i]!;
  mean /= m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (sorted[i]! - mean) ** 2;
  return {
    estimate: r.estimate,
    lo: quantileSorted(sorted, alpha),
    hi: quantileSorted(sorted, 1 - alpha),
    se: m > 1 ? Math.sqrt(ss / (m - 1)) : NaN,
    resamples: m,
    blockLength: r.blockLength,
  };
}

/**
 * Percentile interval of statistic(resampled indices); estimate = statistic(0..n-1). Resamples
 * where the statistic is NaN are skipped (and counted out of `resamples`). With n = 0 nothing is
 * resampled: lo, hi and se are NaN and resamples is 0.
 */
export function blockBootstrap(n: number, statistic: (idx: Int32Array) => number, opts: BootstrapOptions = {}): Interval {
  return intervalOf(blockBootstrapReplicates(n, statistic, opts));
}
