// Probability of backtest overfitting by combinatorially symmetric cross-validation (pure).
//
// Bailey, Borwein, López de Prado & Zhu (2017), "The probability of backtest overfitting",
// Journal of Computational Finance 20(4). Given a T x N matrix of per-period returns of N
// configurations, the T rows are cut into S blocks; every choice of S/2 blocks is an in-sample
// set and the rest its out-of-sample set. In each split the configuration with the best in-sample
// performance is "selected"; its out-of-sample relative rank w in (0, 1) and logit
// lambda = ln(w / (1 - w)) say how it fared. PBO is the share of splits with lambda <= 0: the
// selected configuration did no better than the median out of sample.

import { binomial, subsetMasks } from './combinations.js';

export interface PboInput {
  /** Row-major [T x N]: returns of configuration j in period t at t * N + j. */
  readonly returns: Float64Array;
  readonly periods: number;
  readonly configs: number;
  /** Blocks S: even, 2 <= S <= 30, at most T. */
  readonly blocks: number;
}

export interface PboResult {
  readonly splits: number;
  /** Share of splits whose selected configuration ranks at or below the OOS median (lambda <= 0). */
  readonly pbo: number;
  /** lambda per split, in split order. */
  readonly logits: Float64Array;
  /** In-sample and out-of-sample performance (per-period Sharpe) of the selected configuration. */
  readonly selectedIs: Float64Array;
  readonly selectedOos: Float64Array;
  /** OOS performance regressed on IS performance of the selected configuration. */
  readonly degradation: { readonly slope: number; readonly intercept: number; readonly r2: number };
  /** Share of splits in which the selected configuration lost money out of sample (Sharpe < 0). */
  readonly probOosLoss: number;
  /** How often each configuration was selected in sample. */
  readonly selectedCount: Int32Array;
}

/** Per-period Sharpe from count, sum and sum of squares; +-Infinity (or 0) when flat. */
function sharpeOf(n: number, s: number, ss: number): number {
  const mean = s / n;
  const v = (ss - n * mean * mean) / (n - 1);
  if (!(v > 1e-300)) return mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  return mean / Math.sqrt(v);
}

export function probabilityOfBacktestOverfitting(input: PboInput): PboResult {
  const { returns, periods: T, configs: N, blocks: S } = input;
  if (returns.length !== T * N) throw new RangeError(`PBO: ${returns.length} returns for ${T} periods x ${N} configurations`);
  if (N < 2) throw new RangeError(`PBO needs at least 2 configurations, got ${N}`);
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0 || S > 30) throw new RangeError(`PBO: the number of blocks must be even and in 2..30, got ${S}`);
  if (T < 2 * S) throw new RangeError(`PBO: ${T} periods are too few for ${S} blocks (each block needs at least 2)`);
  // Per block and configuration: count, sum, sum of squares.
  const cnt = new Float64Array(S);
  const sum = new Float64Array(S * N);
  const sq = new Float64Array(S * N);
  for (let b = 0; b < S; b++) {
    const from = Math.floor((b * T) / S);
    const to = Math.floor(((b + 1) * T) / S);
    cnt[b] = to - from;
    for (let t = from; t < to; t++) {
      for (let j = 0; j < N; j++) {
        const r = returns[t * N + j]!;
        if (!Number.isFinite(r)) throw new RangeError(`PBO: return of configuration ${j} in period ${t} is ${r}`);
        sum[b * N + j]! += r;
        sq[b * N + j]! += r * r;
      }
    }
  }
  const totS = new Float64Array(N);
  const totQ = new Float64Array(N);
  for (let b = 0; b < S; b++) {
    for (let j = 0; j < N; j++) {
      totS[j]! += sum[b * N + j]!;
      totQ[j]! += sq[b * N + j]!;
    }
  }
  const splits = binomial(S, S / 2);
  const logits = new Float64Array(splits);
  const selectedIs = new Float64Array(splits);
  const selectedOos = new Float64Array(splits);
  const selectedCount = new Int32Array(N);
  const isS = new Float64Array(N);
  const isQ = new Float64Array(N);
  const oosPerf = new Float64Array(N);
  let k = 0;
  let belowMedian = 0;
  let losses = 0;
  for (const mask of subsetMasks(S, S / 2)) {
    isS.fill(0);
    isQ.fill(0);
    let nIs = 0;
    for (let b = 0; b < S; b++) {
      if (!(mask & (1 << b))) continue;
      nIs += cnt[b]!;
      for (let j = 0; j < N; j++) {
        isS[j]! += sum[b * N + j]!;
        isQ[j]! += sq[b * N + j]!;
      }
    }
    let best = 0;
    let bestPerf = -Infinity;
    for (let j = 0; j < N; j++) {
      const p = sharpeOf(nIs, isS[j]!, isQ[j]!);
      if (p > bestPerf) {
        bestPerf = p;
        best = j;
      }
    }
    // Out of sample: the totals minus in-sample.
    const nOos = T - nIs;
    for (let j = 0; j < N; j++) oosPerf[j] = sharpeOf(nOos, totS[j]! - isS[j]!, totQ[j]! - isQ[j]!);
    // Relative rank of the selected configuration out of sample: rank in 1..N (ties averaged) / (N + 1).
    const own = oosPerf[best]!;
    let lower = 0;
    let ties = 0;
    for (let j = 0; j < N; j++) {
      if (oosPerf[j]! < own) lower++;
      else if (oosPerf[j] === own) ties++;
    }
    const rank = lower + (ties + 1) / 2;
    const w = rank / (N + 1);
    const lambda = Math.log(w / (1 - w));
    logits[k] = lambda;
    selectedIs[k] = bestPerf;
    selectedOos[k] = own;
    selectedCount[best]!++;
    if (lambda <= 0) belowMedian++;
    if (own < 0) losses++;
    k++;
  }
  return { splits, pbo: belowMedian / splits, logits, selectedIs, selectedOos, degradation: regression(selectedIs, selectedOos), probOosLoss: losses / splits, selectedCount };
}

/** Least squares y = intercept + slope x over the finite pairs. */
function regression(x: Float64Array, y: Float64Array): { slope: number; intercept: number; r2: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) continue;
    n++;
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) continue;
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
    syy += (y[i]! - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy > 0 && sxx > 0 ? (sxy * sxy) / (sxx * syy) : Number.NaN };
}
