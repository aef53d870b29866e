// Barra CNE5-style style descriptors of the A-share panel (issue 19): pure maths over the panel's
// date-major matrices, no I/O. Definitions follow the Barra China Equity Model (CNE5) descriptor
// methodology, with the USE4 conventions it shares (exponential weights by half-life, excess
// returns); where our data cannot support a CNE5 descriptor the substitute is stated at the function.
//
// Convention shared by every descriptor here:
//   - the output is date-major like the panel (index t * codes.length + j), NaN where not computable;
//   - the value at date t reads panel rows <= t only, and fundamentals only through pointInTime()
//     (reports announced strictly before dates[t]): nothing from the future, by construction;
//   - return-based descriptors use returns in excess of an optional daily risk-free series
//     (`riskFree`, a fraction per trading day, one per date; default 0);
//   - trailing windows count panel rows (market trading days). A day the stock did not trade is
//     skipped, not re-indexed: a day's weight depends on how many trading days ago it was;
//   - values are computed wherever the inputs allow, suspended days included: choosing the
//     estimation universe, winsorising, standardising and orthogonalising (Residual Volatility
//     to Beta and Size, non-linear size from standardised Size) belong to the cross-section step.

import { partialReport, pointInTime, type FundamentalField, type FundamentalReport, type StockPanel } from './panel.js';

type Grid = Pick<StockPanel, 'codes' | 'dates'>;
type ReturnPanel = Grid & Pick<StockPanel, 'ret' | 'tradable'>;
type FundamentalPanel = Grid & Pick<StockPanel, 'fundamentals'>;

/** A daily risk-free rate per date (a fraction per trading day); absent means 0. */
export interface RiskFreeOption {
  readonly riskFree?: ArrayLike<number>;
}

// ---------------------------------------------------------------------------------------------
// Checks and small helpers

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
}

