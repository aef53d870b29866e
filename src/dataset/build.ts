// Samples from market data, pure: per trade date t, the daily features of the `lookback` days
// ending at t, day t's intraday features, and the label of t+1. Nothing at t reads a bar after t:
// daily features are causal (value at i uses rows 0..i), day t's intraday bars are all known at
// the close of t, and only the label and its metadata look at t+1.

import { BftError } from '../errors.js';
import { CURVE_NEIGHBOURS, curveFeatures, dailyFeatures, type DailyBars, type FeatureMatrix } from '../features/daily.js';
import { dropDay, MINUTE_FEATURES, minuteFeatures } from '../features/minute.js';
import { isoDate } from '../market/calendar.js';
import { barEndMinutes } from '../market/sessions.js';
import { currentSpec, specFor, type Product } from '../market/specs.js';
import type { ResolvedDatasetConfig } from './config.js';
import type { ContinuousDaily, MarketData } from './load.js';

/** Why a date gave no sample; `kind` groups them for the summary. */
export interface DroppedDate {
  readonly date: string;
  readonly kind: 'warm_up' | 'missing_feature' | 'no_minute_bars' | 'few_minute_bars' | 'no_next_price' | 'neutral';
  readonly reason: string;
}

export interface Samples {
  readonly n: number;
  /** Row of t in the daily feature rows. */
  readonly row: Int32Array;
  readonly date: Int32Array;
  /**
   * Contract whose intraday bars feed the minute channel: the main one at t, or on a roll day whose
   * new main has no intraday bars the previous main (load.ts); the main one when the channel is empty.
   */
  readonly contract: readonly string[];
  /** Contract traded for the label (main at t+1: the roll is decided at the close of t). */
  readonly tradedContract: readonly (string | null)[];
  /** Day t's intraday features, [n x bars x minuteFeatures]; zeros where hasMinute is 0. */
  readonly minute: Float32Array;
  /** 1 where day t had usable intraday bars; 0 for a masked minute channel (and in a daily-only dataset). */
  readonly hasMinute: Uint8Array;
  /** Class index (0 down, 1 up; or 0 down, 1 flat, 2 up), -1 when t+1 is not known yet. */
  readonly label: Int32Array;
  /** Next-day move under the execution: fraction, price points, ticks (NaN when unknown). */
  readonly nextReturn: Float64Array;
  readonly nextPrice: Float64Array;
  readonly nextTicks: Float64Array;
}

export interface Dataset {
  readonly product: Product;
  readonly config: ResolvedDatasetConfig;
  /** Interval of the minute channel's bars; null for a daily-only dataset (bars 0, no minute features). */
  readonly intervalMin: number | null;
  readonly lookback: number;
  readonly bars: number;
  readonly classes: 2 | 3;
  readonly dailyNames: readonly string[];
  readonly minuteNames: readonly string[];
  /** Daily features of every series date, [dates x dailyNames], NaN in warm-up. */
  readonly dailyRows: Float64Array;
  readonly rowDates: Int32Array;
  readonly samples: Samples;
  readonly dropped: readonly DroppedDate[];
  /** Sample dates kept with a masked minute channel (missingMinute 'mask'), and why. */
  readonly masked: readonly DroppedDate[];
}

