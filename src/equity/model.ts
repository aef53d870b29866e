// The equity factor model of a panel (pure): style exposures (./exposures.ts), the daily
// cross-sectional regression of returns on country, industries and styles (./factor-returns.ts),
// the factor covariance, and each factor's return over the week, month and year to a date, as the
// broker weekly this module follows tabulates them.

import { styleExposures, type ExposureOptions, type StyleExposures } from './exposures.js';
import { BftError } from '../errors.js';
import { COUNTRY, factorCovariance, factorReturnSeries, SPARE_STOCKS, type FactorCovariance, type FactorReturnSeries } from './factor-returns.js';
import type { StockPanel } from './panel.js';

export interface FactorModel {
  readonly exposures: StyleExposures;
  readonly series: FactorReturnSeries;
  /** Daily factor covariance (half-life 90 days, USE4's volatility half-life); null with fewer than two dates on which every factor was estimated. */
  readonly covariance: FactorCovariance | null;
  /** Per factor: 'country', 'industry' or 'style'. */
  readonly kinds: Readonly<Record<string, 'country' | 'industry' | 'style'>>;
}

export interface ModelOptions extends ExposureOptions {
  /** A style whose exposures come from data on less than this share of stock-days is left out of the model; default 0.05. */
  readonly minStyleCoverage?: number;
}

/** Throws BftError 'no_data' when no date could be estimated (too few stocks for the factors). */
export function fitFactorModel(p: StockPanel, o: ModelOptions = {}): FactorModel {
  const exposures = styleExposures(p, o);
  const kept = exposures.styles.filter((s) => (exposures.coverage[s.name] ?? 0) >= (o.minStyleCoverage ?? 0.05));
  const series = factorReturnSeries(p, kept);
  if (!series.rSquared.some(Number.isFinite)) {
    throw new BftError('no_data', `the factor model estimated no date: a date needs at least ${SPARE_STOCKS} more stocks than factors (${p.codes.length} stocks, ${series.factors.length} factors: country, ${p.industries.length} industries, ${kept.length} styles)`);
  }
  const kinds = Object.fromEntries(series.factors.map((f) => [f, f === COUNTRY ? 'country' : p.industries.includes(f) ? 'industry' : 'style'] as const));
  const complete = series.dates.filter((_, t) => series.factors.every((__, k) => Number.isFinite(series.returns[t * series.factors.length + k]!))).length;
  return { exposures, series, covariance: complete >= 2 ? factorCovariance(series, { halfLife: 90 }) : null, kinds };
}

export interface PeriodReturn {
  readonly factor: string;
  readonly kind: 'country' | 'industry' | 'style';
  /** Sum of daily factor returns over the calendar week (Monday on), month and year to `asOf`. */
  readonly week: number;
  readonly month: number;
  readonly ytd: number;
  /** Days with an estimate in the year to date (a style without data sits days out). */
  readonly ytdDays: number;
  /** Mean |t| of the daily estimates in the year to date. */
  readonly meanAbsT: number;
}

/**
 * Each factor's return over the week, month and year to `asOf` (the last estimated date on or
 * before it): sums of daily returns, since factor returns are returns of long-short portfolios
 * that add up over days as Barra's cumulative factor returns do.
 */
export function periodReturns(m: FactorModel, asOf: string): { readonly asOf: string; readonly rows: readonly PeriodReturn[] } {
  const s = m.series;
  let end = -1;
  for (let t = 0; t < s.dates.length; t++) if (s.dates[t]! <= asOf) end = t;
  if (end < 0) throw new RangeError(`periodReturns: ${asOf} is before the panel's first date ${s.dates[0]}`);
  const date = s.dates[end]!;
  const monday = mondayOf(date);
  const P = s.factors.length;
  const rows = s.factors.map((f, k): PeriodReturn => {
    let week = 0;
    let month = 0;
    let ytd = 0;
    let days = 0;
    let absT = 0;
    for (let t = end; t >= 0 && s.dates[t]!.slice(0, 4) === date.slice(0, 4); t--) {
      const r = s.returns[t * P + k]!;
      if (!Number.isFinite(r)) continue;
      ytd += r;
      days++;
      absT += Math.abs(s.tStats[t * P + k]!);
      if (s.dates[t]!.slice(0, 7) === date.slice(0, 7)) month += r;
      if (s.dates[t]! >= monday) week += r;
    }
    return { factor: f, kind: m.kinds[f]!, week, month, ytd, ytdDays: days, meanAbsT: days > 0 ? absT / days : Number.NaN };
  });
  return { asOf: date, rows };
}

/** The Monday of the ISO week of `iso`. */
function mondayOf(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/** Cumulative sum of a factor's daily returns by date (NaN days add nothing). */
export function cumulativeReturn(s: FactorReturnSeries, factor: string): Float64Array {
  const k = s.factors.indexOf(factor);
  if (k < 0) throw new RangeError(`cumulativeReturn: no factor ${factor} (have ${s.factors.join(', ')})`);
  const P = s.factors.length;
  let sum = 0;
  return Float64Array.from(s.dates, (_, t) => {
    const r = s.returns[t * P + k]!;
    if (Number.isFinite(r)) sum += r;
    return sum;
  });
}
