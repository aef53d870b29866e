// The daily cross-sectional regression of the Barra model, and the factor covariance from its
// series.
//
// One date: r_i = c + g_{k(i)} + sum_s x_is f_s + e_i, stock i in industry k(i), fitted by weighted
// least squares with weights v_i = sqrt(cap_i) (Barra: specific variance falls roughly with the
// square root of size), subject to sum_k w_k g_k = 0, w_k = industry k's share of the cap of the
// stocks in the regression. Country and industry dummies are collinear (each stock has exactly one
// industry), and the constraint is what pins the split: the country factor becomes the cap-weighted
// market and an industry factor that industry's return over the market.
//
// The constraint is solved by substitution, the standard approach: pick one industry m and write
// g_m = -sum_{k != m} (w_k / w_m) g_k. In matrix form f = R theta, theta = (c, g_k for k != m, f_s),
// and the model becomes an unconstrained WLS on the reparameterised design X R, whose industry-k
// column is D_k - (w_k / w_m) D_m. Any m gives the same f; we take the industry with the largest
// cap so that w_k / w_m stays <= 1.
//
// Standard errors (homoskedastic up to the weights, i.e. Var(e_i) = sigma^2 / v_i):
//   Cov(f) = sigma^2 R (R' X'VX R)^-1 R',   sigma^2 = sum_i v_i e_i^2 / (n - p),
// with p the number of free parameters (1 + industries present - 1 + styles kept); t = f / se.
// R^2 is weighted and centred: 1 - sum v e^2 / sum v (r - rbar_v)^2, rbar_v the v-weighted mean.

import type { StockPanel } from './panel.js';
import { type Design, cholesky, choleskyInverse, choleskySolve, normalEquations } from './linalg.js';

/** Name of the country (market) factor, first in every factor list. */
export const COUNTRY = 'country';

/** Spare stocks required beyond the number of factors estimated on a date (see `minStocks`). */
export const SPARE_STOCKS = 10;

export interface StyleExposure {
  readonly name: string;
  /** One date's exposures, one per stock. */
  readonly exposure: ArrayLike<number>;
}

export interface FactorRegressionInput {
  /** Each stock's return over the period after the exposures' date (NaN: not traded). */
  readonly returns: ArrayLike<number>;
  readonly styles: readonly StyleExposure[];
  /** Each stock's industry index into `industries`; negative: unclassified (left out). */
  readonly industry: Int32Array;
  readonly industries: readonly string[];
  /** Float market cap at the exposures' date: regression weights sqrt(cap), constraint weights cap share. */
  readonly capWeights: ArrayLike<number>;
  /** The cross-section's date, for messages. */
  readonly date?: string;
  /**
   * Fewest stocks to estimate; default: factors estimated that date (country + industries present
   * + styles) + SPARE_STOCKS, so the residual variance behind the t-stats has at least 11 degrees
   * of freedom.
   */
  readonly minStocks?: number;
}

export type DroppedReason = 'empty_industry' | 'collinear' | 'no_data';

export interface DroppedFactor {
  readonly factor: string;
  /**
   * 'empty_industry': no stock of the industry entered that date; its return is not defined (and
   * has weight 0 in the constraint), so it is left out of the regression and reported NaN.
   * 'collinear': the factor is (numerically) a combination of the factors before it in the order
   * country, industries, styles, e.g. a constant style (a multiple of the country column); it is
   * left out, reported NaN, and the others are estimated without it.
   * 'no_data' (factorReturnSeries): the style has no exposure on that date (a descriptor window
   * not yet filled, a field the data lacks); it sits the date out rather than exclude every stock.
   */
  readonly reason: DroppedReason;
}