function checkPositive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive number, got ${v}`);
}

/** The risk-free series as one value per date (zeros when not given). */
function riskFreeSeries(p: Grid, rf: ArrayLike<number> | undefined): Float64Array {
  const T = p.dates.length;
  if (rf === undefined) return new Float64Array(T);
  if (rf.length !== T) throw new RangeError(`riskFree must have one value per date (${T}), got ${rf.length}`);
  return Float64Array.from(rf);
}

/**
 * Exponential weights over a trailing window: w[k] is the weight of the day k trading days before
 * t (k = 0 is t itself), 0.5^(k / halfLife), so a day halfLife days back counts half as much
 * (the USE4/CNE5 half-life convention). Normalised to sum to 1 unless `normalise` is false.
 */
export function ewWeights(window: number, halfLife: number, normalise = true): Float64Array {
  checkInt('window', window, 1);
  checkPositive('halfLife', halfLife);
  const w = Float64Array.from({ length: window }, (_, k) => 0.5 ** (k / halfLife));
  if (!normalise) return w;
  let s = 0;
  for (const x of w) s += x;
  return w.map((x) => x / s);
}

/**
 * Weighted blend of descriptors, cell by cell: sum(w_k x_k) / sum(w_k) over the parts that are
 * finite in that cell, NaN where none is. Dropping a missing part and re-weighting the rest is the
 * USE4 practice for composite factors; it is how every composite below treats gaps.
 */
export function blend(parts: readonly (readonly [values: Float64Array, weight: number])[]): Float64Array {
  if (parts.length === 0) throw new RangeError('blend needs at least one part');
  const len = parts[0]![0].length;
  for (const [v, w] of parts) {
    if (v.length !== len) throw new RangeError(`blend parts must have the same length (${len}), got ${v.length}`);
    checkPositive('blend weight', w);
  }
  const values = parts.map(([v]) => v);
  const weights = parts.map(([, w]) => w);
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    let s = 0;
    let ws = 0;
    for (let k = 0; k < values.length; k++) {
      const x = values[k]![i]!;
      if (Number.isFinite(x)) {
        s += weights[k]! * x;
        ws += weights[k]!;
      }
    }
    out[i] = ws > 0 ? s / ws : Number.NaN;
  }
  return out;
}

/** Writes the observation's terms into `v` and returns true, or returns false (no observation that day). */
type Observe = (s: number, j: number, v: Float64Array) => boolean;
/** Receives, for cell i, the stock's running sums at state[off .. off + terms) and its observation count. */
type Emit = (i: number, state: Float64Array, off: number, count: number) => void;

/**
 * Exponentially weighted sums over a trailing window of panel rows, per stock. After row t,
 * sum_c = sum over k in [0, window) of lambda^k * term_c(t - lag - k), lambda = 0.5^(1/halfLife),
 * over the rows where the stock has an observation. Updated in O(1) per cell with
 * S_t = lambda * S_{t-1} + x_{t-lag} - lambda^window * x_{t-lag-window}; a row with no
 * observation adds nothing, so gaps need no ring buffer. O(T * N * terms) time, O(N * terms) state.
 * Rounding left by a subtraction is damped by lambda each row, so it cannot accumulate.
 */
function ewWindowSums(p: Grid, window: number, halfLife: number, lag: number, terms: number, observe: Observe, emit: Emit): void {
  const n = p.codes.length;
  const lam = 0.5 ** (1 / halfLife);
  const lamW = lam ** window;
  const state = new Float64Array(n * terms);
  const count = new Int32Array(n);
  const v = new Float64Array(terms);
  for (let t = 0; t < p.dates.length; t++) {
    const enter = t - lag;
    const leave = enter - window;
    for (let j = 0; j < n; j++) {
      const off = j * terms;
      for (let c = 0; c < terms; c++) state[off + c]! *= lam;
      if (enter >= 0 && observe(enter, j, v)) {
        for (let c = 0; c < terms; c++) state[off + c]! += v[c]!;
        count[j]!++;
      }
      if (leave >= 0 && observe(leave, j, v)) {
        for (let c = 0; c < terms; c++) state[off + c]! -= lamW * v[c]!;
        count[j]!--;
      }
      emit(t * n + j, state, off, count[j]!);
    }
  }
}

/** out[i] = f(i) for every cell. A plain loop: TypedArray.from with a map function is about ten times slower on a full panel. */
function cells(length: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = f(i);
  return out;
}

/**
 * Running totals along dates, per stock: out[t*n+j] = sum of value(s*n+j) over rows s <= t. A window
 * total is then a difference of two cells, O(1) per cell; totals only ever add past rows. The
 * difference carries rounding of order 1e-16 x the running total, far below any descriptor's precision.
 */
function prefixSums(p: Grid, value: (i: number) => number): Float64Array {
  const n = p.codes.length;
  const out = new Float64Array(p.dates.length * n);
  for (let t = 0; t < p.dates.length; t++) {
    for (let j = 0; j < n; j++) {
      const i = t * n + j;
      out[i] = (t > 0 ? out[i - n]! : 0) + value(i);
    }
  }
  return out;
}

/** Sum of rows (t - window, t] of a prefix-sum matrix for stock j (rows before 0 count as 0). */
function windowTotal(prefix: Float64Array, n: number, t: number, j: number, window: number): number {
  const s = t - window;
  return prefix[t * n + j]! - (s >= 0 ? prefix[s * n + j]! : 0);
}

/** The stock's log excess return ln(1+r) - ln(1+rf) on row s, or NaN when it did not trade; `logRf` holds ln(1+rf) per row. */
function logExcess(p: ReturnPanel, logRf: Float64Array, s: number, j: number): number {
  const i = s * p.codes.length + j;
  if (p.tradable[i] !== 1) return Number.NaN;
  const r = p.ret[i]!;
  return r > -1 ? Math.log1p(r) - logRf[s]! : Number.NaN; // NaN fails the test too
}

// ---------------------------------------------------------------------------------------------
// Market

/**
 * Daily return of the cap-weighted market: weights are each stock's float cap on the previous
 * row (carried forward from its last finite value, so a stock resuming after a suspension weighs
 * what it weighed when it stopped), over stocks tradable that day with a finite return. NaN on the
 * first row (no previous cap) and on days with no such stock. Reads rows <= t only.
 */
export function capWeightedMarket(p: Grid & Pick<StockPanel, 'ret' | 'tradable' | 'floatCap'>): Float64Array {
  const n = p.codes.length;
  const T = p.dates.length;
  const out = new Float64Array(T).fill(Number.NaN);
  const lastCap = new Float64Array(n).fill(Number.NaN);
  for (let t = 0; t < T; t++) {
    let num = 0;
    let den = 0;
    for (let j = 0; j < n; j++) {
      const i = t * n + j;
      const w = lastCap[j]!;
      const r = p.ret[i]!;
      if (w > 0 && p.tradable[i] === 1 && Number.isFinite(r)) {
        num += w * r;
        den += w;
      }
    }
    if (den > 0) out[t] = num / den;
    for (let j = 0; j < n; j++) {
      const c = p.floatCap[t * n + j]!;
      if (c > 0 && Number.isFinite(c)) lastCap[j] = c;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Beta and HSIGMA

export interface BetaOptions extends RiskFreeOption {
  /** Trailing trading days (CNE5: 252). */
  readonly window?: number;
  /** Half-life of the regression weights, trading days (CNE5: 63). */
  readonly halfLife?: number;
  /** Fewest days the stock traded in the window (CNE5-style: 63, a quarter). */
  readonly minObs?: number;
}

export interface BetaHsigma {
  readonly beta: Float64Array;
  readonly hsigma: Float64Array;
}

/**
 * CNE5 BETA and HSIGMA: per stock and date, the exponentially weighted least-squares regression
 * (with intercept) of the stock's daily excess return on the market's excess return over the
 * trailing `window` rows (default 252, half-life 63, weight 0.5^(k/63) for the day k rows back).
 * Days the stock did not trade (or the market is NaN) are skipped and do not count toward minObs.
 * BETA is the slope; HSIGMA is the weighted standard deviation of the residuals with the same
 * weights normalised over the days used (no degrees-of-freedom correction).
 * Complexity: O(T * N) time via running weighted moments (ewWindowSums), O(N) extra memory.
 */
export function betaAndHsigma(p: ReturnPanel, market: ArrayLike<number>, opts: BetaOptions = {}): BetaHsigma {
  const { window = 252, halfLife = 63, minObs = 63 } = opts;
  checkInt('window', window, 2);
  checkPositive('halfLife', halfLife);
  checkInt('minObs', minObs, 2);
  const T = p.dates.length;
  const n = p.codes.length;
  if (market.length !== T) throw new RangeError(`market must have one value per date (${T}), got ${market.length}`);
  const rf = riskFreeSeries(p, opts.riskFree);
  const beta = new Float64Array(T * n).fill(Number.NaN);
  const hsigma = new Float64Array(T * n).fill(Number.NaN);
  // Terms: 1, x, y, xx, xy, yy (x market excess, y stock excess).
  const observe: Observe = (s, j, v) => {
    const i = s * n + j;
    if (p.tradable[i] !== 1) return false;
    const x = market[s]! - rf[s]!;
    const y = p.ret[i]! - rf[s]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    v[0] = 1;
    v[1] = x;
    v[2] = y;
    v[3] = x * x;
    v[4] = x * y;
    v[5] = y * y;
    return true;
  };
  const emit: Emit = (i, st, o, count) => {
    if (count < minObs) return;
    const sw = st[o]!;
    const mx = st[o + 1]! / sw;
    const my = st[o + 2]! / sw;
    const exx = st[o + 3]! / sw;
    const vx = exx - mx * mx;
    if (!(vx > 1e-12 * exx)) return; // a flat market over the window: no slope
    const cxy = st[o + 4]! / sw - mx * my;
    const vy = st[o + 5]! / sw - my * my;
    const b = cxy / vx;
    beta[i] = b;
    hsigma[i] = Math.sqrt(Math.max(0, vy - b * cxy)); // residual variance = var(y) - beta * cov(x, y)
  };
  ewWindowSums(p, window, halfLife, 0, 6, observe, emit);
  return { beta, hsigma };
}

// ---------------------------------------------------------------------------------------------
// Momentum

export interface MomentumOptions extends RiskFreeOption {
  /** Trading days summed (CNE5: 504). */
  readonly window?: number;
  /** Most recent trading days left out, the short-term reversal month (CNE5: 21). */
  readonly lag?: number;
  /** Half-life of the weights, counted from the window's most recent day (CNE5: 126). */
  readonly halfLife?: number;
  /** Fewest traded days in the window (default: half the window). */
  readonly minObs?: number;
}

/**
 * CNE5 RSTR (relative strength): the exponentially weighted sum of daily log excess returns
 * ln(1+r) - ln(1+rf) over the `window` rows ending `lag` rows before t (default 504 days lagged 21,
 * half-life 126; the day m rows before the window's end weighs 0.5^(m/126)). Weights are
 * normalised to sum to 1 over the full window, so RSTR reads as an EW-average daily log excess
 * return; the scale is removed by standardisation anyway. A day the stock did not trade adds 0:
 * its price did not move, and the catch-up is in the return of the day it resumed.
 * Note: the broker weekly this project works from prints Residual Volatility's weights under
 * Momentum; this is the CNE5 definition, Momentum = RSTR alone.
 * Complexity: O(T * N) time (running sums), O(N) extra memory.
 */
export function momentum(p: ReturnPanel, opts: MomentumOptions = {}): Float64Array {
  const { window = 504, lag = 21, halfLife = 126 } = opts;
  const minObs = opts.minObs ?? Math.ceil(window / 2);
  checkInt('window', window, 1);
  checkInt('lag', lag, 0);
  checkPositive('halfLife', halfLife);
  checkInt('minObs', minObs, 1);
  const n = p.codes.length;
  const logRf = riskFreeSeries(p, opts.riskFree).map(Math.log1p);
  const out = new Float64Array(p.dates.length * n).fill(Number.NaN);
  const lam = 0.5 ** (1 / halfLife);
  let norm = 0;
  for (let k = 0; k < window; k++) norm += lam ** k;
  ewWindowSums(
    p,
    window,
    halfLife,
    lag,
    1,
    (s, j, v) => {
      const x = logExcess(p, logRf, s, j);
      v[0] = x;
      return Number.isFinite(x);
    },
    (i, st, o, count) => {
      if (count >= minObs) out[i] = st[o]! / norm;
    },
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Residual volatility: DASTD, CMRA, HSIGMA (above)

export interface DastdOptions extends RiskFreeOption {
  /** Trailing trading days (CNE5: 252). */
  readonly window?: number;
  /** Half-life of the weights (CNE5: 42). */
  readonly halfLife?: number;
  /** Fewest traded days in the window (default 63, as for Beta). */
  readonly minObs?: number;
}

/**
 * CNE5 DASTD: the exponentially weighted standard deviation of daily excess returns r - rf over
 * the trailing `window` rows (default 252, half-life 42), about their weighted mean, with the
 * weights normalised over the days the stock traded (skipped days would otherwise read as
 * zero-return days and understate volatility). No degrees-of-freedom correction.
 * Complexity: O(T * N) time (running sums), O(N) extra memory.
 */
export function dastd(p: ReturnPanel, opts: DastdOptions = {}): Float64Array {
  const { window = 252, halfLife = 42, minObs = 63 } = opts;
  checkInt('window', window, 2);
  checkPositive('halfLife', halfLife);
  checkInt('minObs', minObs, 2);
  const n = p.codes.length;
  const rf = riskFreeSeries(p, opts.riskFree);
  const out = new Float64Array(p.dates.length * n).fill(Number.NaN);
  ewWindowSums(
    p,
    window,
    halfLife,
    0,
    3,
    (s, j, v) => {
      const i = s * n + j;
      const y = p.ret[i]! - rf[s]!;
      if (p.tradable[i] !== 1 || !Number.isFinite(y)) return false;
      v[0] = 1;
      v[1] = y;
      v[2] = y * y;
      return true;
    },
    (i, st, o, count) => {
      if (count < minObs) return;
      const m = st[o + 1]! / st[o]!;
      out[i] = Math.sqrt(Math.max(0, st[o + 2]! / st[o]! - m * m));
    },
  );
  return out;
}

export interface CmraOptions extends RiskFreeOption {
  /** Months in the range (CNE5: 12). */
  readonly months?: number;
  /** Trading days per month (CNE5: 21). */
  readonly daysPerMonth?: number;
  /** Fewest traded days over the whole window (default: half of months x daysPerMonth). */
  readonly minObs?: number;
}

/**
 * CNE5 CMRA (cumulative range): Z(T) = sum of daily log excess returns ln(1+r) - ln(1+rf) over the
 * last T months (T = 1..months, months of `daysPerMonth` rows, t included); CMRA = max Z - min Z.
 * Why not ln(1 + Zmax) - ln(1 + Zmin), the form usually printed: that form is right when Z is a
 * simple cumulative return R (then ln(1+R) is the log return); with Z already a log return it
 * would take a log twice and is undefined for Z <= -1. max Z - min Z equals
 * ln(1 + Rmax) - ln(1 + Rmin) on simple cumulative returns R = exp(Z) - 1, so both readings agree.
 * A non-traded day adds 0 (price unchanged). NaN until the panel holds the full window, and where
 * the stock traded on fewer than minObs of its days.
 * Complexity: O(T * N * months) time, O(T * N) memory (running totals along dates).
 */
export function cmra(p: ReturnPanel, opts: CmraOptions = {}): Float64Array {
  const { months = 12, daysPerMonth = 21 } = opts;
  checkInt('months', months, 1);
  checkInt('daysPerMonth', daysPerMonth, 1);
  const window = months * daysPerMonth;
  const minObs = opts.minObs ?? Math.ceil(window / 2);
  checkInt('minObs', minObs, 1);
  const n = p.codes.length;
  const logRf = riskFreeSeries(p, opts.riskFree).map(Math.log1p);
  const x = cells(p.ret.length, (i) => {
    const t = Math.floor(i / n);
    return logExcess(p, logRf, t, i - t * n);
  });
  const cum = prefixSums(p, (i) => (Number.isFinite(x[i]!) ? x[i]! : 0));
  const traded = prefixSums(p, (i) => (Number.isFinite(x[i]!) ? 1 : 0));
  const out = new Float64Array(p.dates.length * n).fill(Number.NaN);
  for (let t = window - 1; t < p.dates.length; t++) {
    for (let j = 0; j < n; j++) {
      if (windowTotal(traded, n, t, j, window) < minObs) continue;
      let zMax = Number.NEGATIVE_INFINITY;
      let zMin = Number.POSITIVE_INFINITY;
      for (let m = 1; m <= months; m++) {
        const z = windowTotal(cum, n, t, j, m * daysPerMonth);
        if (z > zMax) zMax = z;
        if (z < zMin) zMin = z;
      }
      out[t * n + j] = zMax - zMin;
    }
  }
  return out;
}

/**
 * CNE5 Residual Volatility: 0.74 DASTD + 0.16 CMRA + 0.10 HSIGMA, cell by cell, a missing part
 * dropped and the rest re-weighted (blend). Pass the descriptors standardised: the cross-section
 * step standardises them first and orthogonalises the result to Beta and Size afterwards.
 */
export function residualVolatility(dastdZ: Float64Array, cmraZ: Float64Array, hsigmaZ: Float64Array): Float64Array {
  return blend([
    [dastdZ, 0.74],
    [cmraZ, 0.16],
    [hsigmaZ, 0.1],
  ]);
}

// ---------------------------------------------------------------------------------------------
// Liquidity

export interface LiquidityOptions {
  /** Trading days per month (CNE5: 21). */
  readonly daysPerMonth?: number;
  /** The stock must have traded on more than this share of the window's days (default 0.5: most days). */
  readonly minTradedShare?: number;
}

/**
 * ln(total turnover over the last `months` x daysPerMonth rows / months): ln of the average monthly
 * turnover. Suspended days (and NaN turnover) count as 0 turnover; NaN until the panel holds the
 * full window, where the stock traded on no more than minTradedShare of its days, or turnover is 0.
 */
function logMonthlyTurnover(p: Grid & Pick<StockPanel, 'turnover' | 'tradable'>, months: number, opts: LiquidityOptions): Float64Array {
  const { daysPerMonth = 21, minTradedShare = 0.5 } = opts;
  checkInt('daysPerMonth', daysPerMonth, 1);
  if (!(minTradedShare >= 0 && minTradedShare < 1)) throw new RangeError(`minTradedShare must be in [0, 1), got ${minTradedShare}`);
  const n = p.codes.length;
  const window = months * daysPerMonth;
  const turn = prefixSums(p, (i) => {
    const x = p.turnover[i]!;
    return p.tradable[i] === 1 && x > 0 ? x : 0; // NaN fails the test too
  });
  const traded = prefixSums(p, (i) => (p.tradable[i] === 1 ? 1 : 0));
  const out = new Float64Array(p.dates.length * n).fill(Number.NaN);
  for (let t = window - 1; t < p.dates.length; t++) {
    for (let j = 0; j < n; j++) {
      if (!(windowTotal(traded, n, t, j, window) > minTradedShare * window)) continue;
      const total = windowTotal(turn, n, t, j, window);
      if (total > 0) out[t * n + j] = Math.log(total / months);
    }
  }
  return out;
}

/** CNE5 STOM: ln of the turnover summed over the last month (21 trading days). See logMonthlyTurnover for gaps. */
export function stom(p: Grid & Pick<StockPanel, 'turnover' | 'tradable'>, opts: LiquidityOptions = {}): Float64Array {
  return logMonthlyTurnover(p, 1, opts);
}

/**
 * CNE5 STOQ: ln of the mean of exp(STOM) over the last 3 months. exp(STOM) is a month's turnover,
 * so this is ln(63-day turnover / 3), with the traded-days threshold applied to the 63 days.
 */
export function stoq(p: Grid & Pick<StockPanel, 'turnover' | 'tradable'>, opts: LiquidityOptions = {}): Float64Array {
  return logMonthlyTurnover(p, 3, opts);
}

/** CNE5 STOA: as STOQ over the last 12 months: ln(252-day turnover / 12). */
export function stoa(p: Grid & Pick<StockPanel, 'turnover' | 'tradable'>, opts: LiquidityOptions = {}): Float64Array {
  return logMonthlyTurnover(p, 12, opts);
}

/** CNE5 Liquidity: 0.35 STOM + 0.35 STOQ + 0.30 STOA, a missing part dropped and the rest re-weighted (blend). */
export function liquidity(stomX: Float64Array, stoqX: Float64Array, stoaX: Float64Array): Float64Array {
  return blend([
    [stomX, 0.35],
    [stoqX, 0.35],
    [stoaX, 0.3],
  ]);
}

// ---------------------------------------------------------------------------------------------
// Size

/**
 * CNE5 Size (LNCAP): ln(total market cap), falling back to ln(float cap) where the total cap is
 * NaN (share count unknown); NaN where neither is positive. Non-linear Size is built later from
 * standardised Size in the cross-section step.
 */
export function size(p: Grid & Pick<StockPanel, 'totalCap' | 'floatCap'>): Float64Array {
  return cells(p.totalCap.length, (i) => {
    const c = p.totalCap[i]!;
    if (c > 0 && Number.isFinite(c)) return Math.log(c);
    const f = p.floatCap[i]!;
    return f > 0 && Number.isFinite(f) && Number.isNaN(c) ? Math.log(f) : Number.NaN;
  });
}

// ---------------------------------------------------------------------------------------------
// Fundamentals (point in time)

/**
 * CNE5 BTOP: the panel's bookToPrice where given; else book equity from the latest report known
 * before t (pointInTime) over total cap on t. NaN where book <= 0, as the panel's own field.
 */
export function bookToPrice(p: FundamentalPanel & Pick<StockPanel, 'bookToPrice' | 'totalCap'>): Float64Array {
  const book = pointInTime(p, 'bookEquity');
  return cells(p.bookToPrice.length, (i) => {
    const bp = p.bookToPrice[i]!;
    if (Number.isFinite(bp)) return bp;
    const be = book[i]!;
    const cap = p.totalCap[i]!;
    return be > 0 && cap > 0 && Number.isFinite(cap) ? be / cap : Number.NaN;
  });
}

/**
 * Earnings Yield. CNE5 is 0.68 EPFWD + 0.11 CETOP + 0.21 ETOP; with no analyst forecasts EPFWD is
 * dropped and the rest re-weighted: (0.21 ETOP + 0.11 CETOP) / 0.32, from the panel's trailing
 * earningsToPrice and cashToPrice. ETOP alone where CETOP is missing (and CETOP alone where ETOP is).
 */
export function earningsYield(p: Pick<StockPanel, 'earningsToPrice' | 'cashToPrice'>): Float64Array {
  return blend([
    [p.earningsToPrice, 0.21],
    [p.cashToPrice, 0.11],
  ]);
}

/** A figure derived from one period's reports; `latest(period)` is that period's latest version known so far. */
type PeriodRule = (period: string, latest: (period: string) => FundamentalReport | undefined) => number;

/** Field of a derived report that carries the derived figure through pointInTime. */
const CARRIER: FundamentalField = 'netProfit';

function carrier(code: string, announced: string, period: string, value: number): FundamentalReport {
  return partialReport(code, announced, period, { [CARRIER]: value });
}

/**
 * A figure that needs several reports (same period a year earlier, last annual report) as known on
 * each date. At every announcement date of a stock, the rule is evaluated per period on the reports
 * announced on or before that date, and a derived report dated that day carries the figure; then
 * pointInTime picks, for each date, the latest period's figure announced strictly before it. So
 * every report behind a value at t was announced before t, and restatements take effect from their
 * own date. A period whose figure is not computable emits nothing: the latest computable period's
 * figure stays (e.g. revenue growth between half-year reports when quarterlies carry no revenue).
 */
function pointInTimeDerived(p: FundamentalPanel, rule: PeriodRule): Float64Array {
  const inPanel = new Set(p.codes);
  const byCode = new Map<string, FundamentalReport[]>();
  for (const r of p.fundamentals) {
    if (!inPanel.has(r.code)) continue;
    const list = byCode.get(r.code);
    if (list) list.push(r);
    else byCode.set(r.code, [r]);
  }
  const derived: FundamentalReport[] = [];
  for (const [code, reports] of byCode) {
    const sorted = [...reports].sort((a, b) => (a.announced < b.announced ? -1 : a.announced > b.announced ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    const latest = new Map<string, FundamentalReport>();
    const emitted = new Map<string, number>();
    for (let a = 0; a < sorted.length; ) {
      const day = sorted[a]!.announced;
      for (; a < sorted.length && sorted[a]!.announced === day; a++) latest.set(sorted[a]!.period, sorted[a]!);
      for (const period of latest.keys()) {
        const v = rule(period, (q) => latest.get(q));
        if (!Number.isFinite(v) || emitted.get(period) === v) continue;
        emitted.set(period, v);
        derived.push(carrier(code, day, period, v));
      }
    }
  }
  return pointInTime({ codes: p.codes, dates: p.dates, fundamentals: derived }, CARRIER);
}

/** The same period one year earlier ('2025-06-30' -> '2024-06-30'). */
const priorYear = (period: string): string => `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
const periodMonth = (period: string): number => Number(period.slice(5, 7));

