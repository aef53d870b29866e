// Cross-sectional maths of the equity factor model (Barra CNE5 style), one date at a time.
//
// Convention shared by every function here:
//   - inputs are arrays of length nStocks: one date's slice of a panel matrix (crossSection());
//   - NaN marks a missing value; a stock missing something a function needs comes out NaN;
//   - outputs are new arrays of the same length; inputs are never modified;
//   - an industry code is an index into the panel's `industries`; any negative code = unclassified;
//   - weights count only where finite and > 0 (a stock without one is left out of the fit).

import { type Design, leastSquares, predictRow } from './linalg.js';

/** Scales a median absolute deviation to a standard deviation under normality (1 / Phi^-1(3/4)). */
export const MAD_TO_SD = 1.4826;

export type WinsorizeMethod = 'mad' | 'sigma';

export interface WinsorizeOptions {
  /** 'mad' (default): median +- k x 1.4826 x MAD; 'sigma': mean +- k x sample sd. */
  readonly method?: WinsorizeMethod;
  /** Width in (robust) standard deviations; default 3. */
  readonly k?: number;
}

/**
 * Clips the finite values to [centre - k s, centre + k s]. 'mad' (the default) takes the median and
 * s = 1.4826 x MAD, a standard deviation that the outliers being clipped cannot inflate; 'sigma'
 * takes the mean and the sample sd (one pass, as in the CNE5 handbook). k = 3 by default: three
 * (robust) standard deviations is the common Barra practice (CNE5 caps standardised descriptors at
 * +-3 sd).
 *
 * When more than half the values are equal the MAD is 0 and the MAD bounds would collapse onto the
 * median, clipping every other value to it (think of a yield where most stocks pay nothing); the
 * sigma rule with the same k is used instead. Fewer than 2 finite values, or a zero sd: unchanged.
 */
export function winsorize(x: ArrayLike<number>, options: WinsorizeOptions = {}): Float64Array {
  const method = options.method ?? 'mad';
  const k = options.k ?? 3;
  if (!(Number.isFinite(k) && k > 0)) throw new RangeError(`winsorize: k must be a finite number > 0, got ${k}`);
  if (method !== 'mad' && method !== 'sigma') throw new RangeError(`winsorize: method must be 'mad' or 'sigma', got '${String(method)}'`);
  const out = Float64Array.from(x);
  const finite = finiteValues(x);
  if (finite.length < 2) return out;
  let lo: number;
  let hi: number;
  const med = method === 'mad' ? median(finite) : Number.NaN;
  const mad = method === 'mad' ? median(finite.map((v) => Math.abs(v - med))) : 0;
  if (method === 'mad' && mad > 0) {
    lo = med - k * MAD_TO_SD * mad;
    hi = med + k * MAD_TO_SD * mad;
  } else {
    const { mean, sd } = meanSd(finite);
    if (!(sd > 0)) return out;
    lo = mean - k * sd;
    hi = mean + k * sd;
  }
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (v < lo) out[i] = lo;
    else if (v > hi) out[i] = hi; // NaN fails both tests and stays NaN
  }
  return out;
}

/**
 * Barra standardisation: z = (x - cap-weighted mean) / equal-weighted sample sd.
 *
 * Why the two weightings: the cap-weighted mean makes the cap-weighted market portfolio's exposure
 * to the factor exactly 0, so the market's return is carried by the country factor alone and a
 * style's return is that of a long-short portfolio against the market; the equal-weighted sd sets
 * the scale from the whole cross-section, not from a handful of mega-caps.
 *
 * The moments are taken over stocks with a finite x and a finite positive weight; every finite x
 * (also one without a weight) is then standardised with them. All NaN when fewer than 2 stocks
 * count or their sd is 0 (a flat factor has no z-score; a huge finite one would be worse).
 */
