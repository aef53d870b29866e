import { describe, expect, it } from 'vitest';
import { calibrationBins, drawdownOf, reportCharts } from '../../src/report/charts.js';
import { renderSvg } from '../../src/report/svg.js';
import { fixtureEvaluation, fixturePaths } from '../helpers/evaluation.js';

describe('chart series', () => {
  it('drawdownOf measures from the running peak, which starts at 0', () => {
    expect(Array.from(drawdownOf([-0.01, 0.02, 0.01, 0.03, 0.0]))).toEqual([-0.01, 0, -0.01, 0, -0.03]);
  });

  it('calibrationBins makes quantile bins of equal size whose means are those of their members', () => {
    const prob = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, Number.NaN];
    const label = [1, 0, 1, 0, 1, 0, 1, 0, 0, 1];
    const bins = calibrationBins(prob, label, 3);
    expect(bins.map((b) => b.n)).toEqual([3, 3, 3]); // the NaN is left out
    expect(bins[0]!.meanProbability).toBeCloseTo((0.1 + 0.2 + 0.3) / 3, 12);
    expect(bins[0]!.upShare).toBe(0);
    expect(bins[2]!.meanProbability).toBeCloseTo((0.7 + 0.8 + 0.9) / 3, 12);
    expect(bins[2]!.upShare).toBe(1);
    expect(() => calibrationBins([0.5], [1, 0])).toThrow(/1 probabilities but 2 labels/);
  });
});

describe('report charts', () => {
  const e = fixtureEvaluation();

  it('draws the benchmarks in the equity chart and every model in the rolling accuracy chart', () => {
    const charts = reportCharts(e);
    expect(charts.map((c) => c.id)).toEqual(['equity', 'drawdown', 'rolling-accuracy', 'regimes', 'calibration']);
    const equity = charts[0]!.spec as { data: { values: { series: string; value: number; date: string }[] } };
    const series = new Set(equity.data.values.map((r) => r.series));
    expect([...series]).toEqual(['perfect', 'coin', 'long', 'buy-and-hold', 'perfect + factors', 'factors only']);
    // The last point of each curve is the strategy's final equity.
    const bh = e.strategies.find((s) => s.name === 'buy-and-hold')!;
    const lastBh = equity.data.values.filter((r) => r.series === 'buy-and-hold').at(-1)!;
    expect(lastBh.date).toBe(e.dates.at(-1));
    expect(lastBh.value).toBeCloseTo(bh.equity.at(-1)!, 5);
    const rolling = charts[2]!.spec as { data: { values: { series: string; value: number }[] } };
    const perfect = rolling.data.values.filter((r) => r.series === 'perfect');
    expect(perfect.length).toBe(e.days - 59); // 60-day window
    expect(perfect.every((r) => r.value === 1)).toBe(true);
  });

  it('renders each chart to SVG in Node with inline data only', async () => {
    for (const c of reportCharts(e)) {
      const svg = await renderSvg(c.spec);
      expect(svg.startsWith('<svg'), c.id).toBe(true);
      expect(svg.length, c.id).toBeGreaterThan(2000);
      expect(svg, c.id).toMatch(/<path/);
    }
    // A spec that asks for a URL is refused rather than fetched.
    await expect(renderSvg({ data: { url: 'https://example.com/x.csv' }, mark: 'point' })).rejects.toThrow(/inline data only/);
  });

  it('draws every CPCV path of the headline model beside the all-folds average', () => {
    const paths = fixturePaths();
    expect(paths.rows.filter((r) => r.model === 'perfect').map((r) => r.accuracy)).toEqual([1, 0]);
    const charts = reportCharts({ ...e, paths });
    expect(charts.map((c) => c.id)).toEqual(['equity', 'drawdown', 'rolling-accuracy', 'regimes', 'calibration', 'paths']);
    const spec = charts[5]!.spec as { data: { values: { series: string; value: number }[] } };
    expect([...new Set(spec.data.values.map((r) => r.series))]).toEqual(['path 0', 'path 1', 'all folds averaged']);
    // Path 0 is the run's own predictions, so it ends where the model's equity ends; path 1 loses.
    const last = (name: string): number => spec.data.values.filter((r) => r.series === name).at(-1)!.value;
    const perfect = e.strategies.find((x) => x.name === 'perfect')!;
    expect(last('path 0')).toBeCloseTo(perfect.equity.at(-1)!, 5);
    expect(last('all folds averaged')).toBeCloseTo(perfect.equity.at(-1)!, 5);
    expect(last('path 1')).toBeLessThan(0);
    expect(reportCharts(e).some((c) => c.id === 'paths')).toBe(false);
  });
});