/** Year-over-year growth of a year-to-date field: (x_P - x_{P-1y}) / |x_{P-1y}|. */
const yoy =
  (field: FundamentalField): PeriodRule =>
  (period, latest) => {
    const now = latest(period)?.[field] ?? Number.NaN;
    const before = latest(priorYear(period))?.[field] ?? Number.NaN;
    return before !== 0 ? (now - before) / Math.abs(before) : Number.NaN; // NaN inputs give NaN
  };

/**
 * Trailing twelve months of a year-to-date field: the annual figure for a December period; else
 * YTD_P + annual_{Y-1} - YTD_{P-1y} when the last annual report and the same period a year earlier
 * are both known; else the YTD figure annualised (Q1 x4, H1 x2, Q3 x4/3).
 */
const ttm =
  (field: FundamentalField): PeriodRule =>
  (period, latest) => {
    const ytd = latest(period)?.[field] ?? Number.NaN;
    const month = periodMonth(period);
    if (month === 12) return ytd;
    const annual = latest(`${Number(period.slice(0, 4)) - 1}-12-31`)?.[field] ?? Number.NaN;
    const sameLastYear = latest(priorYear(period))?.[field] ?? Number.NaN;
    if (Number.isFinite(annual) && Number.isFinite(sameLastYear)) return ytd + annual - sameLastYear;
    return (ytd * 12) / month;
  };

