// Factor analysis of a score over the stock panel (pure): the tear sheet alphalens made familiar
// (information coefficients, quantile returns and the top-minus-bottom spread, quantile turnover,
// the score's rank autocorrelation, and the decay of the IC with the horizon).
//
// Timing. A score at date t is known at the close of t and is judged against the FORWARD return
// from the close of t to the close of t + h: the panel's `ret` of dates t+1 .. t+h compounded
// (forwardReturns). Nothing on or before t enters a forward return, and nothing after t + h does.
// A stock not tradable on t (suspended, not yet listed, delisted) could not be bought at that
// close, so it has no forward return at t and drops out of every statistic of that date.
// Limit states are NOT modelled here: a stock closing limit-up on t (which in practice cannot be
// bought) or limit-down (cannot be sold) counts like any other; the analysis measures what a score
// knows, not what a book could have traded.
//
// Scores and returns are date-major matrices like the panel's (stock j on date t at t*N + j);
// NaN means no score / no return. Every cross-sectional statistic needs at least `minStocks`
// stocks (default MIN_STOCKS = 10) with both values on the date, or it is NaN for that date: a
// correlation of a handful of stocks is mostly noise. Intervals are circular block-bootstrap
// percentile intervals over dates (src/eval/score/bootstrap.ts) with a block of at least the
// horizon, since forward returns of consecutive dates share h - 1 days and their statistics are
// autocorrelated.
//
// Horizons above 1: returns stay horizon-day returns (no conversion to daily rates). Means (IC,
// quantile returns, the spread) use every date, overlapping windows and all, with the block
// bootstrap above; the spread's Sharpe ratio and cumulative curve use non-overlapping periods
// only (spreadSummary), so they compound and annualise returns a book could have earned.
// Weights: the IC takes an optional weight matrix (e.g. sqrt of float cap); quantile means are
// equal-weighted or weighted by float cap at t.

import { blockBootstrap, defaultBlockLength, type BootstrapOptions, type Interval } from '../eval/score/bootstrap.js';
import type { StockPanel } from './panel.js';

/** The fewest stocks a date needs for its IC, quantiles, turnover or autocorrelation. */
export const MIN_STOCKS = 10;

/** The dimensions every matrix here is laid out by. */
export type PanelShape = Pick<StockPanel, 'dates' | 'codes'>;

/** The fields of the panel the analysis reads: returns, tradability and float cap (for cap weights). */
export type AnalysisPanel = Pick<StockPanel, 'dates' | 'codes' | 'ret' | 'tradable' | 'floatCap'>;

/** Forward returns: values[t*N + j] is the return of stock j from the close of t to the close of t + horizon. */
export interface ForwardReturns {
  readonly horizon: number;
  readonly values: Float64Array;
}

export type IcMethod = 'pearson' | 'spearman';

export interface IcOptions {
  /** 'pearson' (the IC) or 'spearman' (the Rank IC, average ranks for ties); default 'spearman'. */
  readonly method?: IcMethod;
  /** Date-major weights (e.g. sqrt of float cap); a stock with a non-finite or non-positive weight is left out. Default equal. */
  readonly weights?: Float64Array;
  /** Default MIN_STOCKS. */
  readonly minStocks?: number;
}

/** One IC per date. */
export interface IcSeries {
  readonly method: IcMethod;
  readonly horizon: number;
  readonly dates: readonly string[];
  /** IC of date t (score at t against the forward return from t); NaN with fewer than minStocks stocks or no dispersion. */
  readonly values: Float64Array;
  /** Stocks used on each date. */
  readonly counts: Int32Array;
}

export interface SummaryOptions {
  /** Trading dates a year; default 250. */
  readonly periodsPerYear?: number;
  /** Resampling of the intervals; the block length is raised to the horizon when shorter. */
  readonly bootstrap?: BootstrapOptions;
}

