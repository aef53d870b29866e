// The store edge of the dataset builder: a product's continuous main contract (built afresh from
// the daily bars, up to the last date asked for, so nothing later is even read) and the intraday
// bars of each day's main contract. Everything after this is pure.

import { buildContinuous, loadDailyBars, type Store } from '../data/index.js';
import { BftError } from '../errors.js';
import type { MinuteDayBars } from '../features/minute.js';
import { dayNumber } from '../market/calendar.js';
import { PRODUCTS, type Product } from '../market/specs.js';

/** One product's continuous main contract (OI rule, ratio back-adjusted), ascending dates. */
export interface ContinuousDaily {
  readonly product: Product;
  readonly date: Int32Array;
  /** The main contract of each day (the one whose bars the row holds). */
  readonly contract: readonly string[];
  /** Back-adjusted prices (ratio: returns across a roll are the new contract's own). */
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** The contract's own prices, for moves in ticks. */
  readonly rawOpen: Float64Array;
  readonly rawClose: Float64Array;
  readonly volume: Float64Array;
  readonly openInterest: Float64Array;
}

/** Day t's intraday bars of its main contract, with what the features need from the day before. */
export interface MinuteDay {
  readonly date: number;
  /** The contract whose bars these are: the main one, or on a roll day without its bars the previous main. */
  readonly contract: string;
  readonly bars: MinuteDayBars;
  /** The same contract's previous daily close and open interest (NaN when unknown). */
  readonly prevClose: number;
  readonly prevOpenInterest: number;
}

export interface MarketData {
  readonly product: Product;
  /** Interval of the intraday bars; null when none were asked for (daily-only models). */
  readonly intervalMin: number | null;
  /** Every product the store has daily bars of (the timed one included), for curve features. */
  readonly daily: ReadonlyMap<Product, ContinuousDaily>;
  readonly minute: ReadonlyMap<number, MinuteDay>;
}

export interface LoadOptions {
  readonly product: Product;
  readonly intervalMin?: number | undefined;
  /** Last date read (ISO); nothing after it is loaded. */
  readonly to?: string | undefined;
  /** First date whose intraday bars are needed (ISO); daily history is always loaded whole. */
  readonly minuteFrom?: string | undefined;
  /**
   * Whether intraday bars are read at all (default true). Daily-only models need none, so they
   * run for a product the store has no intraday bars of, over its whole daily history.
   */
  readonly minute?: boolean | undefined;
}

const nan = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);

/** Builds a product's continuous series from the store's daily bars (up to `to`). */
export async function loadContinuous(store: Store, product: Product, to?: string): Promise<ContinuousDaily | null> {
  const bars = (await loadDailyBars(store, product)).filter((b) => to === undefined || b.date <= to);
  if (bars.length === 0) return null;
  const rows = buildContinuous(product, bars, 'oi', 'ratio').rows;
  const n = rows.length;
  const out = {
    product,
    date: new Int32Array(n),
    contract: rows.map((r) => r.contract),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    rawOpen: new Float64Array(n),
    rawClose: new Float64Array(n),
    volume: new Float64Array(n),
    openInterest: new Float64Array(n),
  };
  rows.forEach((r, i) => {
    out.date[i] = dayNumber(r.date);
    out.open[i] = nan(r.adjOpen);
    out.high[i] = nan(r.adjHigh);
    out.low[i] = nan(r.adjLow);
    out.close[i] = nan(r.adjClose);
    out.rawOpen[i] = nan(r.open);
    out.rawClose[i] = nan(r.close);
    out.volume[i] = nan(r.volume);
    out.openInterest[i] = nan(r.openInterest);
  });
  return out;
}

/** The interval to use: the one asked for (it must be in the store), else the only one stored. */
export async function minuteInterval(store: Store, product: Product, asked?: number): Promise<number> {
  const have = (await store.all<{ i: number }>(`SELECT DISTINCT interval_min AS i FROM bars_minute WHERE product = $1 ORDER BY 1`, [product])).map((r) => Number(r.i));
  if (have.length === 0) throw new BftError('no_data', `the store has no intraday bars of ${product}: ingest some (bft ingest minute) or run bft synth`, { product });
  if (asked !== undefined) {
    if (!have.includes(asked)) throw new BftError('no_data', `the store has no ${asked}-minute bars of ${product} (it has ${have.join(', ')}-minute bars)`, { product });
    return asked;
  }
  if (have.length > 1) throw new BftError('bad_config', `the store holds ${have.join(' and ')}-minute bars of ${product}: set dataset.intervalMin`, { product });
  return have[0]!;
}

/**
 * Intraday bars of each day's main contract (days from `from` to the series' end). On a roll day
 * whose new main contract has no intraday bars (a vendor's main-contract file still on the old one,
 * as real T's was on 2025-05-19), the bars of the day before's main contract are used: its session
 * is as complete and was traded that day, and MinuteDay.contract says which one it was.
 */
