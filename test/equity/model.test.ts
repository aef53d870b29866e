import { describe, expect, it } from 'vitest';
import { factorReport } from '../../src/equity/factor-report.js';
import { dataCaveats } from '../../src/equity/factor-files.js';
import { cumulativeReturn, fitFactorModel, periodReturns, type FactorModel } from '../../src/equity/model.js';
import { markdownDocument } from '../../src/report/markdown.js';
import { jsonDocument } from '../../src/report/json.js';
import { randomPanel } from '../helpers/equity-panel.js';

describe('factor model', () => {
  it('periodReturns sums each factor over the week from Monday, the month and the year to the date; NaN days sit out', () => {
    const dates = ['2024-12-30', '2025-01-02', '2025-01-27', '2025-01-31', '2025-02-03', '2025-02-05', '2025-02-07'];
    const r = [0.5, 0.01, 0.02, 0.03, 0.04, Number.NaN, 0.06];
    const m = {
      series: { dates, factors: ['size'], returns: Float64Array.from(r), tStats: Float64Array.from(r, (x) => (Number.isFinite(x) ? 2 : Number.NaN)), rSquared: new Float64Array(7), nStocks: new Int32Array(7), residuals: new Float64Array(0), skipped: [], dropped: [] },
      kinds: { size: 'style' },
    } as unknown as FactorModel;
    // 2025-02-06 is no date of the series: the last one on or before it is 02-05.
    const a = periodReturns(m, '2025-02-06');
    expect(a.asOf).toBe('2025-02-05');
    expect(a.rows[0]!.week).toBeCloseTo(0.04, 12); // Mon 02-03 .. 02-05 (02-05 is NaN)
    expect(a.rows[0]!.month).toBeCloseTo(0.04, 12);
    expect(a.rows[0]!.ytd).toBeCloseTo(0.1, 12); // 2024-12-30 belongs to last year
    expect([a.rows[0]!.ytdDays, a.rows[0]!.meanAbsT]).toEqual([4, 2]);
    const b = periodReturns(m, '2025-02-07');
    expect([b.rows[0]!.week, b.rows[0]!.month, b.rows[0]!.ytd].map((x) => +x.toFixed(12))).toEqual([0.1, 0.1, 0.16]);
    expect(Array.from(cumulativeReturn(m.series, 'size')).map((x) => +x.toFixed(12))).toEqual([0.5, 0.51, 0.53, 0.56, 0.6, 0.6, 0.66]);
    expect(() => periodReturns(m, '2024-01-01')).toThrow(/before the panel's first date/);
    expect(() => cumulativeReturn(m.series, 'beta')).toThrow(/no factor beta/);
  });

  it('fits a panel end to end and reports it: the same sections in markdown and JSON, caveats found in the data', () => {
    const q = randomPanel(80, 420, 9);
    const p = { ...q, industry: Int32Array.from(q.codes, (_, j) => j % 4), industries: ['A', 'B', 'C', 'D'] };
    const m = fitFactorModel(p);
    expect(m.series.factors.slice(0, 5)).toEqual(['country', 'A', 'B', 'C', 'D']);
    expect(m.kinds['A']).toBe('industry');
    expect(m.kinds['size']).toBe('style');
    // Estimated on most days; the first has no exposures of the day before.
    expect(m.series.skipped[0]!.reason).toBe('first_date');
    expect(Array.from(m.series.rSquared).filter(Number.isFinite).length).toBeGreaterThan(400);
    const caveats = dataCaveats(p, m, 'TEST', true);
    expect(caveats[0]).toMatch(/TEST membership is one list applied back in time/);
    expect(caveats.some((c) => /^momentum: first exposure on/.test(c))).toBe(true);
    const doc = factorReport(p, m, p.dates.at(-1)!, { universe: 'random', caveats, command: 'bft equity factors' });
    const md = markdownDocument(doc);
    expect(doc.sections.map((s) => s.id)).toEqual(['summary', 'styles', 'industries', 'fit']);
    expect(jsonDocument(doc).sections.map((s) => s.title)).toEqual(doc.sections.map((s) => s.title));
    expect(md).toContain('| size |');
    expect(md).toContain('| A |');
  });
});
