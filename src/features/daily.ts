// Daily feature matrix for one product's continuous main contract, plus curve (cross-product)
// features. Every value at day i uses data up to the close of day i only (see
// test/features/daily.test.ts, "no look-ahead").
//
// Back-adjustment: with ratio adjustment (src/data/continuous.ts) a later roll multiplies ALL
// earlier prices by one constant. Every price feature here is scale-free (log returns, ratios to
// close, RSI, %B, ADX), so later rolls do not change earlier feature values — no look-ahead through
// the adjustment. With difference adjustment that no longer holds exactly (range, gap, ATR/close,
// MACD/close shift slightly); prefer ratio adjustment as input.

import { adx, atr, bollingerPctB, macdHist, rsi } from './indicators.js';
import { logChange, rollingSd, rollingZ } from './rolling.js';
import type { Product } from '../market/specs.js';

/** One product's continuous (back-adjusted) main contract, ascending dates. */
export interface DailyBars {
  /** Day numbers (days since 1970-01-01), strictly increasing. */
  date: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  openInterest: Float64Array;
}

/** columns[j][i] = feature names[j] at day i; NaN where undefined (warm-up, missing data). */
export interface FeatureMatrix {
  names: readonly string[];
  n: number;
  columns: Float64Array[];
}

export interface DailyFeatureOptions {
  /** Log-return horizons in days; one column `ret_<h>` each. */
  returnHorizons: readonly number[];
  /** Window of the realised-volatility sd (`rvol_<w>`). */
  rvolWindow: number;
  rsiPeriod: number;
  macdFast: number;
  macdSlow: number;
  macdSignal: number;
  bbPeriod: number;
  bbSd: number;
  atrPeriod: number;
  adxPeriod: number;
  /** Trailing window of the volume / open-interest change z-scores. */
  zWindow: number;
}

export const DEFAULT_DAILY_OPTIONS: Readonly<DailyFeatureOptions> = Object.freeze({
  returnHorizons: Object.freeze([1, 5, 20]),
  rvolWindow: 20,
  rsiPeriod: 14,
  macdFast: 12,
  macdSlow: 26,
  macdSignal: 9,
  bbPeriod: 20,
  bbSd: 2,
  atrPeriod: 14,
  adxPeriod: 14,
  zWindow: 60,
});

/**
 * Column names for given options, in column order. Names carry the periods that are part of the
 * feature's identity (`ret_5`, `rsi_14`); MACD/BB sd/z window are not in the names.
 */
export function dailyFeatureNames(opts: Partial<DailyFeatureOptions> = {}): string[] {
  const o = { ...DEFAULT_DAILY_OPTIONS, ...opts };
  return [
    ...o.returnHorizons.map((h) => `ret_${h}`),
    `rvol_${o.rvolWindow}`,
    `rsi_${o.rsiPeriod}`,
    'macd_hist',
    `bb_pctb_${o.bbPeriod}`,
    `atr_${o.atrPeriod}_rel`,
    `adx_${o.adxPeriod}`,
    'vol_chg_z',
    'oi_chg_z',
    'range',
    'gap',
  ];
}

/** Column names of dailyFeatures() with default options, in column order. */
export const DAILY_FEATURES: readonly string[] = Object.freeze(dailyFeatureNames());

/**
 * Throws a clear Error unless all arrays have the same length, dates strictly increase, and closes
 * are finite and positive. open/high/low/volume/openInterest may hold NaN (no-trade days).
 */
export function validateDailyBars(bars: DailyBars, label = 'bars'): void {
  const n = bars.date.length;
  for (const key of ['open', 'high', 'low', 'close', 'volume', 'openInterest'] as const) {
    if (bars[key].length !== n) throw new Error(`${label}: ${key} has length ${bars[key].length}, date has ${n}`);
  }
  for (let i = 1; i < n; i++) {
    if (!(bars.date[i]! > bars.date[i - 1]!)) {
      throw new Error(`${label}: dates must be strictly increasing; date[${i}] = ${bars.date[i]} after date[${i - 1}] = ${bars.date[i - 1]}`);
    }
  }
  for (let i = 0; i < n; i++) {
    const c = bars.close[i]!;
    if (!(Number.isFinite(c) && c > 0)) throw new Error(`${label}: close[${i}] = ${c} is not a finite positive price`);
  }
}

/** Missing open/high/low (no-trade day) → the close: a flat bar, so the recursive indicators go on. */
function filled(x: Float64Array, close: Float64Array): Float64Array {
  return x.map((v, i) => (Number.isFinite(v) ? v : close[i]!));
}

