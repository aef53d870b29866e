// Significance of out-of-sample results (pure, seeded): accuracy against a fixed rate, the paired
// accuracy difference of two models, and the mean (or Sharpe ratio) of a return series against 0.
// Intervals and p-values come from the circular block bootstrap in bootstrap.ts (Künsch 1989;
// Politis & Romano 1992), because daily outcomes are serially dependent.
//
// p-value: the bootstrap world's truth is the sample estimate θ̂, so under H0 (θ = θ0) the
// deviation θ̂ - θ0 is distributed like the replicates' deviation θ*_b - θ̂ (resample the centred
// statistic: Hall & Wilson 1991, "Two guidelines for bootstrap hypothesis testing", Biometrics 47).
// Two-sided: p = (1 + #{b : |θ*_b - θ̂| >= |θ̂ - θ0|}) / (1 + B), B the valid replicates. The +1
// counts the sample itself (Davison & Hinkley 1997, §4.2), so p is never 0 and its smallest value,
// 1/(B + 1), says how many resamples a smaller one would need. This p is the test dual to the
// symmetric bootstrap interval θ̂ ± q(|θ* - θ̂|), so at the margin it can disagree with the
// (equal-tailed) percentile interval reported beside it, when the replicates are skewed.

import { blockBootstrapReplicates, intervalOf, type BootstrapOptions, type Replicates } from './bootstrap.js';

export interface TestResult {
  readonly estimate: number;
  /** Percentile interval of the bootstrap replicates at opts.level (default 95%). */
  readonly lo: number;
  readonly hi: number;
  /** Two-sided p-value of H0: the true value equals the null (see the file header). */
  readonly p: number;
  /** How the interval and p were obtained, for report footnotes. */
  readonly method: string;
}

/** Relative slack so a replicate whose deviation equals the observed one up to rounding counts as beyond (conservative). */
const TIE_SLACK = 1e-12;

/** Centred two-sided bootstrap p-value of H0: θ = null0. NaN when the estimate is NaN or no replicate survived. */
export function centredBootstrapP(r: Replicates, null0: number): number {
  const B = r.values.length;
  if (Number.isNaN(r.estimate) || B === 0) return NaN;
  const observed = Math.abs(r.estimate - null0);
  const cut = observed - TIE_SLACK * Math.max(1, Math.abs(r.estimate), Math.abs(null0));
  let beyond = 0;
  for (let b = 0; b < B; b++) if (Math.abs(r.values[b]! - r.estimate) >= cut) beyond++;
  return (beyond + 1) / (B + 1);
}

function describe(r: Replicates, what: string): string {
  return `${what}: circular block bootstrap (block ${r.blockLength}, ${r.values.length} resamples), ${Math.round(r.level * 100)}% percentile interval, centred two-sided p`;
}

function result(r: Replicates, null0: number, what: string): TestResult {
  const iv = intervalOf(r);
  return { estimate: r.estimate, lo: iv.lo, hi: iv.hi, p: centredBootstrapP(r, null0), method: describe(r, what) };
}

function checkBinary(fn: string, name: string, x: Uint8Array): void {
  for (let i = 0; i < x.length; i++) if (x[i]! > 1) throw new Error(`${fn}: ${name}[${i}] is ${x[i]}; values must be 0 or 1`);
}

/** Mean of x over the indices. */
function meanAt(x: ArrayLike<number>, idx: Int32Array): number {
  let s = 0;
  for (let k = 0; k < idx.length; k++) s += x[idx[k]!]!;
  return s / idx.length;
}

/** ln(i!) for i = 0..n, by summing logs (relative error ~ sqrt(n) ulp, ample against 1e-7 tie slack). */
function logFactorials(n: number): Float64Array {
  const lf = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) lf[i] = lf[i - 1]! + Math.log(i);
  return lf;
}

/**
 * Exact two-sided binomial test of k successes in n trials with success probability `rate`: the
 * probability of all outcomes no more likely than k, with scipy.stats.binomtest's relative slack
 * of 1e-7 so outcomes equally likely up to rounding are included. Assumes independent trials.
 */
export function binomialTestP(k: number, n: number, rate: number): number {
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(k) || k < 0 || k > n) throw new Error(`binomialTestP: need integers 0 <= k <= n, got k = ${k}, n = ${n}`);
  if (!(rate > 0 && rate < 1)) throw new Error(`binomialTestP: rate is ${rate}; it must lie strictly between 0 and 1`);
  if (k === n * rate) return 1;
  const lf = logFactorials(n);
  const lp = Math.log(rate);
  const lq = Math.log1p(-rate);
  const logPmf = (i: number): number => lf[n]! - lf[i]! - lf[n - i]! + i * lp + (n - i) * lq;
  const cut = logPmf(k) + Math.log1p(1e-7);
  let p = 0;
  for (let i = 0; i <= n; i++) {
    const l = logPmf(i);
    if (l <= cut) p += Math.exp(l);
  }
  return Math.min(1, p);
}