/** Year-over-year growth of year-to-date net profit, point in time (see pointInTimeDerived). */
export function profitGrowth(p: FundamentalPanel): Float64Array {
  return pointInTimeDerived(p, yoy('netProfit'));
}

/** Year-over-year growth of year-to-date revenue, point in time (see pointInTimeDerived). */
export function revenueGrowth(p: FundamentalPanel): Float64Array {
  return pointInTimeDerived(p, yoy('revenue'));
}

/**
 * Growth. CNE5 uses 5-year regressions of EPS and sales per share on time (plus analyst growth
 * forecasts); our data holds two years of quarterly reports, so: year-over-year growth of YTD net
 * profit and of YTD revenue (each against the same period a year earlier, both reports known
 * before t), combined 0.5 / 0.5 where both exist, either alone otherwise. Equal weights rather than
 * CNE5's actual-data ratio (about 1/3 earnings, 2/3 sales) because neither leg is the CNE5
 * descriptor and the sales leg is the staler one here (BaoStock gives revenue in half-year and
 * annual reports only). Profit growth explodes near a zero base: winsorise in the cross-section step.
 */
export function growth(p: FundamentalPanel): Float64Array {
  return blend([
    [profitGrowth(p), 0.5],
    [revenueGrowth(p), 0.5],
  ]);
}

