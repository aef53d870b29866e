import { describe, expect, it } from 'vitest';
import { groupByPeriod, sumByGroup } from '../../../src/eval/score/calendar.js';

describe('groupByPeriod', () => {
  const dates = ['2020-12-30', '2020-12-31', '2021-01-04', '2021-01-29', '2021-03-01', '2022-03-01'];
  it('groups by year and by month in date order, skipping empty periods', () => {
    expect(groupByPeriod(dates, 'year').map((g) => [g.key, Array.from(g.indices)])).toEqual([
      ['2020', [0, 1]],
      ['2021', [2, 3, 4]],
      ['2022', [5]],
    ]);
    expect(groupByPeriod(dates, 'month').map((g) => [g.key, Array.from(g.indices)])).toEqual([
      ['2020-12', [0, 1]],
      ['2021-01', [2, 3]],
      ['2021-03', [4]],
      ['2022-03', [5]],
    ]);
  });
  it('sums values over each group', () => {
    const months = groupByPeriod(dates, 'month');
    expect(Array.from(sumByGroup([1, 2, 3, 4, 5, 6], months))).toEqual([3, 7, 5, 6]);
  });
  it('refuses dates that are not ascending ISO dates', () => {
    expect(() => groupByPeriod(['2021-01-02', '2021-01-01'], 'year')).toThrow(/not ascending at 1/);
    expect(() => groupByPeriod(['2021-1-2'], 'year')).toThrow(/not YYYY-MM-DD/);
  });
});