export interface IcSummary {
  readonly method: IcMethod;
  readonly horizon: number;
  /** Mean IC over the dates with one. */
  readonly mean: number;
  /** Block-bootstrap interval of the mean (95% unless bootstrap.level says otherwise). */
  readonly interval: Interval;
  /** Sample standard deviation of the per-date IC. */
  readonly sd: number;
  /** mean / sd, per date. */
  readonly icir: number;
  /** icir * sqrt(periodsPerYear / horizon): horizon-day ICs, periodsPerYear / horizon of them a year. */
  readonly icirAnnualised: number;
  /**
   * mean / (sd / sqrt(n)), the usual t-statistic; for horizon > 1 the ICs overlap and it overstates
   * the evidence (mean / interval.se does not).
   */
  readonly tStat: number;
  /** Share of the dates with an IC whose IC is above 0. */
  readonly positiveShare: number;
  /** Dates with an IC. */
  readonly dates: number;
}

export type QuantileWeighting = 'equal' | 'cap';

export interface QuantileOptions {
  /** Groups per date, equal counts; default 10. */
  readonly quantiles?: number;
  /** Mean of a quantile: equal-weighted or weighted by float cap at t; default 'equal'. */
  readonly weights?: QuantileWeighting;
  /** Default MIN_STOCKS; a date also needs at least `quantiles` stocks. */
  readonly minStocks?: number;
  readonly periodsPerYear?: number;
  readonly bootstrap?: BootstrapOptions;
}

/** The long-short spread: top quantile minus bottom quantile. */
export interface SpreadSummary {
  /** Per date, the top quantile's horizon-day return less the bottom's; NaN where the date had too few stocks. */
  readonly series: Float64Array;
  /** Mean over every date with a spread (overlapping for horizon > 1), per horizon-day period, with its interval. */
  readonly mean: number;
  readonly interval: Interval;
  /** Annualised Sharpe ratio of the non-overlapping periods: mean / sd * sqrt(periodsPerYear / horizon). */
  readonly sharpe: number;
  /** Non-overlapping periods behind sharpe and cumulative. */
  readonly periods: number;
  /**
   * Compounded spread of the non-overlapping periods, by date: the value at t counts the periods
   * that ended (their t + horizon) on or before t, so the curve never shows a return before its close.
   */
  readonly cumulative: Float64Array;
}

export interface QuantileReturns {
  readonly horizon: number;
  readonly quantiles: number;
  readonly weights: QuantileWeighting;
  readonly dates: readonly string[];
  /** dates x quantiles (t*quantiles + q; q = 0 the lowest scores): each quantile's horizon-day forward return. */
  readonly returns: Float64Array;
  /** Stocks in each quantile on each date (0 on dates with too few). */
  readonly counts: Int32Array;
  /** Per quantile, the mean over dates of its horizon-day return, with an interval. */
  readonly mean: readonly Interval[];
  readonly spread: SpreadSummary;
}

export interface TurnoverOptions {
  /** Default 10. */
  readonly quantiles?: number;
  /** Default MIN_STOCKS. */
  readonly minStocks?: number;
}

export interface QuantileTurnover {
  readonly quantiles: number;
  readonly dates: readonly string[];
  /** Per date, the share of the top quantile's names not in the top quantile on the previous date; NaN on the first date and where either date has too few stocks. */
  readonly top: Float64Array;
  /** The same for the bottom quantile. */
  readonly bottom: Float64Array;
  readonly meanTop: number;
  readonly meanBottom: number;
}

export interface AutocorrelationOptions {
  /** Dates back; default 1. */
  readonly lag?: number;
  /** Default MIN_STOCKS. */
  readonly minStocks?: number;
}

export interface FactorAutocorrelation {
  readonly lag: number;
  readonly dates: readonly string[];
  /** Per date t, the rank correlation of the scores at t with those at t - lag (stocks scored on both); NaN for t < lag. */
  readonly values: Float64Array;
  readonly mean: number;
}

export interface DecayOptions extends SummaryOptions {
  /** Weights of the Rank IC (see IcOptions.weights). */
  readonly weights?: Float64Array;
  readonly minStocks?: number;
}

/** The Rank IC at one horizon. */
export interface DecayPoint {
  readonly horizon: number;
  readonly summary: IcSummary;
}

