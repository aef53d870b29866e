// Test dates grouped by calendar period (pure): the per-year tables and the monthly-returns grid
// of a report sum or score each group's days. Dates are ISO 'YYYY-MM-DD' strings in ascending order.

export type CalendarPeriod = 'year' | 'month';

export interface PeriodGroup {
  /** '2021' for a year, '2021-03' for a month. */
  readonly key: string;
  /** Indices into the dates, ascending. */
  readonly indices: Int32Array;
}

/** The dates' indices by year or month, in date order (periods without a date are absent). */
export function groupByPeriod(dates: readonly string[], period: CalendarPeriod): PeriodGroup[] {
  const width = period === 'year' ? 4 : 7;
  const groups: { key: string; indices: number[] }[] = [];
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new RangeError(`groupByPeriod: dates[${i}] is "${d}", not YYYY-MM-DD`);
    if (i > 0 && d <= dates[i - 1]!) throw new RangeError(`groupByPeriod: dates are not ascending at ${i} (${dates[i - 1]} then ${d})`);
    const key = d.slice(0, width);
    const last = groups.at(-1);
    if (last?.key === key) last.indices.push(i);
    else groups.push({ key, indices: [i] });
  }
  return groups.map((g) => ({ key: g.key, indices: Int32Array.from(g.indices) }));
}

/** Sum of values over each group's indices (a period's additive return). */
export function sumByGroup(values: ArrayLike<number>, groups: readonly PeriodGroup[]): Float64Array {
  return Float64Array.from(groups, (g) => g.indices.reduce((s, i) => s + values[i]!, 0));
}