/**
 * Leverage, CNE5: 0.38 MLEV + 0.35 DTOA + 0.27 BLEV, a missing part dropped and the rest re-weighted.
 * MLEV = (ME + LD) / ME with ME = total cap on t and LD long-term debt (A-shares: no preferred
 * equity, PE = 0); DTOA = total liabilities / total assets; BLEV = (BE + LD) / BE. Report figures
 * are point in time. The BaoStock reports we load carry none of LD, liabilities, assets or book
 * equity, so on the real panel Leverage is NaN; the synthetic market supplies them.
 */
export function leverage(p: FundamentalPanel & Pick<StockPanel, 'totalCap'>): Float64Array {
  const ld = pointInTime(p, 'longTermDebt');
  const tl = pointInTime(p, 'totalLiabilities');
  const ta = pointInTime(p, 'totalAssets');
  const be = pointInTime(p, 'bookEquity');
  const me = p.totalCap;
  const mlev = cells(me.length, (i) => {
    const m = me[i]!;
    return m > 0 && Number.isFinite(m) ? (m + ld[i]!) / m : Number.NaN;
  });
  const dtoa = cells(ta.length, (i) => (ta[i]! > 0 ? tl[i]! / ta[i]! : Number.NaN));
  const blev = cells(be.length, (i) => (be[i]! > 0 ? (be[i]! + ld[i]!) / be[i]! : Number.NaN));
  return blend([
    [mlev, 0.38],
    [dtoa, 0.35],
    [blev, 0.27],
  ]);
}