export interface FactorRegression {
  /** COUNTRY, then `industries`, then the styles' names. */
  readonly factors: readonly string[];
  /** One per factor; NaN for a dropped factor, or all NaN when status is 'too_few_stocks'. */
  readonly returns: Float64Array;
  readonly stdErrors: Float64Array;
  readonly tStats: Float64Array;
  /** Each industry's share of the regression's cap (the constraint's weights; 0 when empty). */
  readonly industryWeights: Float64Array;
  readonly rSquared: number;
  /** Per stock: return minus fitted; NaN for stocks not in the regression. */
  readonly residuals: Float64Array;
  /** Stocks in the regression (finite return, positive finite cap, an industry, finite exposures). */
  readonly nStocks: number;
  /** Residual degrees of freedom, n - free parameters. */
  readonly dof: number;
  readonly status: 'ok' | 'too_few_stocks';
  readonly dropped: readonly DroppedFactor[];
}

/** The factor names of a regression: COUNTRY, the industries, the styles. */
export function factorNames(industries: readonly string[], styles: readonly { readonly name: string }[]): string[] {
  return [COUNTRY, ...industries, ...styles.map((s) => s.name)];
}

/** One date's constrained WLS of stock returns on country, industries and styles (see the header). */
export function factorRegression(input: FactorRegressionInput): FactorRegression {
  const { returns, styles, industry, industries, capWeights } = input;
  const at = input.date === undefined ? '' : ` on ${input.date}`;
  const n = returns.length;
  const K = industries.length;
  const S = styles.length;
  const P = 1 + K + S;
  const check = (name: string, len: number): void => {
    if (len !== n) throw new RangeError(`factorRegression${at}: ${name} has length ${len}, expected ${n} (one per stock, as returns)`);
  };
  check('industry', industry.length);
  check('capWeights', capWeights.length);
  styles.forEach((s) => check(`style '${s.name}'`, s.exposure.length));
  const factors = factorNames(industries, styles);

  // Stocks that enter, industries present and their caps.
  const rows: number[] = [];
  const indCap = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const k = industry[i]!;
    if (k >= K) throw new RangeError(`factorRegression${at}: stock ${i} has industry ${k}, but there are only ${K} industries`);
    const cap = capWeights[i]!;
    if (k < 0 || !Number.isFinite(returns[i]!) || !(cap > 0 && Number.isFinite(cap))) continue;
    if (!styles.every((s) => Number.isFinite(s.exposure[i]!))) continue;
    rows.push(i);
    indCap[k]! += cap;
  }
  let totalCap = 0;
  let m = -1; // the eliminated industry: the largest by cap
  let present = 0;
  for (let k = 0; k < K; k++) {
    totalCap += indCap[k]!;
    if (indCap[k]! > 0) present++;
    if (indCap[k]! > 0 && (m < 0 || indCap[k]! > indCap[m]!)) m = k;
  }
  const industryWeights = indCap.map((c) => (totalCap > 0 ? c / totalCap : 0));
  const dropped: DroppedFactor[] = [];
  for (let k = 0; k < K; k++) if (indCap[k] === 0) dropped.push({ factor: industries[k]!, reason: 'empty_industry' });

  const nan = (): Float64Array => new Float64Array(P).fill(Number.NaN);
  const minStocks = input.minStocks ?? 1 + present + S + SPARE_STOCKS;
  if (rows.length < minStocks || rows.length === 0) {
    return {
      factors, returns: nan(), stdErrors: nan(), tStats: nan(), industryWeights, rSquared: Number.NaN,
      residuals: new Float64Array(n).fill(Number.NaN), nStocks: rows.length, dof: Number.NaN, status: 'too_few_stocks', dropped,
    };
  }

  // Normal equations of the full (singular) design [country, K dummies, styles], weights sqrt(cap).
  const v = new Float64Array(n);
  for (const i of rows) v[i] = Math.sqrt(capWeights[i]!);
  const design: Design = { intercept: true, group: { of: industry, count: K }, columns: styles.map((s) => s.exposure) };
  const { xtwx: M, xtwy: b } = normalEquations(design, rows, returns, v);

  // Reparameterise: reduced column a stands for full column full[a]; coef(col) is R's entry in row
  // 1+m for full column col: -w_k/w_m for an industry k != m (what g_k puts on g_m), else 0.
  // Empty industries (zero rows and columns of M) are simply not among the reduced columns.
  const full: number[] = [0];
  for (let k = 0; k < K; k++) if (indCap[k]! > 0 && k !== m) full.push(1 + k);
  for (let s = 0; s < S; s++) full.push(1 + K + s);
  const q = full.length;
  const mm = 1 + m;
  const coef = (col: number): number => (col >= 1 && col <= K ? -indCap[col - 1]! / indCap[m]! : 0);
  const Mr = new Float64Array(q * q);
  const br = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    const fa = full[a]!;
    const ca = coef(fa);
    br[a] = b[fa]! + ca * b[mm]!;
    for (let c = 0; c < q; c++) {
      const fc = full[c]!;
      const cc = coef(fc);
      Mr[a * q + c] = M[fa * P + fc]! + ca * M[mm * P + fc]! + cc * M[fa * P + mm]! + ca * cc * M[mm * P + mm]!;
    }
  }
  const chol = cholesky(Mr, q);
  const theta = choleskySolve(chol, br);
  const covTheta = choleskyInverse(chol); // x sigma^2 below

  // Back to f = R theta (dropped columns count as 0 in the fit, NaN in the report).
  const f = new Float64Array(P);
  let kept = 0;
  for (let a = 0; a < q; a++) {
    f[full[a]!] = theta[a]!;
    f[mm]! += coef(full[a]!) * theta[a]!;
    if (chol.kept[a]) kept++;
  }

  // Residuals, weighted R^2, sigma^2.
  const residuals = new Float64Array(n).fill(Number.NaN);
  let sv = 0;
  let svr = 0;
  let sse = 0;
  for (const i of rows) {
    let fit = f[0]! + f[1 + industry[i]!]!;
    for (let s = 0; s < S; s++) fit += f[1 + K + s]! * styles[s]!.exposure[i]!;
    const e = returns[i]! - fit;
    residuals[i] = e;
    sv += v[i]!;
    svr += v[i]! * returns[i]!;
    sse += v[i]! * e * e;
  }
  const rbar = svr / sv;
  let sst = 0; // second pass around the weighted mean: no cancellation
  for (const i of rows) sst += v[i]! * (returns[i]! - rbar) ** 2;
  const rSquared = sst > 0 ? 1 - sse / sst : Number.NaN;
  const dof = rows.length - kept;
  const sigma2 = dof > 0 ? sse / dof : Number.NaN;

  // Var(f) = sigma^2 diag(R C R'), C = (R'X'VX R)^-1: unit rows of R for all but the eliminated
  // industry, whose row is the vector of coef() over the reduced industry columns.
  const variance = new Float64Array(P).fill(Number.NaN);
  let varM = 0;
  for (let a = 0; a < q; a++) {
    if (!chol.kept[a]) continue;
    variance[full[a]!] = sigma2 * covTheta[a * q + a]!;
    const ca = coef(full[a]!);
    if (ca === 0) continue;
    for (let c = 0; c < q; c++) {
      const cc = coef(full[c]!);
      if (cc !== 0 && chol.kept[c]) varM += ca * cc * covTheta[a * q + c]!;
    }
  }
  variance[mm] = sigma2 * varM; // one present industry: 0, its return pinned at 0 by the constraint

  const stdErrors = nan();
  const tStats = nan();
  for (let k = 0; k < K; k++) if (indCap[k] === 0) f[1 + k] = Number.NaN;
  for (let a = 0; a < q; a++) {
    if (chol.kept[a]) continue;
    f[full[a]!] = Number.NaN;
    dropped.push({ factor: factors[full[a]!]!, reason: 'collinear' });
  }
  for (let p = 0; p < P; p++) {
    if (!Number.isFinite(f[p]!)) continue;
    stdErrors[p] = Math.sqrt(variance[p]!);
    tStats[p] = stdErrors[p]! > 0 ? f[p]! / stdErrors[p]! : Number.NaN;
  }
  return { factors, returns: f, stdErrors, tStats, industryWeights, rSquared, residuals, nStocks: rows.length, dof, status: 'ok', dropped };
}

