// Intraday ("minute channel") features of one contract on one trade date.
//
// The day's bars are laid onto a fixed grid of expected bar end stamps (see barEndMinutes in
// src/market/sessions.ts), so row k of the output is always the same clock slot and every day has
// the same sequence length T. Slots without a bar are kept as rows with neutral values and mask 0,
// so the model can tell "no trade" from "flat trade".
//
// Causality: every feature of row k except vol_share and signed_vol uses only the bars stamped at
// or before slot k. Those two divide by the day's total volume; that is fine because the minute
// channel of day t is only read after the close of t, when the whole day is known.
//
// Unusable values (the store keeps NULL as NaN): a bar with no positive, finite close counts as
// missing; a NaN volume counts as 0; a NaN open interest gives oi_chg 0 and the next known OI is
// measured from the last known one; a NaN high/low gives range 0 and a typical price of the close;
// a NaN open gives body 0, signed_vol 0 and dir 0.

/** One contract, one trade date, bars sorted by end stamp. */
export interface MinuteDayBars {
  /** End stamp, minutes after midnight. */
  end: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  openInterest: Float64Array;
}

export interface MinuteDayContext {
  /** Expected bar end stamps of the day (from barEndMinutes); its length T is the sequence length. */
  grid: Int32Array;
  /** Previous day's close of the same contract (daily bar); NaN if unknown. */
  prevClose: number;
  /** Previous day's closing open interest; NaN if unknown. */
  prevOpenInterest: number;
}

/** Column order of MinuteFeatures.values. */
export const MINUTE_FEATURES: readonly string[] = Object.freeze([
  'ret',
  'range',
  'vol_share',
  'oi_chg',
  'vwap_dist',
  'body',
  'signed_vol',
  'dir',
  'tod_sin',
  'tod_cos',
  'pm',
  'mask',
]);

export interface MinuteFeatures {
  names: readonly string[];
  /** Sequence length T (= grid length). */
  bars: number;
  /** Grid slots that had a (usable) bar. */
  present: number;
  /** Row-major [T x F], F = names.length. */
  values: Float32Array;
}

const F = MINUTE_FEATURES.length;
const COL = {
  ret: 0,
  range: 1,
  volShare: 2,
  oiChg: 3,
  vwapDist: 4,
  body: 5,
  signedVol: 6,
  dir: 7,
  todSin: 8,
  todCos: 9,
  pm: 10,
  mask: 11,
} as const;
const NOON = 12 * 60;

const isPrice = (x: number): boolean => Number.isFinite(x) && x > 0;

/** Throws unless all bar arrays have one length and the end stamps are integers, strictly increasing. */
function checkBars(day: MinuteDayBars): void {
  const n = day.end.length;
  const cols = { open: day.open, high: day.high, low: day.low, close: day.close, volume: day.volume, openInterest: day.openInterest };
  for (const [name, col] of Object.entries(cols)) {
    if (col.length !== n) throw new Error(`minute bars: ${name} has ${col.length} values but end has ${n}`);
  }
  checkIncreasing(day.end, 'minute bars: end stamps');
}

function checkIncreasing(xs: Int32Array, what: string): void {
  for (let i = 1; i < xs.length; i++) {
    if (xs[i]! <= xs[i - 1]!) throw new Error(`${what} must be strictly increasing: ${xs[i - 1]} then ${xs[i]} at index ${i}`);
  }
}

/**
 * slot[k] = index of the bar whose end stamp is grid[k], or -1 when the slot has no usable bar.
 * Both arrays are sorted, so one merge pass suffices; off-grid bars are skipped (ingest already
 * rejects them, so this is only a guard).
 */
function slotIndex(end: Int32Array, close: Float64Array, grid: Int32Array): Int32Array {
  const slot = new Int32Array(grid.length).fill(-1);
  let b = 0;
  for (let k = 0; k < grid.length; k++) {
    while (b < end.length && end[b]! < grid[k]!) b++;
    if (b < end.length && end[b] === grid[k] && isPrice(close[b]!)) slot[k] = b;
  }
  return slot;
}