async function loadMinuteDays(store: Store, series: ContinuousDaily, intervalMin: number, from: number): Promise<Map<number, MinuteDay>> {
  const out = new Map<number, MinuteDay>();
  // The main contract per day travels to DuckDB as a temp table; the bars come back as columns.
  await store.run(`CREATE OR REPLACE TEMP TABLE ds_main (d INTEGER, contract VARCHAR, previous VARCHAR)`);
  try {
    const a = await store.conn.createAppender('ds_main', 'main', 'temp');
    for (let i = 0; i < series.date.length; i++) {
      if (series.date[i]! < from) continue;
      a.appendInteger(series.date[i]!);
      a.appendVarchar(series.contract[i]!);
      const previous = i > 0 && series.contract[i - 1] !== series.contract[i] ? series.contract[i - 1]! : null;
      if (previous === null) a.appendNull();
      else a.appendVarchar(previous);
      a.endRow();
    }
    a.flushSync();
    a.closeSync();
    // Per day the main contract's bars, else (a roll day without them) the previous main's.
    const reader = await store.conn.runAndReadAll(
      `WITH day_bars AS (
         SELECT c.d, m.contract, m.ts, m.open, m.high, m.low, m.close, m.volume, m.open_interest, (m.contract = c.contract) AS is_main
         FROM bars_minute m JOIN ds_main c
           ON (m.contract = c.contract OR m.contract = c.previous) AND c.d = date_diff('day', DATE '1970-01-01', m.trade_date)
         WHERE m.product = $1 AND m.interval_min = $2),
       chosen AS (SELECT d, bool_or(is_main) AS has_main FROM day_bars GROUP BY d)
       SELECT b.d::INTEGER AS d, (hour(b.ts) * 60 + minute(b.ts))::INTEGER AS e,
              b.open, b.high, b.low, b.close, b.volume::DOUBLE AS volume, b.open_interest::DOUBLE AS oi, b.is_main
       FROM day_bars b JOIN chosen USING (d)
       WHERE b.is_main = chosen.has_main
       ORDER BY b.d, b.ts`,
      [series.product, intervalMin],
    );
    if (reader.currentRowCount === 0) return out;
    const [d, e, o, h, l, c, v, oi, isMain] = reader.getColumnsJS() as [number[], number[], number[], number[], number[], number[], number[], number[], boolean[]];
    const index = new Map<number, number>();
    series.date.forEach((day, i) => index.set(day, i));
    let start = 0;
    const n = d.length;
    while (start < n) {
      let end = start;
      while (end < n && d[end] === d[start]) end++;
      const day = d[start]!;
      const i = index.get(day)!;
      const slice = (col: number[]): Float64Array => Float64Array.from(col.slice(start, end), (x) => nan(x));
      const main = isMain[start]!;
      out.set(day, {
        date: day,
        contract: main ? series.contract[i]! : series.contract[i - 1]!,
        bars: { end: Int32Array.from(e.slice(start, end)), open: slice(o), high: slice(h), low: slice(l), close: slice(c), volume: slice(v), openInterest: slice(oi) },
        // The previous main's own row the day before holds its previous close and open interest.
        ...(main ? prevOf(series, i) : { prevClose: series.rawClose[i - 1]!, prevOpenInterest: series.openInterest[i - 1]! }),
      });
      start = end;
    }
  } finally {
    await store.run('DROP TABLE IF EXISTS temp.ds_main');
  }
  return out;
}

/**
 * The main contract's previous close and open interest: its own row the day before when it was
 * main then too. On a roll day the ratio adjustment gives the new contract's previous close (the
 * old adjusted close over today's factor is the new contract's close on the decision day); its
 * open interest is not in the series and stays unknown.
 */
function prevOf(s: ContinuousDaily, i: number): { prevClose: number; prevOpenInterest: number } {
  if (i === 0) return { prevClose: Number.NaN, prevOpenInterest: Number.NaN };
  if (s.contract[i - 1] === s.contract[i]) return { prevClose: s.rawClose[i - 1]!, prevOpenInterest: s.openInterest[i - 1]! };
  const factorToday = s.close[i]! / s.rawClose[i]!;
  return { prevClose: s.close[i - 1]! / factorToday, prevOpenInterest: Number.NaN };
}

/** Loads what the dataset of `opts.product` needs from the store. */
export async function loadMarket(store: Store, opts: LoadOptions): Promise<MarketData> {
  const daily = new Map<Product, ContinuousDaily>();
  for (const p of PRODUCTS) {
    const s = await loadContinuous(store, p, opts.to);
    if (s) daily.set(p, s);
  }
  const own = daily.get(opts.product);
  if (!own) throw new BftError('no_data', `the store has no daily bars of ${opts.product}${opts.to ? ` up to ${opts.to}` : ''}`, { product: opts.product });
  if (opts.minute === false) return { product: opts.product, intervalMin: null, daily, minute: new Map() };
  const intervalMin = await minuteInterval(store, opts.product, opts.intervalMin);
  const from = opts.minuteFrom ? dayNumber(opts.minuteFrom) : own.date[0]!;
  const minute = await loadMinuteDays(store, own, intervalMin, from);
  return { product: opts.product, intervalMin, daily, minute };
}