/** A style's exposures over the whole panel, date-major (t * nStocks + j), as the panel's fields. */
export interface StyleMatrix {
  readonly name: string;
  readonly exposure: Float64Array;
}

export interface FactorReturnSeries {
  readonly dates: readonly string[];
  readonly factors: readonly string[];
  /** Date-major, dates x factors: row t is the factor returns realised on dates[t]. Row 0 is NaN. */
  readonly returns: Float64Array;
  readonly tStats: Float64Array;
  readonly rSquared: Float64Array;
  /** Stocks in each date's regression (also on dates with too few to estimate). */
  readonly nStocks: Int32Array;
  /** Date-major, dates x stocks: specific returns on dates[t]; NaN where not estimated. */
  readonly residuals: Float64Array;
  /** Dates without an estimate (date 0, and dates with too few stocks). */
  readonly skipped: readonly { readonly date: string; readonly reason: 'first_date' | 'too_few_stocks' }[];
  readonly dropped: readonly (DroppedFactor & { readonly date: string })[];
}

export type FactorPanel = Pick<StockPanel, 'dates' | 'codes' | 'ret' | 'floatCap' | 'industry' | 'industries'>;

export interface FactorReturnSeriesOptions {
  /** Fixed minimum stocks per date; default per date: factors estimated + SPARE_STOCKS. */
  readonly minStocks?: number;
  /** Industry per stock per date (date-major), when classifications change; default the panel's static one. */
  readonly industryByDate?: Int32Array;
}