/** ROE over the trailing twelve months from the reports' YTD ROE (see ttm), point in time. */
export function roeTtm(p: FundamentalPanel): Float64Array {
  return pointInTimeDerived(p, ttm('roe'));
}

/** ROA: net profit over the trailing twelve months (see ttm) / the same report's total assets, point in time. */
export function roaTtm(p: FundamentalPanel): Float64Array {
  const np = ttm('netProfit');
  return pointInTimeDerived(p, (period, latest) => {
    const assets = latest(period)?.totalAssets ?? Number.NaN;
    return assets > 0 ? np(period, latest) / assets : Number.NaN;
  });
}

/**
 * Profitability (not one of CNE5's ten styles; CNE6 adds it): ROE TTM and ROA TTM combined 0.5 / 0.5
 * where both exist, either alone otherwise. TTM from consecutive YTD reports when the previous
 * annual report and the same period a year earlier are known, else the YTD figure annualised
 * (on the real data: 2024 quarters annualised, 2025 quarters TTM). ROA is NaN on the real data
 * (no total assets in the BaoStock reports), so there Profitability is ROE TTM.
 */
export function profitability(p: FundamentalPanel): Float64Array {
  return blend([
    [roeTtm(p), 0.5],
    [roaTtm(p), 0.5],
  ]);
}