/**
 * Accuracy against a fixed rate (default 0.5): block-bootstrap CI of the accuracy and a two-sided
 * p-value; also the exact binomial two-sided p (which assumes independence) as `pBinomial`.
 * `correct` is per-sample correctness (metrics.correctness). Empty input gives NaN throughout.
 */
export function accuracyVersus(correct: Uint8Array, rate = 0.5, opts: BootstrapOptions = {}): TestResult & { readonly pBinomial: number } {
  checkBinary('accuracyVersus', 'correct', correct);
  if (!(rate > 0 && rate < 1)) throw new Error(`accuracyVersus: rate is ${rate}; it must lie strictly between 0 and 1`);
  const r = blockBootstrapReplicates(correct.length, (idx) => meanAt(correct, idx), opts);
  let k = 0;
  for (let i = 0; i < correct.length; i++) k += correct[i]!;
  const pBinomial = correct.length === 0 ? NaN : binomialTestP(k, correct.length, rate);
  return { ...result(r, rate, `accuracy vs ${rate}`), pBinomial };
}

/**
 * Paired difference of two models' accuracies on the same samples (A − B), block-bootstrap CI and
 * two-sided p of H0: no difference. Both are resampled with the same blocks, so what the models
 * share (easy and hard days) cancels. Use it for "model vs always-long" (B = label == 1) and
 * "dual vs daily-only".
 */
export function accuracyDifference(correctA: Uint8Array, correctB: Uint8Array, opts: BootstrapOptions = {}): TestResult {
  if (correctA.length !== correctB.length) throw new Error(`accuracyDifference: correctA has ${correctA.length} values but correctB has ${correctB.length}`);
  checkBinary('accuracyDifference', 'correctA', correctA);
  checkBinary('accuracyDifference', 'correctB', correctB);
  const d = new Int8Array(correctA.length);
  for (let i = 0; i < d.length; i++) d[i] = correctA[i]! - correctB[i]!;
  const r = blockBootstrapReplicates(d.length, (idx) => meanAt(d, idx), opts);
  return result(r, 0, 'accuracy difference A - B');
}

/**
 * Any statistic of n paired days against `null0`: block-bootstrap CI and centred two-sided p. For
 * a difference of two models' AUCs or Sharpe ratios, let the statistic compute both on the same
 * resampled indices, so the days they share cancel as in accuracyDifference.
 */
export function statisticTest(n: number, statistic: (idx: Int32Array) => number, null0: number, what: string, opts: BootstrapOptions = {}): TestResult {
  return result(blockBootstrapReplicates(n, statistic, opts), null0, what);
}

/** mean/sd (sd with n - 1) * sqrt(periodsPerYear); NaN when sd is 0 or fewer than 2 values. */
export function sharpeAt(x: Float64Array, idx: Int32Array, periodsPerYear: number): number {
  const m = idx.length;
  const mean = meanAt(x, idx);
  let ss = 0;
  for (let k = 0; k < m; k++) ss += (x[idx[k]!]! - mean) ** 2;
  const sd = Math.sqrt(ss / (m - 1));
  return sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : NaN;
}

/**
 * Mean of a per-period series (e.g. daily strategy returns) against 0, block-bootstrap CI and p;
 * with `sharpe` the estimate/CI are of the annualised Sharpe ratio mean/sd*sqrt(periodsPerYear)
 * (and p tests Sharpe = 0). Resamples with zero spread are skipped for the Sharpe ratio.
 */
export function meanVersusZero(x: Float64Array, opts: BootstrapOptions & { readonly sharpe?: { periodsPerYear: number } } = {}): TestResult {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) throw new Error(`meanVersusZero: x[${i}] is ${x[i]}; values must be finite`);
  const ppy = opts.sharpe?.periodsPerYear;
  if (ppy !== undefined && !(ppy > 0)) throw new Error(`meanVersusZero: sharpe.periodsPerYear is ${ppy}; it must be positive`);
  const r = ppy === undefined
    ? blockBootstrapReplicates(x.length, (idx) => meanAt(x, idx), opts)
    : blockBootstrapReplicates(x.length, (idx) => sharpeAt(x, idx, ppy), opts);
  return result(r, 0, ppy === undefined ? 'mean vs 0' : `annualised Sharpe ratio (${ppy} periods/year) vs 0`);
}