/**
 * Daily features (columns in DAILY_FEATURES order with default options):
 * - ret_h: log(close_i / close_{i-h});
 * - rvol_w: sample sd of ret_1 over the last w days (daily, not annualised);
 * - rsi_n: Wilder RSI, 0..100;
 * - macd_hist: MACD(12,26,9) histogram / close (scale-free);
 * - bb_pctb_n: Bollinger %B (n, k population sd);
 * - atr_n_rel: Wilder ATR / close;
 * - adx_n: Wilder ADX, 0..100;
 * - vol_chg_z, oi_chg_z: log((x_i+1)/(x_{i-1}+1)) z-scored over the trailing zWindow values (current
 *   included). The +1 keeps zero-volume days finite; volumes are thousands of lots, so it is
 *   negligible otherwise. NB: openInterest of a continuous series jumps on roll days.
 * - range: (high - low) / close;
 * - gap: log(open_i / close_{i-1}) (overnight gap).
 * Missing open/high/low are taken as the close (see filled()); NaN volume/OI give NaN z-scores
 * while they are in the window.
 */
export function dailyFeatures(bars: DailyBars, opts: Partial<DailyFeatureOptions> = {}): FeatureMatrix {
  validateDailyBars(bars);
  const o = { ...DEFAULT_DAILY_OPTIONS, ...opts };
  const n = bars.date.length;
  const close = bars.close;
  const open = filled(bars.open, close);
  const high = filled(bars.high, close);
  const low = filled(bars.low, close);

  const ret1 = logChange(close, 1);
  const perClose = (x: Float64Array): Float64Array => x.map((v, i) => v / close[i]!);
  const plusOne = (x: Float64Array): Float64Array => x.map((v) => v + 1);
  const range = new Float64Array(n);
  const gap = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    range[i] = (high[i]! - low[i]!) / close[i]!;
    if (i > 0) gap[i] = Math.log(open[i]! / close[i - 1]!);
  }

  const columns = [
    ...o.returnHorizons.map((h) => (h === 1 ? ret1 : logChange(close, h))),
    rollingSd(ret1, o.rvolWindow, 1),
    rsi(close, o.rsiPeriod),
    perClose(macdHist(close, o.macdFast, o.macdSlow, o.macdSignal)),
    bollingerPctB(close, o.bbPeriod, o.bbSd),
    perClose(atr(high, low, close, o.atrPeriod)),
    adx(high, low, close, o.adxPeriod),
    rollingZ(logChange(plusOne(bars.volume), 1), o.zWindow),
    rollingZ(logChange(plusOne(bars.openInterest), 1), o.zWindow),
    range,
    gap,
  ];
  const names = dailyFeatureNames(o);
  return { names, n, columns };
}

// ---- curve features ------------------------------------------------------------------------------

/**
 * Neighbours on the curve TS(2Y) - TF(5Y) - T(10Y) - TL(30Y) used for the spreads. T is paired with
 * TF only, not TL: TL trades from 2023-04, so a T-TL column would be NaN over most of T's history.
 */
export const CURVE_NEIGHBOURS: Readonly<Record<Product, readonly Product[]>> = Object.freeze({
  TS: ['TF'],
  TF: ['TS', 'T'],
  T: ['TF'],
  TL: ['T'],
});

/** Horizons (days) of the curve return spreads. */
export const CURVE_HORIZONS: readonly number[] = Object.freeze([1, 5]);

/** Column names of curveFeatures(…, product), in column order: spread_<P>_<Q>_<h>. */
export function curveFeatureNames(product: Product): string[] {
  return CURVE_NEIGHBOURS[product].flatMap((q) => CURVE_HORIZONS.map((h) => `spread_${product}_${q}_${h}`));
}

/** The other product's closes placed on `dates` (NaN where it has no bar that day). */
function alignCloses(dates: Int32Array, other: DailyBars): Float64Array {
  const out = new Float64Array(dates.length).fill(NaN);
  let j = 0;
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    while (j < other.date.length && other.date[j]! < d) j++; // both ascending: merge walk
    if (j < other.date.length && other.date[j] === d) out[i] = other.close[j]!;
  }
  return out;
}

/**
 * Curve slope proxies for `product`, on own's dates: spread_<P>_<Q>_<h> = ret_h(P) - ret_h(Q) for
 * each curve neighbour Q and h in CURVE_HORIZONS, ret_h = log(close_i / close_{i-h}) over own's
 * rows. Q's closes are first aligned to own's dates, so both legs span the same two dates; a date
 * Q lacks gives NaN at that row and at the h rows after it (never a value shifted from another
 * day). A neighbour absent from `others` gives an all-NaN column, so the column set per product is
 * fixed.
 */
export function curveFeatures(own: DailyBars, others: Partial<Record<Product, DailyBars>>, product: Product): FeatureMatrix {
  validateDailyBars(own, product);
  const n = own.date.length;
  const columns: Float64Array[] = [];
  for (const q of CURVE_NEIGHBOURS[product]) {
    const other = others[q];
    if (other) validateDailyBars(other, q);
    const qClose = other ? alignCloses(own.date, other) : new Float64Array(n).fill(NaN);
    for (const h of CURVE_HORIZONS) {
      const a = logChange(own.close, h);
      const b = logChange(qClose, h);
      columns.push(a.map((v, i) => v - b[i]!));
    }
  }
  return { names: curveFeatureNames(product), n, columns };
}