export function standardize(x: ArrayLike<number>, capWeights: ArrayLike<number>): Float64Array {
  checkLength('standardize', 'capWeights', capWeights.length, x.length);
  const out = new Float64Array(x.length).fill(Number.NaN);
  let sw = 0;
  let swx = 0;
  let n = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const w = capWeights[i]!;
    if (!Number.isFinite(v) || !(w > 0 && Number.isFinite(w))) continue;
    sw += w;
    swx += w * v;
    n++;
    s += v;
  }
  if (n < 2) return out;
  const capMean = swx / sw;
  const eqMean = s / n;
  let ss = 0; // two-pass: no cancellation
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const w = capWeights[i]!;
    if (Number.isFinite(v) && w > 0 && Number.isFinite(w)) ss += (v - eqMean) ** 2;
  }
  const sd = Math.sqrt(ss / (n - 1));
  if (!(sd > 0)) return out;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) out[i] = (v - capMean) / sd;
  }
  return out;
}

/**
 * Fills missing exposures the Barra way: fits x = industry effect + b x size + e by (weighted)
 * least squares on the stocks that have x, an industry and a size, and gives each stock missing x
 * its fitted value. Stocks with x keep it. A stock stays NaN when it has no industry or no size, or
 * when no stock of its industry has x (that industry's effect is not identified). When size is
 * collinear with the industries among the fitted stocks (e.g. constant within each), it is dropped
 * and the fill is the industry mean.
 */
export function fillMissing(x: ArrayLike<number>, industry: Int32Array, size: ArrayLike<number>, weights?: ArrayLike<number>): Float64Array {
  checkLength('fillMissing', 'industry', industry.length, x.length);
  checkLength('fillMissing', 'size', size.length, x.length);
  if (weights !== undefined) checkLength('fillMissing', 'weights', weights.length, x.length);
  const out = Float64Array.from(x);
  const design: Design = { intercept: false, group: { of: industry, count: industryCount(industry) }, columns: [size] };
  const rows: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && industry[i]! >= 0 && Number.isFinite(size[i]!) && weightOk(weights, i)) rows.push(i);
  }
  if (rows.length === 0) return out;
  const fit = leastSquares(design, rows, x, weights);
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) || industry[i]! < 0 || !Number.isFinite(size[i]!)) continue;
    // Industry columns are disjoint, so one is dropped only when none of the fitted stocks is in it.
    if (!fit.kept[industry[i]!]) continue;
    out[i] = predictRow(design, fit.coef, i);
  }
  return out;
}

export interface NeutralizeOptions {
  /** Industry per stock (negative: unclassified, left NaN). */
  readonly industry?: Int32Array;
  /** A size exposure (e.g. standardised log cap) to neutralise against as well. */
  readonly size?: ArrayLike<number>;
  /** Regression weights (e.g. sqrt cap); equal weights when absent. */
  readonly weights?: ArrayLike<number>;
}

/**
 * The residual of the (weighted) regression of x on industry dummies, plus size when given.
 *
 * What holds (sums over the stocks that enter: finite x, an industry, a finite size when size is
 * given, a positive weight when weights are given; the rest come out NaN):
 *   - without size: within every industry the weighted mean of the result is 0 (it is x minus its
 *     industry's weighted mean);
 *   - with size: still a zero weighted mean within every industry (the dummies are regressors, so
 *     the residual is orthogonal to each), and in addition sum_i w_i e_i size_i = 0 over the whole
 *     cross-section; not within each industry, as one size slope is shared by all industries.
 * Without `industry`, an intercept stands in for the dummies (the result has weighted mean 0).
 */
export function neutralize(x: ArrayLike<number>, options: NeutralizeOptions = {}): Float64Array {
  const { industry, size, weights } = options;
  if (industry !== undefined) checkLength('neutralize', 'industry', industry.length, x.length);
  if (size !== undefined) checkLength('neutralize', 'size', size.length, x.length);
  if (weights !== undefined) checkLength('neutralize', 'weights', weights.length, x.length);
  const design: Design = {
    intercept: industry === undefined,
    ...(industry === undefined ? {} : { group: { of: industry, count: industryCount(industry) } }),
    columns: size === undefined ? [] : [size],
  };
  const rows: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !weightOk(weights, i)) continue;
    if (industry !== undefined && industry[i]! < 0) continue;
    if (size !== undefined && !Number.isFinite(size[i]!)) continue;
    rows.push(i);
  }
  return residuals(design, rows, x, weights);
}