/**
 * factorRegression on every date of the panel. Timing: the factor returns of date t regress the
 * stocks' returns on t (panel.ret, close t-1 to close t) on the exposures, caps and industries of
 * t-1, all known at the close before the return is earned. Date 0 has no prior exposures and dates
 * with fewer stocks than factors + SPARE_STOCKS give NaN rows (listed in `skipped`).
 */
export function factorReturnSeries(panel: FactorPanel, styles: readonly StyleMatrix[], options: FactorReturnSeriesOptions = {}): FactorReturnSeries {
  const T = panel.dates.length;
  const N = panel.codes.length;
  const check = (name: string, len: number, expected: number): void => {
    if (len !== expected) throw new RangeError(`factorReturnSeries: ${name} has length ${len}, expected ${expected} (${T} dates x ${N} stocks)`);
  };
  check('ret', panel.ret.length, T * N);
  check('floatCap', panel.floatCap.length, T * N);
  styles.forEach((s) => check(`style '${s.name}'`, s.exposure.length, T * N));
  if (options.industryByDate !== undefined) check('industryByDate', options.industryByDate.length, T * N);
  else if (panel.industry.length !== N) throw new RangeError(`factorReturnSeries: industry has length ${panel.industry.length}, expected ${N} (one per stock)`);

  const factors = factorNames(panel.industries, styles);
  const P = factors.length;
  const returns = new Float64Array(T * P).fill(Number.NaN);
  const tStats = new Float64Array(T * P).fill(Number.NaN);
  const rSquared = new Float64Array(T).fill(Number.NaN);
  const nStocks = new Int32Array(T);
  const residuals = new Float64Array(T * N).fill(Number.NaN);
  const skipped: { date: string; reason: 'first_date' | 'too_few_stocks' }[] = [];
  const dropped: (DroppedFactor & { date: string })[] = [];
  if (T > 0) skipped.push({ date: panel.dates[0]!, reason: 'first_date' });
  const column = new Map(factors.map((f, k) => [f, k]));
  for (let t = 1; t < T; t++) {
    const prev = (m: Float64Array): Float64Array => m.subarray((t - 1) * N, t * N);
    const date = panel.dates[t]!;
    // A style with no exposure at all on t-1 sits the date out: kept in, its NaNs would exclude every stock.
    const active = styles.filter((s) => prev(s.exposure).some(Number.isFinite));
    for (const s of styles) if (!active.includes(s)) dropped.push({ factor: s.name, reason: 'no_data', date });
    const r = factorRegression({
      returns: panel.ret.subarray(t * N, (t + 1) * N),
      styles: active.map((s) => ({ name: s.name, exposure: prev(s.exposure) })),
      industry: options.industryByDate === undefined ? panel.industry : options.industryByDate.subarray((t - 1) * N, t * N),
      industries: panel.industries,
      capWeights: prev(panel.floatCap),
      date,
      ...(options.minStocks === undefined ? {} : { minStocks: options.minStocks }),
    });
    nStocks[t] = r.nStocks;
    if (r.status !== 'ok') {
      skipped.push({ date, reason: 'too_few_stocks' });
      continue;
    }
    r.factors.forEach((f, k) => {
      const c = column.get(f)!;
      returns[t * P + c] = r.returns[k]!;
      tStats[t * P + c] = r.tStats[k]!;
    });
    rSquared[t] = r.rSquared;
    residuals.set(r.residuals, t * N);
    for (const d of r.dropped) dropped.push({ ...d, date });
  }
  return { dates: panel.dates, factors, returns, tStats, rSquared, nStocks, residuals, skipped, dropped };
}

