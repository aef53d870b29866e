// Sharpe-ratio statistics that account for non-normal returns and for how many strategies were
// tried (pure, over per-period returns). All Sharpe ratios here are per period (not annualised)
// unless a name says otherwise; kurtosis is the raw fourth standardised moment (3 for a normal).
//
// Papers:
//  - Bailey & López de Prado (2012), "The Sharpe ratio efficient frontier", Journal of Risk 15(2):
//    probabilistic Sharpe ratio (PSR) and minimum track record length (MinTRL).
//  - Bailey & López de Prado (2014), "The deflated Sharpe ratio: correcting for selection bias,
//    backtest overfitting and non-normality", Journal of Portfolio Management 40(5): DSR and the
//    expected maximum Sharpe ratio of N independent trials.
//  - Bailey, Borwein, López de Prado & Zhu (2014), "Pseudo-mathematics and financial charlatanism",
//    Notices of the AMS 61(5): minimum backtest length (MinBTL).

import { normalCdf, normalQuantile } from './normal.js';

/** Euler–Mascheroni constant. */
const EULER_GAMMA = 0.5772156649015329;

export interface ReturnMoments {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1). */
  readonly sd: number;
  /** Per-period Sharpe ratio mean / sd. */
  readonly sharpe: number;
  /** Third standardised moment (population moments, as in the papers). */
  readonly skew: number;
  /** Fourth standardised moment, not excess: 3 for normal returns. */
  readonly kurtosis: number;
}