export interface TearSheetOptions {
  /** Holding horizon of the IC and quantile sections, in dates; default 1. */
  readonly horizon?: number;
  /** Default 10. */
  readonly quantiles?: number;
  /** Weighting inside a quantile; default 'equal'. */
  readonly quantileWeights?: QuantileWeighting;
  /** Date-major weights of the IC and Rank IC; default equal. */
  readonly icWeights?: Float64Array;
  /** Default MIN_STOCKS. */
  readonly minStocks?: number;
  /** Default 250. */
  readonly periodsPerYear?: number;
  readonly bootstrap?: BootstrapOptions;
  /** Horizons of the decay profile; default [1, 5, 10, 21]. */
  readonly decayHorizons?: readonly number[];
  /** Lag of the score's autocorrelation; default 1. */
  readonly autocorrelationLag?: number;
}

export interface IcSection {
  readonly series: IcSeries;
  readonly summary: IcSummary;
}

export interface TearSheet {
  readonly horizon: number;
  readonly ic: IcSection;
  readonly rankIc: IcSection;
  readonly quantiles: QuantileReturns;
  readonly turnover: QuantileTurnover;
  readonly autocorrelation: FactorAutocorrelation;
  readonly decay: readonly DecayPoint[];
}

// ---------------------------------------------------------------------------------------------
// Checks