/**
 * The residual of y regressed, by weighted least squares with an intercept, on the `against`
 * factors: weighted mean 0 and weighted-orthogonal to each of them. Used for Residual Volatility
 * (against Beta and Size), Liquidity (against Size) and Non-linear Size (size^3 against size).
 * Stocks missing y, any factor, or a weight (when weights are given) come out NaN. Factors that are
 * collinear (e.g. a constant one, already spanned by the intercept) are dropped; the residual, a
 * projection, is the same either way.
 */
export function orthogonalize(y: ArrayLike<number>, against: readonly ArrayLike<number>[], weights?: ArrayLike<number>): Float64Array {
  against.forEach((f, k) => checkLength('orthogonalize', `against[${k}]`, f.length, y.length));
  if (weights !== undefined) checkLength('orthogonalize', 'weights', weights.length, y.length);
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (Number.isFinite(y[i]!) && weightOk(weights, i) && against.every((f) => Number.isFinite(f[i]!))) rows.push(i);
  }
  return residuals({ intercept: true, columns: against }, rows, y, weights);
}

export interface NonLinearSizeOptions {
  /**
   * Weights of the orthogonalisation; default the cap weights. The CNE5 handbook says "regression
   * weighted", i.e. sqrt(cap): pass those for that reading.
   */
  readonly regressionWeights?: ArrayLike<number>;
  /** Winsorisation of the residual; default MAD, k = 3. */
  readonly winsorize?: WinsorizeOptions;
}

/**
 * CNE5 Non-linear Size (NLSIZE): the cube of standardised size, orthogonalised to size (weighted,
 * with an intercept), then winsorised and standardised (cap-weighted mean 0, sd 1). It captures
 * mid caps against both ends, which a linear size factor cannot.
 */
export function nonLinearSize(standardizedSize: ArrayLike<number>, capWeights: ArrayLike<number>, options: NonLinearSizeOptions = {}): Float64Array {
  checkLength('nonLinearSize', 'capWeights', capWeights.length, standardizedSize.length);
  const cube = Float64Array.from(standardizedSize, (s) => s ** 3);
  const resid = orthogonalize(cube, [standardizedSize], options.regressionWeights ?? capWeights);
  return standardize(winsorize(resid, options.winsorize), capWeights);
}

// ---- helpers ----

/** y minus its fitted value on `rows`; NaN elsewhere. */
function residuals(design: Design, rows: readonly number[], y: ArrayLike<number>, weights: ArrayLike<number> | undefined): Float64Array {
  const out = new Float64Array(y.length).fill(Number.NaN);
  if (rows.length === 0) return out;
  const fit = leastSquares(design, rows, y, weights);
  for (const i of rows) out[i] = y[i]! - predictRow(design, fit.coef, i);
  return out;
}

/** Industry dummies needed: the largest code + 1 (codes with no stock give all-zero, dropped columns). */
function industryCount(industry: Int32Array): number {
  let max = -1;
  for (let i = 0; i < industry.length; i++) if (industry[i]! > max) max = industry[i]!;
  return max + 1;
}

function weightOk(weights: ArrayLike<number> | undefined, i: number): boolean {
  if (weights === undefined) return true;
  const w = weights[i]!;
  return w > 0 && Number.isFinite(w);
}

function checkLength(fn: string, name: string, got: number, expected: number): void {
  if (got !== expected) throw new RangeError(`${fn}: ${name} has length ${got}, expected ${expected} (one value per stock)`);
}

function finiteValues(x: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out.push(x[i]!);
  return Float64Array.from(out);
}

/** Median of finite values (a sorted copy; Float64Array sorts numerically). */
function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function meanSd(v: Float64Array): { mean: number; sd: number } {
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (v.length - 1)) };
}
