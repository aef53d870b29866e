// The stock panel as the equity factor code reads it (pure types and helpers): trading dates by
// stocks, one date-major matrix per field, and point-in-time fundamentals keyed by announcement
// date. Loaded from the store by ./load.ts; written by the synthetic equity market in tests.
//
// Layout: the value of stock j on date t sits at index t * codes.length + j (a row per date, so a
// cross-section is one contiguous slice). Missing values are NaN; a stock not yet listed, delisted
// or suspended on a date has tradable 0 there.

export interface StockPanel {
  /** Trading dates, ISO, ascending. */
  readonly dates: readonly string[];
  /** Stock codes in the vendor's form ('sh.600000', 'sz.000001'), one column each. */
  readonly codes: readonly string[];
  /** Unadjusted close, CNY. */
  readonly close: Float64Array;
  /** Total return of the day, a fraction, across splits and dividends (ex-rights); NaN when not traded. */
  readonly ret: Float64Array;
  /** CNY traded. */
  readonly amount: Float64Array;
  /** Share of the float traded that day, a fraction (the vendor's turn% / 100); 0 when suspended. */
  readonly turnover: Float64Array;
  /** Float market cap, CNY (the vendor's, or close x volume / turnover where it gives none). */
  readonly floatCap: Float64Array;
  /** Total market cap, CNY; NaN where the share count is unknown. */
  readonly totalCap: Float64Array;
  /** Book-to-price (1 / price-to-book, most recent quarter); NaN where unknown or book <= 0. */
  readonly bookToPrice: Float64Array;
  /** Trailing earnings-to-price (1 / PE TTM; negative with losses); NaN where unknown. */
  readonly earningsToPrice: Float64Array;
  /** Trailing cash-earnings-to-price (1 / PCF TTM); NaN where unknown. */
  readonly cashToPrice: Float64Array;
  /** 1 where the stock traded that day; 0 suspended, not yet listed or delisted. */
  readonly tradable: Uint8Array;
  /** 1 where the stock was under special treatment (ST, *ST) that day. */
  readonly st: Uint8Array;
  /** +1 closed at its limit-up price, -1 at its limit-down price, 0 otherwise (the board's rule on that date). */
  readonly limit: Int8Array;
  /** Per stock, its industry's index into `industries` (-1: unclassified). */
  readonly industry: Int32Array;
  readonly industries: readonly string[];
  /** Which classification `industry` is (e.g. 'CSRC', 'SW1') and its as-of date. */
  readonly classification: { readonly name: string; readonly asOf: string };
  /** Quarterly reports, each usable from the trading day after its announcement. */
  readonly fundamentals: readonly FundamentalReport[];
}

/** One quarterly report of one stock, as announced. Money in CNY, ratios as fractions; NaN where not reported. */
export interface FundamentalReport {
  readonly code: string;
  /** Announcement date (ISO): the report is known from the next trading day on. */
  readonly announced: string;
  /** Period end (ISO), e.g. '2024-03-31'. */
  readonly period: string;
  /** Return on average equity over the period (year to date, as reported). */
  readonly roe: number;
  /** Net profit attributable, year to date. */
  readonly netProfit: number;
  /** Operating revenue, year to date. */
  readonly revenue: number;
  readonly totalShares: number;
  readonly floatShares: number;
  readonly totalAssets: number;
  readonly totalLiabilities: number;
  /** Long-term debt. */
  readonly longTermDebt: number;
  /** Book value of common equity. */
  readonly bookEquity: number;
}

export type FundamentalField = Exclude<keyof FundamentalReport, 'code' | 'announced' | 'period'>;

/** A report with every figure unknown (NaN) but those given. */
export function partialReport(code: string, announced: string, period: string, figures: Partial<Record<FundamentalField, number>> = {}): FundamentalReport {
  const nan = Number.NaN;
  return { code, announced, period, roe: nan, netProfit: nan, revenue: nan, totalShares: nan, floatShares: nan, totalAssets: nan, totalLiabilities: nan, longTermDebt: nan, bookEquity: nan, ...figures };
}

/** Index of stock j on date t. */
export const cell = (p: Pick<StockPanel, 'codes'>, t: number, j: number): number => t * p.codes.length + j;

/** The cross-section of a field on date t (a view, not a copy). */
export function crossSection<T extends Float64Array | Uint8Array | Int8Array>(p: Pick<StockPanel, 'codes'>, m: T, t: number): T {
  const n = p.codes.length;
  return m.subarray(t * n, (t + 1) * n) as T;
}

/** Stock j's series of a field over all dates (a copy: the matrix is date-major). */
export function stockSeries(p: Pick<StockPanel, 'codes' | 'dates'>, m: Float64Array, j: number): Float64Array {
  const n = p.codes.length;
  return Float64Array.from({ length: p.dates.length }, (_, t) => m[t * n + j]!);
}

/**
 * A fundamental field as known on each date: the value of the latest report (by announcement,
 * then by period) announced strictly before the date. Strictly: A-share reports come out after
 * the close or on non-trading days, so a report is first tradable on the next trading day, and a
 * report announced after t can never reach t. NaN before a stock's first report.
 */
export function pointInTime(p: Pick<StockPanel, 'codes' | 'dates' | 'fundamentals'>, field: FundamentalField): Float64Array {
  const n = p.codes.length;
  const out = new Float64Array(p.dates.length * n).fill(Number.NaN);
  const col = new Map(p.codes.map((c, j) => [c, j]));
  const byStock = new Map<number, FundamentalReport[]>();
  for (const r of p.fundamentals) {
    const j = col.get(r.code);
    if (j === undefined) continue;
    const list = byStock.get(j);
    if (list) list.push(r);
    else byStock.set(j, [r]);
  }
  for (const [j, reports] of byStock) {
    // A restatement (same period, later announcement) replaces the earlier figure from its own date on.
    reports.sort((a, b) => (a.announced < b.announced ? -1 : a.announced > b.announced ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    let k = -1;
    let value = Number.NaN;
    for (let t = 0; t < p.dates.length; t++) {
      while (k + 1 < reports.length && reports[k + 1]!.announced < p.dates[t]!) {
        k++;
        // An older period announced late (a restated earlier quarter) does not replace a newer one.
        if (k === 0 || reports[k]!.period >= latestPeriod(reports, k)) value = reports[k]![field];
      }
      out[t * n + j] = value;
    }
  }
  return out;
}

/** The latest period among reports[0..k-1]. */
function latestPeriod(reports: readonly FundamentalReport[], k: number): string {
  let best = '';
  for (let i = 0; i < k; i++) if (reports[i]!.period > best) best = reports[i]!.period;
  return best;
}