export interface BuildRange {
  /** First and last sample date (ISO, inclusive); default the whole series. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** The minute channel's grid: today's session grid, so slot k is the same clock time in every era. */
export function minuteGrid(product: Product, intervalMin: number): Int32Array {
  return Int32Array.from(barEndMinutes(currentSpec(product).sessions, intervalMin));
}


function toBars(s: ContinuousDaily): DailyBars {
  return { date: s.date, open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume, openInterest: s.openInterest };
}

/** Every daily feature the market can feed for the product: its own and the curve spreads. */
export function dailyFeatureMatrix(market: MarketData): FeatureMatrix {
  try {
    return featureMatrixOf(market);
  } catch (e) {
    if (e instanceof BftError) throw e;
    // the features refuse bars they cannot use (a zero or missing close): say which product
    throw new BftError('non_finite', `daily bars of ${market.product} or its curve neighbours: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function featureMatrixOf(market: MarketData): FeatureMatrix {
  const own = market.daily.get(market.product)!;
  const f = dailyFeatures(toBars(own));
  const others: Partial<Record<Product, DailyBars>> = {};
  for (const p of CURVE_NEIGHBOURS[market.product]) {
    const s = market.daily.get(p);
    if (s) others[p] = toBars(s);
  }
  if (Object.keys(others).length === 0) return f;
  const c = curveFeatures(toBars(own), others, market.product);
  // Spreads against a neighbour the store lacks are all NaN: leave them out rather than drop every date.
  const keep = c.names.map((name) => Object.keys(others).some((q) => name.startsWith(`spread_${market.product}_${q}_`)));
  return {
    names: [...f.names, ...c.names.filter((_, j) => keep[j])],
    n: f.n,
    columns: [...f.columns, ...c.columns.filter((_, j) => keep[j])],
  };
}

function pick(available: readonly string[], asked: readonly string[] | undefined, what: string): number[] {
  if (!asked) return available.map((_, j) => j);
  if (asked.length === 0) throw new BftError('bad_config', `dataset.${what} is empty: name at least one feature`);
  return asked.map((name) => {
    const j = available.indexOf(name);
    if (j < 0) throw new BftError('unknown_feature', `unknown ${what.replace('Features', '')} feature "${name}" (known: ${available.join(', ')})`, { feature: name });
    return j;
  });
}

/** Label of a next-day move in ticks. */
function labelOf(ticks: number, cfg: ResolvedDatasetConfig): number | null {
  const t = Math.round(ticks * 1e6) / 1e6; // price arithmetic noise must not decide a direction
  if (cfg.labels === 'binary') return t > 0 ? 1 : 0;
  const neutral = Math.abs(t) <= cfg.neutralTicks;
  if (cfg.labels === 'drop') return neutral ? null : t > 0 ? 1 : 0;
  return neutral ? 1 : t > 0 ? 2 : 0;
}

/** Next-day move of the series from row i under the execution (NaN when a price is missing). */
function nextMove(s: ContinuousDaily, i: number, cfg: ResolvedDatasetConfig): { ret: number; price: number; ticks: number } {
  const j = i + 1;
  let ret: number;
  let price: number;
  if (cfg.execution === 'close-close') {
    // Adjusted closes: across a roll this is the new contract's own return.
    ret = s.close[j]! / s.close[i]! - 1;
    price = (s.rawClose[j]! * ret) / (1 + ret);
  } else {
    ret = s.rawClose[j]! / s.rawOpen[j]! - 1;
    price = s.rawClose[j]! - s.rawOpen[j]!;
  }
  const tick = specFor(s.product, isoDate(s.date[j]!))?.tick ?? Number.NaN;
  return { ret, price, ticks: price / tick };
}

/**
 * A deliberately leaky daily feature: the next day's log return of the continuous close, known
 * only after t. It exists so the overfitting gate's leak checks can be shown to catch a leak
 * (bft overfit-check); it is never in the default feature list and must be asked for by name.
 */
export const LEAK_FEATURE = 'leak_next_ret';

function withLeakFeature(f: FeatureMatrix, s: ContinuousDaily): FeatureMatrix {
  const n = s.close.length;
  const leak = Float64Array.from({ length: n }, (_, i) => (i + 1 < n ? Math.log(s.close[i + 1]! / s.close[i]!) : Number.NaN));
  return { names: [...f.names, LEAK_FEATURE], n: f.n, columns: [...f.columns, leak] };
}

/** Builds the samples of `market` for dates in `range`. */
export function buildDataset(market: MarketData, cfg: ResolvedDatasetConfig, range: BuildRange = {}): Dataset {
  const s = market.daily.get(market.product)!;
  const honest = dailyFeatureMatrix(market);
  const asksLeak = cfg.dailyFeatures?.includes(LEAK_FEATURE) ?? false;
  const all = asksLeak ? withLeakFeature(honest, s) : honest;
  const dCols = pick(all.names, cfg.dailyFeatures, 'dailyFeatures');
  const withMinute = market.intervalMin !== null;
  const mCols = withMinute ? pick(MINUTE_FEATURES, cfg.minuteFeatures, 'minuteFeatures') : [];
  const dailyNames = dCols.map((j) => all.names[j]!);
  const minuteNames = mCols.map((j) => MINUTE_FEATURES[j]!);
  const N = s.date.length;
  const Fd = dCols.length;
  const dailyRows = new Float64Array(N * Fd);
  for (let i = 0; i < N; i++) for (let k = 0; k < Fd; k++) dailyRows[i * Fd + k] = all.columns[dCols[k]!]![i]!;

  const L = cfg.lookback;
  if (L > N) throw new BftError('lookback_too_long', `lookback ${L} is longer than the ${N} trading days of ${market.product} in the store`, { lookback: L });
  const grid = market.intervalMin === null ? new Int32Array(0) : minuteGrid(market.product, market.intervalMin);
  const T = grid.length;
  const Fm = mCols.length;
  // Without a start date, samples start where the intraday bars do (daily history is often longer);
  // a daily-only dataset, or one that masks missing intraday bars, starts with the daily history.
  const mask = cfg.missingMinute === 'mask';
  const firstMinute = withMinute && !mask ? Math.min(...market.minute.keys()) : Number.NaN;
  const from = range.from ?? isoDate(Math.max(s.date[0]!, Number.isFinite(firstMinute) ? firstMinute : s.date[0]!));
  const to = range.to ?? isoDate(s.date[N - 1]!);

  // A row is usable when every feature of every day in its window is finite. A gap before the
  // first complete row is the indicators' warm-up; later it is a missing input (a day without a
  // volume, say) and drops the windows that hold it, naming it.
  const rowOk = new Uint8Array(N);
  const firstBad = new Int32Array(N).fill(-1);
  let warmUpEnd = -1;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < Fd && firstBad[i]! < 0; k++) {
      if (!Number.isFinite(dailyRows[i * Fd + k]!)) firstBad[i] = k;
    }
    rowOk[i] = firstBad[i]! < 0 ? 1 : 0;
    if (rowOk[i] && warmUpEnd < 0) warmUpEnd = i;
  }
  /** Null when the window ending at row i is complete, else why not. */
  const windowGap = (i: number): Pick<DroppedDate, 'kind' | 'reason'> | null => {
    if (warmUpEnd < 0 || i - L + 1 < warmUpEnd) {
      return { kind: 'warm_up', reason: `daily features of the ${L} days to ${isoDate(s.date[i]!)} are not all defined yet (indicator warm-up)` };
    }
    for (let r = i; r >= i - L + 1; r--) {
      if (!rowOk[r]) return { kind: 'missing_feature', reason: `daily feature ${dailyNames[firstBad[r]!]} is missing (not a finite number) on ${isoDate(s.date[r]!)}, inside the ${L}-day window` };
    }
    return null;
  };

  const rows: number[] = [];
  const minuteContracts: string[] = [];
  const minuteBlocks: Float32Array[] = [];
  const hasMinute: number[] = [];
  const masked: DroppedDate[] = [];
  const labels: number[] = [];
  const moves: { ret: number; price: number; ticks: number }[] = [];
  const traded: (string | null)[] = [];
  const dropped: DroppedDate[] = [];
  for (let i = 0; i < N; i++) {
    const date = isoDate(s.date[i]!);
    if (date < from || date > to) continue;
    const gap = windowGap(i);
    if (gap) {
      dropped.push({ date, ...gap });
      continue;
    }
    const day = withMinute ? market.minute.get(s.date[i]!) : undefined;
    let mf = day ? minuteFeatures(day.bars, { grid, prevClose: day.prevClose, prevOpenInterest: day.prevOpenInterest }) : null;
    if (withMinute) {
      const few = mf ? dropDay(mf.present, T, cfg.minBarShare) : null;
      const missing: DroppedDate | null = !day
        ? { date, kind: 'no_minute_bars', reason: `no ${market.intervalMin}-minute bars of ${s.contract[i]}${i > 0 && s.contract[i - 1] !== s.contract[i] ? ` (main from this day) or of ${s.contract[i - 1]} (main the day before)` : ''} on ${date}` }
        : few !== null
          ? { date, kind: 'few_minute_bars', reason: `${day.contract} on ${date}: ${few}` }
          : null;
      if (missing !== null && !mask) {
        dropped.push(missing);
        continue;
      }
      if (missing !== null) {
        masked.push(missing);
        mf = null;
      }
    }
    let label = -1;
    let move = { ret: Number.NaN, price: Number.NaN, ticks: Number.NaN };
    if (i + 1 < N) {
      move = nextMove(s, i, cfg);
      if (!Number.isFinite(move.ticks)) {
        dropped.push({ date, kind: 'no_next_price', reason: `${s.contract[i + 1]} has no ${cfg.execution === 'open-close' ? 'open and close' : 'close'} on ${isoDate(s.date[i + 1]!)}` });
        continue;
      }
      const l = labelOf(move.ticks, cfg);
      if (l === null) {
        dropped.push({ date, kind: 'neutral', reason: `next-day move of ${move.ticks.toFixed(1)} ticks is inside the neutral band of ${cfg.neutralTicks}` });
        continue;
      }
      label = l;
    }
    const block = new Float32Array(T * Fm);
    if (mf) {
      const Fall = mf.names.length;
      for (let r = 0; r < T; r++) for (let k = 0; k < Fm; k++) block[r * Fm + k] = mf.values[r * Fall + mCols[k]!]!;
    }
    rows.push(i);
    minuteContracts.push(mf && day ? day.contract : s.contract[i]!);
    minuteBlocks.push(block);
    hasMinute.push(mf ? 1 : 0);
    labels.push(label);
    moves.push(move);
    traded.push(i + 1 < N ? s.contract[i + 1]! : null);
  }

  const n = rows.length;
  const minute = new Float32Array(n * T * Fm);
  minuteBlocks.forEach((b, k) => minute.set(b, k * T * Fm));
  const row = Int32Array.from(rows);
  return {
    product: market.product,
    config: cfg,
    intervalMin: market.intervalMin,
    lookback: L,
    bars: T,
    classes: cfg.labels === 'three' ? 3 : 2,
    dailyNames,
    minuteNames,
    dailyRows,
    rowDates: s.date,
    samples: {
      n,
      row,
      date: Int32Array.from(rows, (i) => s.date[i]!),
      contract: minuteContracts,
      tradedContract: traded,
      minute,
      hasMinute: Uint8Array.from(hasMinute),
      label: Int32Array.from(labels),
      nextReturn: Float64Array.from(moves, (m) => m.ret),
      nextPrice: Float64Array.from(moves, (m) => m.price),
      nextTicks: Float64Array.from(moves, (m) => m.ticks),
    },
    dropped,
    masked,
  };
}

/** Counts of dropped (and masked) dates by kind, for a one-line summary. */
export function droppedSummary(d: readonly DroppedDate[], masked: readonly DroppedDate[] = []): string {
  const byKind = (xs: readonly DroppedDate[]): string => {
    const counts = new Map<string, number>();
    for (const x of xs) counts.set(x.kind, (counts.get(x.kind) ?? 0) + 1);
    return [...counts].map(([k, v]) => `${v} ${k.replaceAll('_', ' ')}`).join(', ');
  };
  const dropped = d.length === 0 ? 'no dates dropped' : `${d.length} dates dropped: ${byKind(d)}`;
  return masked.length === 0 ? dropped : `${dropped}; ${masked.length} kept with the minute channel masked: ${byKind(masked)}`;
}