export interface FactorCovarianceOptions {
  /** Half-life in dates of exponential weights (the newest date weighs 1); absent: equal weights. */
  readonly halfLife?: number;
}

export interface FactorCovariance {
  readonly factors: readonly string[];
  /** factors x factors, row-major; daily units (not annualised). */
  readonly matrix: Float64Array;
  /** Dates used: those with every factor return finite. */
  readonly nDates: number;
}

/**
 * Covariance of the factor returns over the dates where every factor's return is finite (a date
 * with any NaN, e.g. an empty industry, is skipped whole, so the matrix stays positive
 * semi-definite). Weights: 1 for every date, or lambda^age with lambda = 0.5^(1 / halfLife) and
 * age counted in dates from the last date of the series (skipped dates still age the others).
 * Centred on the weighted mean, and scaled by sum w / ((sum w)^2 - sum w^2), the unbiased form
 * for such weights, which is 1 / (n - 1) when they are equal (the sample covariance).
 */
export function factorCovariance(series: Pick<FactorReturnSeries, 'factors' | 'returns'>, options: FactorCovarianceOptions = {}): FactorCovariance {
  const P = series.factors.length;
  if (P === 0 || series.returns.length % P !== 0) {
    throw new RangeError(`factorCovariance: returns has length ${series.returns.length}, not a multiple of ${P} factors`);
  }
  const { halfLife } = options;
  if (halfLife !== undefined && !(Number.isFinite(halfLife) && halfLife > 0)) {
    throw new RangeError(`factorCovariance: halfLife must be a finite number of dates > 0, got ${halfLife}`);
  }
  const T = series.returns.length / P;
  const lambda = halfLife === undefined ? 1 : 0.5 ** (1 / halfLife);
  const used: number[] = [];
  for (let t = 0; t < T; t++) {
    let ok = true;
    for (let p = 0; p < P && ok; p++) ok = Number.isFinite(series.returns[t * P + p]!);
    if (ok) used.push(t);
  }
  if (used.length < 2) throw new RangeError(`factorCovariance: ${used.length} of ${T} dates have every factor return finite; need at least 2`);
  const w = used.map((t) => lambda ** (T - 1 - t));
  let sw = 0;
  let sw2 = 0;
  for (const x of w) {
    sw += x;
    sw2 += x * x;
  }
  const mean = new Float64Array(P);
  used.forEach((t, u) => {
    for (let p = 0; p < P; p++) mean[p]! += (w[u]! * series.returns[t * P + p]!) / sw;
  });
  const matrix = new Float64Array(P * P);
  const dev = new Float64Array(P);
  used.forEach((t, u) => {
    for (let p = 0; p < P; p++) dev[p] = series.returns[t * P + p]! - mean[p]!;
    for (let a = 0; a < P; a++) for (let c = a; c < P; c++) matrix[a * P + c]! += w[u]! * dev[a]! * dev[c]!;
  });
  const scale = sw / (sw * sw - sw2);
  for (let a = 0; a < P; a++) {
    for (let c = a; c < P; c++) {
      matrix[a * P + c]! *= scale;
      matrix[c * P + a] = matrix[a * P + c]!;
    }
  }
  return { factors: series.factors, matrix, nDates: used.length };
}