/** Intraday features of one day on the grid `ctx.grid`; see MINUTE_FEATURES for the columns. */
export function minuteFeatures(day: MinuteDayBars, ctx: MinuteDayContext): MinuteFeatures {
  checkBars(day);
  const { grid } = ctx;
  if (grid.length === 0) throw new Error('minute grid is empty');
  checkIncreasing(grid, 'minute grid');
  const T = grid.length;
  const slot = slotIndex(day.end, day.close, grid);
  const vol = (b: number): number => (Number.isFinite(day.volume[b]!) ? day.volume[b]! : 0);

  let total = 0;
  for (let k = 0; k < T; k++) if (slot[k]! >= 0) total += vol(slot[k]!);

  // Reference close for the first bar: the previous day's close, else the bar's own open (so the
  // first return is intraday only), else none (return 0).
  let refClose = isPrice(ctx.prevClose) ? ctx.prevClose : Number.NaN;
  // oi_chg is scaled by the previous day's OI; without it there is no scale, so the column is 0.
  const oiScale = Number.isFinite(ctx.prevOpenInterest) && ctx.prevOpenInterest !== 0 ? ctx.prevOpenInterest : Number.NaN;
  let refOi = oiScale;
  let cumPv = 0;
  let cumV = 0;
  let present = 0;

  const values = new Float32Array(T * F);
  for (let k = 0; k < T; k++) {
    const row = k * F;
    const angle = (2 * Math.PI * k) / T;
    values[row + COL.todSin] = Math.sin(angle);
    values[row + COL.todCos] = Math.cos(angle);
    values[row + COL.pm] = grid[k]! > NOON ? 1 : 0;
    const b = slot[k]!;
    if (b < 0) continue; // missing slot: ret, range, vol_share, oi_chg, vwap_dist, body, signed_vol, dir and mask stay 0
    present++;
    const c = day.close[b]!;
    const h = day.high[b]!;
    const l = day.low[b]!;
    const v = vol(b);

    if (Number.isNaN(refClose) && isPrice(day.open[b]!)) refClose = day.open[b]!;
    // Measured from the last present close, so missing slots (ret 0) keep the day's total return.
    values[row + COL.ret] = Number.isNaN(refClose) ? 0 : Math.log(c / refClose);
    refClose = c;

    const hlKnown = Number.isFinite(h) && Number.isFinite(l);
    values[row + COL.range] = hlKnown ? (h - l) / c : 0;
    values[row + COL.volShare] = total > 0 ? v / total : 0;
    // The bar's own direction (close against its open, not the previous close): the candle body,
    // and the volume share signed by it (the bar-level tick rule, a proxy for order-flow imbalance).
    const o = day.open[b]!;
    const body = isPrice(o) ? Math.log(c / o) : 0;
    values[row + COL.body] = body;
    values[row + COL.signedVol] = total > 0 ? (Math.sign(body) * v) / total : 0;
    // The direction alone (+1, 0, -1): how many bars went up is an order-flow signal of its own
    // that a return's size, and a volume share's noise, would drown.
    values[row + COL.dir] = Math.sign(body);

    const oi = day.openInterest[b]!;
    if (!Number.isNaN(oiScale) && Number.isFinite(oi)) {
      values[row + COL.oiChg] = (oi - refOi) / oiScale;
      refOi = oi;
    }

    cumPv += (hlKnown ? (h + l + c) / 3 : c) * v;
    cumV += v;
    values[row + COL.vwapDist] = cumV > 0 ? Math.log(c / (cumPv / cumV)) : 0;
    values[row + COL.mask] = 1;
  }
  return { names: MINUTE_FEATURES, bars: T, present, values };
}

/**
 * Why a day with `present` of `expected` bars is too thin to use (present < minShare x expected),
 * or null when it is fine. One line, for the dataset builder's drop log.
 */
export function dropDay(present: number, expected: number, minShare: number): string | null {
  if (!Number.isInteger(expected) || expected <= 0) throw new RangeError(`expected bars must be a positive integer, got ${expected}`);
  if (!Number.isInteger(present) || present < 0) throw new RangeError(`present bars must be a non-negative integer, got ${present}`);
  if (!(minShare >= 0 && minShare <= 1)) throw new RangeError(`minimum bar share must be in [0, 1], got ${minShare}`);
  // The epsilon keeps float products such as 0.55 x 100 = 55.00000000000001 from dropping a day at the bar.
  if (present >= minShare * expected - 1e-9) return null;
  return `only ${present} of ${expected} bars (minimum ${+(minShare * 100).toFixed(2)}%)`;
}
