// Market regimes for splitting out-of-sample results into up, down and sideways markets (pure).
// Three definitions of a down market, because each answers a different question:
//  - day:      was tomorrow a down day? Uses the realised move t -> t+1, so it is known only after
//              the fact (knownAtT = false): for reporting how a model did on down days, never for
//              choosing what to trade.
//  - trend:    has the market been falling over the last month? Known at the close of t.
//  - drawdown: is the market in a sell-off from its high? Known at the close of t.
// Known-at-t regimes read the continuous close (back-adjusted, one row per trading day) at rows
// <= rows[t] only, so they can condition a strategy as well as a report.
//
// Defaults are set for the 10-year future T. Measured on its main contract (largest open interest)
// from /work/shared/data/cffex-tbf-daily-contracts, 2015-2025: daily moves have sd 0.23%, 20-day
// returns sd 0.93%, and the deepest drawdown from a running high was 7.6%. With the defaults below
// about 20% of days are 'sideways' by the day rule, 39% by the trend rule, and the drawdown rule
// finds T in a sell-off (> 2% below its high) 35% of the time and near its high (<= 0.5%) 32%.
// For the 2-year TS (daily sd 0.06%) scale the bands by about a quarter; TL (0.43%) by about two.

export type RegimeLabel = 'up' | 'down' | 'sideways';

export interface RegimeSplit {
  readonly definition: 'day' | 'trend' | 'drawdown';
  readonly description: string;
  /** True when the label of t uses only data known at the close of t. */
  readonly knownAtT: boolean;
  /** One label per test date. */
  readonly label: readonly RegimeLabel[];
}

export interface RegimeOptions {
  /** Trend lookback in trading days; default 20 (a month). */
  readonly trendDays?: number;
  /** |trailing return| at or below this is a sideways trend; default 0.005 (0.5%, about half a 20-day sd of T). */
  readonly trendBand?: number;
  /** A close this far below its running peak is a down market; default 0.02 (2%, about 25 bp of 10-year yield). */
  readonly drawdownPct?: number;
  /** |next-day return| at or below this is a sideways day; default 0.0005 (0.05%, about 10 ticks of T, a fifth of a daily sd). */
  readonly dayBand?: number;
}

export const DEFAULT_REGIME_OPTIONS: Required<RegimeOptions> = { trendDays: 20, trendBand: 0.005, drawdownPct: 0.02, dayBand: 0.0005 };

/** Share of drawdownPct within which a close counts as at its high: 1/4, so 0.5% below the peak by default. */
const NEAR_PEAK_SHARE = 0.25;

/**
 * The three regime splits for test dates with continuous-series rows `rows` and realised next-day
 * returns `moveReturn` (one per test date):
 *  - day:      moveReturn < -dayBand down, > dayBand up, otherwise sideways.
 *  - trend:    R = close[r] / close[r - trendDays] - 1 at r = rows[t]: R < -trendBand down,
 *              R > trendBand up, otherwise sideways. Sideways too in warm-up (r < trendDays), where
 *              there is no trailing trend to speak of.
 *  - drawdown: D = 1 - close[r] / max(close[0..r]) (the peak since the series' first row):
 *              D > drawdownPct down; D <= drawdownPct / 4 up (at or near the high, a market making
 *              new highs); in between sideways (a correction, not yet a sell-off).
 * The close must be positive (a ratio back-adjusted series is); a non-finite close in a window
 * gives sideways.
 */
export function regimeSplits(close: Float64Array, rows: Int32Array, moveReturn: Float64Array, opts: RegimeOptions = {}): RegimeSplit[] {
  const o = { ...DEFAULT_REGIME_OPTIONS, ...definedOnly(opts) };
  if (!Number.isInteger(o.trendDays) || o.trendDays < 1) throw new RangeError(`regimeSplits: trendDays must be an integer >= 1, got ${o.trendDays}`);
  for (const k of ['trendBand', 'dayBand'] as const) {
    if (!(o[k] >= 0) || !Number.isFinite(o[k])) throw new RangeError(`regimeSplits: ${k} must be a finite number >= 0, got ${o[k]}`);
  }
  if (!(o.drawdownPct > 0 && o.drawdownPct < 1)) throw new RangeError(`regimeSplits: drawdownPct must be in (0, 1), got ${o.drawdownPct}`);
  if (moveReturn.length !== rows.length) throw new RangeError(`regimeSplits: ${moveReturn.length} next-day returns for ${rows.length} test dates`);
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t]!;
    if (r < 0 || r >= close.length) throw new RangeError(`regimeSplits: rows[${t}] = ${r} is outside the close series (0..${close.length - 1})`);
    if (!Number.isFinite(moveReturn[t]!)) throw new RangeError(`regimeSplits: moveReturn[${t}] is ${moveReturn[t]}; drop dates without a next day first`);
  }
  const pct = (x: number): string => `${+(x * 100).toFixed(4)}%`;
  return [
    {
      definition: 'day',
      description: `next-day return below -${pct(o.dayBand)} is down, above +${pct(o.dayBand)} up, otherwise sideways (realised after t: for reporting only)`,
      knownAtT: false,
      label: Array.from(moveReturn, (m) => band(m, o.dayBand)),
    },
    {
      definition: 'trend',
      description: `trailing ${o.trendDays}-day return of the continuous close below -${pct(o.trendBand)} is down, above +${pct(o.trendBand)} up, otherwise sideways`,
      knownAtT: true,
      label: Array.from(rows, (r) => (r < o.trendDays ? 'sideways' : band(close[r]! / close[r - o.trendDays]! - 1, o.trendBand))),
    },
    {
      definition: 'drawdown',
      description: `close more than ${pct(o.drawdownPct)} below its running peak is down, within ${pct(o.drawdownPct * NEAR_PEAK_SHARE)} of it up, otherwise sideways`,
      knownAtT: true,
      label: drawdownLabels(close, rows, o.drawdownPct),
    },
  ];
}

/** Test-date indices (ascending) carrying `label` in `split`. */
export function indicesOf(split: RegimeSplit, label: RegimeLabel): Int32Array {
  const out: number[] = [];
  split.label.forEach((l, t) => {
    if (l === label) out.push(t);
  });
  return Int32Array.from(out);
}

function band(x: number, width: number): RegimeLabel {
  if (x < -width) return 'down';
  if (x > width) return 'up';
  return 'sideways'; // NaN lands here too
}

function drawdownLabels(close: Float64Array, rows: Int32Array, drawdownPct: number): RegimeLabel[] {
  let last = -1;
  for (const r of rows) if (r > last) last = r;
  // Running peak over rows 0..i, built forward: the peak at i reads close[0..i] only.
  const peak = new Float64Array(last + 1);
  let m = -Infinity;
  for (let i = 0; i <= last; i++) {
    if (close[i]! > m) m = close[i]!; // a NaN close never becomes the peak
    peak[i] = m;
  }
  return Array.from(rows, (r): RegimeLabel => {
    const d = 1 - close[r]! / peak[r]!;
    if (!Number.isFinite(d)) return 'sideways';
    if (d > drawdownPct) return 'down';
    return d <= drawdownPct * NEAR_PEAK_SHARE ? 'up' : 'sideways';
  });
}

function definedOnly(opts: RegimeOptions): RegimeOptions {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as RegimeOptions;
}
