// Market regimes for splitting out-of-sample results into up, down and sideways markets (pure).
// Three definitions of a down market, because each answers a different question:
//  - day:      was tomorrow a down day? Uses the realised move t -> t+1, so it is known only after
//              the fact (knownAtT = false): for reporting how a model did on down days, never for
//              choosing what to trade.
//  - trend:    has the market been falling over the last month? Known at the close of t.
//  - drawdown: is the market in a sell-off from its high of the last year? Known at the close of t.
//              The high is taken over a trailing window, not since the series' first row: a peak
//              that never resets labels every day of a long bear market down, which says nothing.
// Known-at-t regimes read the continuous close (back-adjusted, one row per trading day) at rows
// <= rows[t] only, so they can condition a strategy as well as a report.
//
// Defaults are set for the 10-year future T. Measured on its main contract (largest open interest)
// from /work/shared/data/cffex-tbf-daily-contracts, 2015-2025: daily moves have sd 0.23%, 20-day
// returns sd 0.93%, and the deepest drawdown from a running high was 7.6%. With the defaults below
// about 20% of days are 'sideways' by the day rule, 39% by the trend rule, and the drawdown rule
// finds T in a sell-off (> 2% below its 250-day high) 27% of the time, near that high (<= 0.5%)
// 39% and in between 35%; its longest unbroken sell-off is 335 days (14% of the 2,470), to April
// 2018. A peak since the first row gave 35% / 32% / 33% and 492 days (20%), still 'down' through
// 2018 while T made new one-year highs. (Measured by a throwaway script: the T CSV de-duplicated on
// (symbol, date), buildContinuous(..., 'oi', 'ratio') from src/data/continuous.ts, then
// regimeSplits over every row of adjClose; drawdownDays 1e9 reproduces the old running peak.)
// 250 days is the usual one-year (52-week) high and close to T's longest falls from peak to trough
// (Oct 2016 to Jan 2018, 307 days; Apr 2020 to Feb 2021, 200), so both stay 'down' to their lows.
// 120 days gives 18% down but calls Jun-Oct 2017 and Jan-Apr 2021 sideways, with T still about 4%
// under its high in the middle of those falls.
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
  /** A close this far below its trailing peak is a down market; default 0.02 (2%, about 25 bp of 10-year yield). */
  readonly drawdownPct?: number;
  /**
   * Trading days, the close of t included, over which that peak is taken; default 250 (a year).
   * Rows before the first full window take the peak over the rows there are.
   */
  readonly drawdownDays?: number;
  /** |next-day return| at or below this is a sideways day; default 0.0005 (0.05%, about 10 ticks of T, a fifth of a daily sd). */
  readonly dayBand?: number;
}

export const DEFAULT_REGIME_OPTIONS: Required<RegimeOptions> = { trendDays: 20, trendBand: 0.005, drawdownPct: 0.02, drawdownDays: 250, dayBand: 0.0005 };

/** Share of drawdownPct within which a close counts as at its high: 1/4, so 0.5% below the peak by default. */
const NEAR_PEAK_SHARE = 0.25;

/**
 * The three regime splits for test dates with continuous-series rows `rows` and realised next-day
 * returns `moveReturn` (one per test date):
 *  - day:      moveReturn < -dayBand down, > dayBand up, otherwise sideways.
 *  - trend:    R = close[r] / close[r - trendDays] - 1 at r = rows[t]: R < -trendBand down,
 *              R > trendBand up, otherwise sideways. Sideways too in warm-up (r < trendDays), where
 *              there is no trailing trend to speak of.
 *  - drawdown: D = 1 - close[r] / max(close[r - drawdownDays + 1 .. r]) (the peak of the trailing
 *              window, so a high older than the window is forgotten; in warm-up, r < drawdownDays - 1,
 *              the window starts at row 0): D > drawdownPct down; D <= drawdownPct / 4 up (at or
 *              near the high, a market making new highs); in between sideways (a correction, not
 *              yet a sell-off). A NaN close never becomes the peak.
 * The close must be positive (a ratio back-adjusted series is); a non-finite close in a window
 * gives sideways.
 */
export function regimeSplits(close: Float64Array, rows: Int32Array, moveReturn: Float64Array, opts: RegimeOptions = {}): RegimeSplit[] {
  const o = { ...DEFAULT_REGIME_OPTIONS, ...definedOnly(opts) };
  if (!Number.isInteger(o.trendDays) || o.trendDays < 1) throw new RangeError(`regimeSplits: trendDays must be an integer >= 1, got ${o.trendDays}`);
  for (const k of ['trendBand', 'dayBand'] as const) {
    if (!(o[k] >= 0) || !Number.isFinite(o[k])) throw new RangeError(`regimeSplits: ${k} must be a finite number >= 0, got ${o[k]}`);
  }
  // A one-day window is its own peak: every day would be 'up'.
  if (!Number.isInteger(o.drawdownDays) || o.drawdownDays < 2) throw new RangeError(`regimeSplits: drawdownDays must be an integer >= 2, got ${o.drawdownDays}`);
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
      description: `close more than ${pct(o.drawdownPct)} below its highest close of the last ${o.drawdownDays} trading days is down, within ${pct(o.drawdownPct * NEAR_PEAK_SHARE)} of it up, otherwise sideways`,
      knownAtT: true,
      label: drawdownLabels(close, rows, o.drawdownPct, o.drawdownDays),
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

function drawdownLabels(close: Float64Array, rows: Int32Array, drawdownPct: number, drawdownDays: number): RegimeLabel[] {
  return Array.from(rows, (r): RegimeLabel => {
    // Peak of close[r - W + 1 .. r] (from row 0 in warm-up): nothing after r is read. A plain scan,
    // rows x W steps, is cheap for daily series and plainly correct.
    let peak = -Infinity;
    for (let i = Math.max(0, r - drawdownDays + 1); i <= r; i++) if (close[i]! > peak) peak = close[i]!; // NaN never compares greater
    const d = 1 - close[r]! / peak;
    if (!Number.isFinite(d)) return 'sideways';
    if (d > drawdownPct) return 'down';
    return d <= drawdownPct * NEAR_PEAK_SHARE ? 'up' : 'sideways';
  });
}

function definedOnly(opts: RegimeOptions): RegimeOptions {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as RegimeOptions;
}