export function returnMoments(r: ArrayLike<number>): ReturnMoments {
  const n = r.length;
  if (n < 2) throw new RangeError(`Sharpe statistics need at least 2 returns, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += r[i]!;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const sd = Math.sqrt(m2 / (n - 1));
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { n, mean, sd, sharpe: mean / sd, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** The variance factor 1 - skew SR + (kurtosis - 1) / 4 SR^2 of the Sharpe estimator (Mertens 2002). */
function sharpeVarianceFactor(sr: number, skew: number, kurtosis: number): number {
  return 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
}

/**
 * PSR: the probability that the true Sharpe ratio exceeds `benchmark`, given an observed per-period
 * Sharpe `sr` over `n` returns with the given skewness and kurtosis:
 * Phi((sr - benchmark) sqrt(n - 1) / sqrt(1 - skew sr + (kurtosis - 1)/4 sr^2)).
 */
export function probabilisticSharpe(sr: number, n: number, skew: number, kurtosis: number, benchmark = 0): number {
  if (!(n > 1)) throw new RangeError(`PSR needs more than 1 return, got ${n}`);
  const v = sharpeVarianceFactor(sr, skew, kurtosis);
  if (!(v > 0)) return Number.NaN;
  return normalCdf(((sr - benchmark) * Math.sqrt(n - 1)) / Math.sqrt(v));
}

/**
 * E[max of N independent standard normals], the approximation of the DSR paper:
 * (1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e)), gamma the Euler–Mascheroni constant.
 */
export function expectedMaxNormal(trials: number): number {
  if (!(trials >= 1) || !Number.isFinite(trials)) throw new RangeError(`the number of trials must be at least 1, got ${trials}`);
  if (trials === 1) return 0;
  return (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
}

/** SR0: the Sharpe the best of `trials` unskilled strategies reaches by luck, sqrt(V[SR_n]) E[max]. */
export function deflatedSharpeThreshold(trialSharpeVariance: number, trials: number): number {
  if (!(trialSharpeVariance >= 0)) throw new RangeError(`the trials' Sharpe variance must be >= 0, got ${trialSharpeVariance}`);
  return Math.sqrt(trialSharpeVariance) * expectedMaxNormal(trials);
}

export interface DeflatedSharpe {
  /** The threshold SR0 the observed Sharpe is tested against (per period). */
  readonly threshold: number;
  /** PSR(SR0): the probability that the chosen strategy's true Sharpe beats the luck of the best of N. */
  readonly dsr: number;
}

/**
 * DSR of the chosen strategy: PSR against SR0 = sqrt(V[SR_n]) E[max of N], where V[SR_n] is the
 * variance of the per-period Sharpe ratios across the N trials.
 */
export function deflatedSharpe(sr: number, n: number, skew: number, kurtosis: number, trialSharpeVariance: number, trials: number): DeflatedSharpe {
  const threshold = deflatedSharpeThreshold(trialSharpeVariance, trials);
  return { threshold, dsr: probabilisticSharpe(sr, n, skew, kurtosis, threshold) };
}

/**
 * DSR of the chosen strategy of a search: `runSharpes` are the per-period Sharpe ratios of the
 * configurations this run compared (the chosen one among them), `priorTrials` the configurations
 * compared before it on the same test days, whose returns are not at hand.
 *
 * Without prior trials this is `deflatedSharpe` over the run's variance and count. With them, the
 * variance of the earlier trials is unknown; each is taken at the least scatter any configuration
 * shows on `n` days, the sampling variance 1 / n of a per-period Sharpe with no skill, and pooled
 * with the run's own estimate by degrees of freedom: ((N - 1) V_run + K / n) / (N - 1 + K) over
 * N + K trials. A run whose few configurations differ in kind (a network beside a logistic
 * regression) would otherwise lend its wide spread to every earlier variant of the network. The
 * stricter of the two thresholds is kept, so counting earlier trials never lowers the bar.
 */
export function deflatedSharpeOfSearch(sr: number, n: number, skew: number, kurtosis: number, runSharpes: readonly number[], priorTrials: number): DeflatedSharpe {
  if (!(Number.isInteger(priorTrials) && priorTrials >= 0)) throw new RangeError(`prior trials must be a whole number >= 0, got ${priorTrials}`);
  const N = runSharpes.length;
  // A configuration that never traded has no Sharpe ratio: it counts as a trial, not in the variance.
  const finite = runSharpes.filter(Number.isFinite);
  const runVariance = finite.length >= 2 ? varianceOf(finite) : 0;
  const runOnly = deflatedSharpe(sr, n, skew, kurtosis, runVariance, Math.max(1, N));
  if (priorTrials === 0 || !(n > 0)) return runOnly;
  const df = Math.max(0, finite.length - 1);
  const pooled = (df * runVariance + priorTrials / n) / (df + priorTrials);
  const withPrior = deflatedSharpe(sr, n, skew, kurtosis, pooled, Math.max(1, N) + priorTrials);
  return withPrior.threshold >= runOnly.threshold ? withPrior : runOnly;
}

/** Sample variance (n - 1) of at least two values. */
function varianceOf(xs: readonly number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/**
 * MinTRL: the number of returns needed for PSR(benchmark) to reach `confidence`:
 * 1 + (1 - skew sr + (kurtosis - 1)/4 sr^2) (Phi^-1(confidence) / (sr - benchmark))^2.
 * Infinity when sr <= benchmark (no track record is long enough).
 */
export function minTrackRecordLength(sr: number, skew: number, kurtosis: number, benchmark = 0, confidence = 0.95): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(sr > benchmark)) return Infinity;
  const z = normalQuantile(confidence);
  return 1 + sharpeVarianceFactor(sr, skew, kurtosis) * (z / (sr - benchmark)) ** 2;
}

/**
 * MinBTL in years: the backtest length below which the best of `trials` independent strategies
 * with no skill is expected to show an annualised in-sample Sharpe of `annualSharpe`:
 * (E[max of N] / annualSharpe)^2.
 */
export function minBacktestLength(trials: number, annualSharpe: number): number {
  if (!(annualSharpe > 0)) throw new RangeError(`the in-sample Sharpe must be positive, got ${annualSharpe}`);
  return (expectedMaxNormal(trials) / annualSharpe) ** 2;
}