function checkInteger(fn: string, name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${fn}: ${name} is ${v}; it must be an integer >= ${min}`);
}

function checkMatrix(fn: string, name: string, m: ArrayLike<number>, p: PanelShape): void {
  const size = p.dates.length * p.codes.length;
  if (m.length !== size) throw new RangeError(`${fn}: ${name} has ${m.length} values; the panel has ${p.dates.length} dates x ${p.codes.length} stocks = ${size}`);
}

// ---------------------------------------------------------------------------------------------
// Cross-sectional building blocks

// Word order of a double seen as two 32-bit words (little-endian on every platform Node runs on, checked anyway).
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * Indices of `values` in ascending order of value, ties in index order (stable). Values must not be
 * NaN (+-Infinity are fine). An LSD radix sort on the IEEE-754 bits, flipped so that unsigned order
 * is numeric order: exact, and about three times faster than sorting indices with a comparator,
 * which matters because ranking is the inner loop of every Rank IC (tens of thousands of
 * cross-sections in a tear sheet).
 */
export function argsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const copy = new Float64Array(n);
  // + 0 turns -0 into +0, so the two zeros tie (and fall back to index order) as they compare equal.
  for (let i = 0; i < n; i++) copy[i] = values[i]! + 0;
  const bits = new Uint32Array(copy.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  const count = new Int32Array(8 * 256); // a histogram per byte of the 64-bit key
  for (let i = 0; i < n; i++) {
    let l = bits[2 * i + LOW_WORD]!;
    let h = bits[2 * i + 1 - LOW_WORD]!;
    // Negative: flip every bit (larger magnitude sorts first); positive: set the sign bit.
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    lo[i] = l;
    hi[i] = h;
    count[l & 255]!++;
    count[256 + ((l >>> 8) & 255)]!++;
    count[512 + ((l >>> 16) & 255)]!++;
    count[768 + (l >>> 24)]!++;
    count[1024 + (h & 255)]!++;
    count[1280 + ((h >>> 8) & 255)]!++;
    count[1536 + ((h >>> 16) & 255)]!++;
    count[1792 + (h >>> 24)]!++;
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Int32Array(n);
  for (let pass = 0; pass < 8; pass++) {
    const base = pass * 256;
    const key = pass < 4 ? lo : hi;
    const shift = 8 * (pass & 3);
    let allOne = false;
    for (let d = 0; d < 256 && !allOne; d++) allOne = count[base + d] === n;
    if (allOne) continue; // every key has the same byte here: the pass would not move anything
    let start = 0;
    for (let d = 0; d < 256; d++) {
      const c = count[base + d]!;
      count[base + d] = start;
      start += c;
    }
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const slot = base + ((key[i]! >>> shift) & 255);
      next[count[slot]!] = i;
      count[slot]!++;
    }
    const done = order;
    order = next;
    next = done;
  }
  return order;
}

/**
 * Average ranks, 1-based: tied values share the mean of the positions they span ([10, 20, 20, 30]
 * -> [1, 2.5, 2.5, 4]), so a tie favours neither stock. Values must not be NaN.
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = argsort(values);
  const ranks = new Float64Array(n);
  for (let k = 0; k < n; ) {
    const v = values[order[k]!]!;
    let e = k + 1;
    while (e < n && values[order[e]!] === v) e++;
    const r = (k + 1 + e) / 2; // mean of positions k+1 .. e
    for (let i = k; i < e; i++) ranks[order[i]!] = r;
    k = e;
  }
  return ranks;
}

/** Pearson correlation of x and y, weighted by w when given (weights > 0); NaN when either has no dispersion or n < 2. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  let sw = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    sw += wi;
    mx += wi * x[i]!;
    my += wi * y[i]!;
  }
  mx /= sw;
  my /= sw;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  let rawX = 0;
  let rawY = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += wi * dx * dy;
    sxx += wi * dx * dx;
    syy += wi * dy * dy;
    rawX += wi * x[i]! * x[i]!;
    rawY += wi * y[i]! * y[i]!;
  }
  // No dispersion, relative to the values' size: equal values can leave rounding residue, not an exact 0.
  if (!(sxx > 1e-20 * rawX) || !(syy > 1e-20 * rawY)) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman rank correlation: Pearson of the average ranks (weights, if any, apply to the ranks' correlation, not to the ranking). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y), w);
}

/**
 * The quantile of each stock of a cross-section: 0 for the lowest scores .. quantiles - 1 for the
 * highest, -1 where the value is NaN. Equal counts: the k-th of m stocks in score order goes to
 * floor(k * quantiles / m), so sizes differ by at most one; ties are broken by stock index, so the
 * split is deterministic.
 */
export function quantileOf(values: ArrayLike<number>, quantiles: number): Int32Array {
  checkInteger('quantileOf', 'quantiles', quantiles, 1);
  const n = values.length;
  const out = new Int32Array(n).fill(-1);
  const known: number[] = [];
  for (let j = 0; j < n; j++) if (!Number.isNaN(values[j]!)) known.push(j);
  const m = known.length;
  // argsort is stable and `known` is in index order, so tied scores keep stock-index order.
  const order = argsort(Float64Array.from(known, (j) => values[j]!));
  for (let k = 0; k < m; k++) out[known[order[k]!]!] = Math.floor((k * quantiles) / m);
  return out;
}

/** The row of date t of a date-major matrix (a view). */
const row = (m: Float64Array, t: number, n: number): Float64Array => m.subarray(t * n, (t + 1) * n);

function meanOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length > 0 ? s / x.length : Number.NaN;
}

function sdOf(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const m = meanOf(x);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** The finite values of a series, in date order. */
function finiteValues(x: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out.push(x[i]!);
  return Float64Array.from(out);
}

/**
 * Block-bootstrap interval of the mean of a series' finite values. Dates without a value are
 * dropped first (they carry nothing), which joins the dates either side of a gap into one block
 * now and then; the block is at least `horizon` long because overlapping forward returns make
 * neighbouring values dependent over horizon - 1 dates.
 */
export function meanInterval(series: ArrayLike<number>, horizon: number, bootstrap: BootstrapOptions = {}): Interval {
  const x = finiteValues(series);
  const blockLength = Math.max(horizon, bootstrap.blockLength ?? defaultBlockLength(x.length), 1);
  return blockBootstrap(
    x.length,
    (idx) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += x[idx[i]!]!;
      return idx.length > 0 ? s / idx.length : Number.NaN;
    },
    { ...bootstrap, blockLength },
  );
}

// ---------------------------------------------------------------------------------------------
// 1. Forward returns

/**
 * Forward returns over `horizon` dates: at (t, j), prod over s = t+1 .. t+horizon of (1 + ret[s, j]) - 1.
 * NaN where
 *  - t + horizon is past the panel's last date (the window is not all known);
 *  - the stock is not tradable on t (it could not be bought at that close);
 *  - the stock trades on none of the window's dates (no price seen; for horizon 1, suspended on t+1);
 *  - the stock trades on a window date whose return is unknown.
 * Dates inside the window on which the stock is suspended add nothing: its price does not move
 * while suspended and the return of the day it resumes spans the gap, so the compounded product of
 * the days it traded is its return over the window. A stock delisted inside the window keeps the
 * return up to its last trade (what a holder got until the exit; the rest of the window is unknown).
 */
export function forwardReturns(p: Pick<AnalysisPanel, 'dates' | 'codes' | 'ret' | 'tradable'>, horizon = 1): ForwardReturns {
  checkInteger('forwardReturns', 'horizon', horizon, 1);
  checkMatrix('forwardReturns', 'ret', p.ret, p);
  checkMatrix('forwardReturns', 'tradable', p.tradable, p);
  const T = p.dates.length;
  const N = p.codes.length;
  const out = new Float64Array(T * N).fill(Number.NaN);
  // Date by date, stocks innermost: the matrices are date-major, so this walks memory in order.
  const growth = new Float64Array(N);
  const traded = new Int32Array(N); // days traded in the window; -1 once a traded day's return is unknown
  for (let t = 0; t + horizon < T; t++) {
    growth.fill(1);
    traded.fill(0);
    for (let s = t + 1; s <= t + horizon; s++) {
      for (let j = 0; j < N; j++) {
        if (p.tradable[s * N + j] !== 1 || traded[j]! < 0) continue;
        const r = p.ret[s * N + j]!;
        if (Number.isFinite(r)) {
          growth[j] = growth[j]! * (1 + r);
          traded[j] = traded[j]! + 1;
        } else traded[j] = -1;
      }
    }
    for (let j = 0; j < N; j++) if (p.tradable[t * N + j] === 1 && traded[j]! > 0) out[t * N + j] = growth[j]! - 1;
  }
  return { horizon, values: out };
}

// ---------------------------------------------------------------------------------------------
// 2-3. Information coefficient

/**
 * Per-date IC (Pearson) or Rank IC (Spearman, the default) of the score at t with the forward
 * return from t, over stocks with both finite (and a positive weight, when weighted).
 */
export function informationCoefficient(score: Float64Array, fwd: ForwardReturns, p: PanelShape, o: IcOptions = {}): IcSeries {
  const fn = 'informationCoefficient';
  checkMatrix(fn, 'score', score, p);
  checkMatrix(fn, 'forward returns', fwd.values, p);
  if (o.weights) checkMatrix(fn, 'weights', o.weights, p);
  const method = o.method ?? 'spearman';
  const minStocks = o.minStocks ?? MIN_STOCKS;
  checkInteger(fn, 'minStocks', minStocks, 2);
  const T = p.dates.length;
  const N = p.codes.length;
  const values = new Float64Array(T).fill(Number.NaN);
  const counts = new Int32Array(T);
  const xs = new Float64Array(N);
  const ys = new Float64Array(N);
  const ws = new Float64Array(N);
  for (let t = 0; t < T; t++) {
    let m = 0;
    for (let j = 0; j < N; j++) {
      const i = t * N + j;
      const x = score[i]!;
      const y = fwd.values[i]!;
      const w = o.weights ? o.weights[i]! : 1;
      if (!Number.isFinite(x) || !Number.isFinite(y) || !(w > 0 && Number.isFinite(w))) continue;
      xs[m] = x;
      ys[m] = y;
      ws[m] = w;
      m++;
    }
    counts[t] = m;
    if (m < minStocks) continue;
    const x = xs.subarray(0, m);
    const y = ys.subarray(0, m);
    const w = o.weights ? ws.subarray(0, m) : undefined;
    values[t] = method === 'pearson' ? pearson(x, y, w) : spearman(x, y, w);
  }
  return { method, horizon: fwd.horizon, dates: p.dates, values, counts };
}

/** Mean IC with its interval, spread, information ratio, t-statistic and hit rate. */
export function icSummary(series: IcSeries, o: SummaryOptions = {}): IcSummary {
  const periodsPerYear = o.periodsPerYear ?? 250;
  if (!(periodsPerYear > 0)) throw new RangeError(`icSummary: periodsPerYear is ${periodsPerYear}; it must be > 0`);
  const x = finiteValues(series.values);
  const n = x.length;
  const mean = meanOf(x);
  const sd = sdOf(x);
  const icir = mean / sd;
  let positive = 0;
  for (let i = 0; i < n; i++) if (x[i]! > 0) positive++;
  return {
    method: series.method,
    horizon: series.horizon,
    mean,
    interval: meanInterval(x, series.horizon, o.bootstrap),
    sd,
    icir,
    icirAnnualised: icir * Math.sqrt(periodsPerYear / series.horizon),
    tStat: mean / (sd / Math.sqrt(n)),
    positiveShare: n > 0 ? positive / n : Number.NaN,
    dates: n,
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Quantile returns and the long-short spread

/**
 * Non-overlapping periods of a per-date series of horizon-day returns, chosen greedily from the
 * first date: a date with a value starts a period when the previous period has ended. Returns the
 * chosen start dates.
 */
function nonOverlappingStarts(series: Float64Array, horizon: number): number[] {
  const starts: number[] = [];
  let free = 0;
  for (let t = 0; t < series.length; t++) {
    if (t < free || !Number.isFinite(series[t]!)) continue;
    starts.push(t);
    free = t + horizon;
  }
  return starts;
}

/**
 * The spread's statistics. Multi-day horizons: the mean and its interval use every date (the block
 * bootstrap copes with the overlap), while the Sharpe ratio and the cumulative curve use
 * non-overlapping periods only, so they compound and annualise returns a book could have earned
 * (no conversion of horizon-day returns to daily rates).
 */
export function spreadSummary(series: Float64Array, horizon: number, o: SummaryOptions = {}): SpreadSummary {
  checkInteger('spreadSummary', 'horizon', horizon, 1);
  const periodsPerYear = o.periodsPerYear ?? 250;
  const starts = nonOverlappingStarts(series, horizon);
  const periodReturns = Float64Array.from(starts, (t) => series[t]!);
  const realised = new Float64Array(series.length).fill(Number.NaN);
  // A period started at t pays at the close of t + horizon (inside the panel: its return is known).
  for (const t of starts) if (t + horizon < series.length) realised[t + horizon] = series[t]!;
  const cumulative = new Float64Array(series.length);
  let wealth = 1;
  for (let t = 0; t < series.length; t++) {
    if (Number.isFinite(realised[t]!)) wealth *= 1 + realised[t]!;
    cumulative[t] = wealth - 1;
  }
  const interval = meanInterval(series, horizon, o.bootstrap);
  return {
    series,
    mean: interval.estimate,
    interval,
    sharpe: (meanOf(periodReturns) / sdOf(periodReturns)) * Math.sqrt(periodsPerYear / horizon),
    periods: starts.length,
    cumulative,
  };
}

/**
 * Per date, the stocks with a score and a forward return (and a positive float cap, when
 * cap-weighting) split into equal-count quantiles by score (quantileOf), and each quantile's mean
 * forward return, equal- or float-cap-weighted (cap at t, known when the score is). Returns are
 * horizon-day returns, not daily rates; the spread is the top quantile less the bottom one
 * (spreadSummary says how horizons above 1 are handled).
 */
export function quantileReturns(score: Float64Array, fwd: ForwardReturns, p: Pick<AnalysisPanel, 'dates' | 'codes' | 'floatCap'>, o: QuantileOptions = {}): QuantileReturns {
  const fn = 'quantileReturns';
  checkMatrix(fn, 'score', score, p);
  checkMatrix(fn, 'forward returns', fwd.values, p);
  const Q = o.quantiles ?? 10;
  checkInteger(fn, 'quantiles', Q, 2);
  const weights = o.weights ?? 'equal';
  if (weights === 'cap') checkMatrix(fn, 'floatCap', p.floatCap, p);
  const minStocks = Math.max(o.minStocks ?? MIN_STOCKS, Q);
  const T = p.dates.length;
  const N = p.codes.length;
  const returns = new Float64Array(T * Q).fill(Number.NaN);
  const counts = new Int32Array(T * Q);
  const eligible = new Float64Array(N);
  const sum = new Float64Array(Q);
  const weightSum = new Float64Array(Q);
  for (let t = 0; t < T; t++) {
    const s = row(score, t, N);
    const y = row(fwd.values, t, N);
    const cap = weights === 'cap' ? row(p.floatCap, t, N) : undefined;
    let m = 0;
    for (let j = 0; j < N; j++) {
      const ok = Number.isFinite(s[j]!) && Number.isFinite(y[j]!) && (cap === undefined || (cap[j]! > 0 && Number.isFinite(cap[j]!)));
      eligible[j] = ok ? s[j]! : Number.NaN;
      if (ok) m++;
    }
    if (m < minStocks) continue;
    const q = quantileOf(eligible, Q);
    sum.fill(0);
    weightSum.fill(0);
    for (let j = 0; j < N; j++) {
      const k = q[j]!;
      if (k < 0) continue;
      const w = cap ? cap[j]! : 1;
      sum[k] = sum[k]! + w * y[j]!;
      weightSum[k] = weightSum[k]! + w;
      counts[t * Q + k]!++;
    }
    for (let k = 0; k < Q; k++) returns[t * Q + k] = sum[k]! / weightSum[k]!;
  }
  const spread = Float64Array.from({ length: T }, (_, t) => returns[t * Q + Q - 1]! - returns[t * Q]!);
  const summaryOptions: SummaryOptions = { periodsPerYear: o.periodsPerYear ?? 250, bootstrap: o.bootstrap ?? {} };
  const mean = Array.from({ length: Q }, (_, k) =>
    meanInterval(
      Float64Array.from({ length: T }, (__, t) => returns[t * Q + k]!),
      fwd.horizon,
      o.bootstrap,
    ),
  );
  return { horizon: fwd.horizon, quantiles: Q, weights, dates: p.dates, returns, counts, mean, spread: spreadSummary(spread, fwd.horizon, summaryOptions) };
}

// ---------------------------------------------------------------------------------------------
// 5. Turnover

/**
 * Per date, for the top and the bottom quantile, 1 - |names in it now and on the previous date| /
 * |names in it now|: the share of the quantile a rebalance would replace. Membership is by score
 * alone (stocks with a finite score, quantileOf), so it needs no forward return and runs to the
 * last date. A score redrawn at random each date has an expected turnover of 1 - k/N for a
 * quantile of k of N stocks (about 1 - 1/quantiles).
 */
export function quantileTurnover(score: Float64Array, p: PanelShape, o: TurnoverOptions = {}): QuantileTurnover {
  const fn = 'quantileTurnover';
  checkMatrix(fn, 'score', score, p);
  const Q = o.quantiles ?? 10;
  checkInteger(fn, 'quantiles', Q, 2);
  const minStocks = Math.max(o.minStocks ?? MIN_STOCKS, Q);
  const T = p.dates.length;
  const N = p.codes.length;
  const top = new Float64Array(T).fill(Number.NaN);
  const bottom = new Float64Array(T).fill(Number.NaN);
  let previous: Int32Array | null = null;
  for (let t = 0; t < T; t++) {
    const s = row(score, t, N);
    let m = 0;
    for (let j = 0; j < N; j++) if (Number.isFinite(s[j]!)) m++;
    // Infinite scores are treated as missing, like NaN.
    const current: Int32Array | null = m >= minStocks ? quantileOf(Float64Array.from(s, (v) => (Number.isFinite(v) ? v : Number.NaN)), Q) : null;
    if (current && previous) {
      top[t] = replacedShare(current, previous, Q - 1);
      bottom[t] = replacedShare(current, previous, 0);
    }
    previous = current;
  }
  return { quantiles: Q, dates: p.dates, top, bottom, meanTop: meanOf(finiteValues(top)), meanBottom: meanOf(finiteValues(bottom)) };
}

/** 1 - overlap / size of quantile k now, against the previous date's quantile k. */
function replacedShare(current: Int32Array, previous: Int32Array, k: number): number {
  let size = 0;
  let kept = 0;
  for (let j = 0; j < current.length; j++) {
    if (current[j] !== k) continue;
    size++;
    if (previous[j] === k) kept++;
  }
  return size > 0 ? 1 - kept / size : Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// 6. Autocorrelation

/** Per date, the Spearman correlation of the score with itself `lag` dates earlier (a slow-moving score trades little). */
export function factorAutocorrelation(score: Float64Array, p: PanelShape, o: AutocorrelationOptions = {}): FactorAutocorrelation {
  const fn = 'factorAutocorrelation';
  checkMatrix(fn, 'score', score, p);
  const lag = o.lag ?? 1;
  checkInteger(fn, 'lag', lag, 1);
  const minStocks = o.minStocks ?? MIN_STOCKS;
  checkInteger(fn, 'minStocks', minStocks, 2);
  const T = p.dates.length;
  const N = p.codes.length;
  const values = new Float64Array(T).fill(Number.NaN);
  const xs = new Float64Array(N);
  const ys = new Float64Array(N);
  for (let t = lag; t < T; t++) {
    let m = 0;
    for (let j = 0; j < N; j++) {
      const x = score[t * N + j]!;
      const y = score[(t - lag) * N + j]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      xs[m] = x;
      ys[m] = y;
      m++;
    }
    if (m >= minStocks) values[t] = spearman(xs.subarray(0, m), ys.subarray(0, m));
  }
  return { lag, dates: p.dates, values, mean: meanOf(finiteValues(values)) };
}

// ---------------------------------------------------------------------------------------------
// 7-8. Decay and the tear sheet

/** Mean Rank IC (with its interval) at each horizon: how fast what the score knows is priced in. */
export function icDecay(score: Float64Array, p: Pick<AnalysisPanel, 'dates' | 'codes' | 'ret' | 'tradable'>, horizons: readonly number[] = [1, 5, 10, 21], o: DecayOptions = {}): DecayPoint[] {
  return horizons.map((h) => {
    const series = informationCoefficient(score, forwardReturns(p, h), p, { method: 'spearman', weights: o.weights, minStocks: o.minStocks });
    return { horizon: h, summary: icSummary(series, o) };
  });
}

/** Every section of the tear sheet for one score, at one horizon (and the decay over several). */
export function tearSheet(score: Float64Array, p: AnalysisPanel, o: TearSheetOptions = {}): TearSheet {
  const horizon = o.horizon ?? 1;
  const quantiles = o.quantiles ?? 10;
  const minStocks = o.minStocks ?? MIN_STOCKS;
  const summaryOptions: SummaryOptions = { periodsPerYear: o.periodsPerYear ?? 250, bootstrap: o.bootstrap ?? {} };
  const fwd = forwardReturns(p, horizon);
  const section = (method: IcMethod): IcSection => {
    const series = informationCoefficient(score, fwd, p, { method, weights: o.icWeights, minStocks });
    return { series, summary: icSummary(series, summaryOptions) };
  };
  const rankIc = section('spearman');
  const decayOptions: DecayOptions = { ...summaryOptions, weights: o.icWeights, minStocks };
  return {
    horizon,
    ic: section('pearson'),
    rankIc,
    quantiles: quantileReturns(score, fwd, p, { quantiles, weights: o.quantileWeights ?? 'equal', minStocks, ...summaryOptions }),
    turnover: quantileTurnover(score, p, { quantiles, minStocks }),
    autocorrelation: factorAutocorrelation(score, p, { lag: o.autocorrelationLag ?? 1, minStocks }),
    // The decay point at the sheet's own horizon is the Rank IC above (same inputs), not computed twice.
    decay: (o.decayHorizons ?? [1, 5, 10, 21]).map((h) => (h === horizon ? { horizon: h, summary: rankIc.summary } : icDecay(score, p, [h], decayOptions)[0]!)),
  };
}
