import { describe, expect, it } from 'vitest';
import { BENCHMARK_COLOUR, seriesColours, timeAxis } from '../../src/report/chart-kit.js';
import { drawdownOf, equityChart, pathsChart, underwaterChart } from '../../src/report/charts.js';
import { calibrationChart, rollingAccuracyChart } from '../../src/report/classification-charts.js';
import { groupMatrixChart, timelineSegments } from '../../src/report/fold-charts.js';
import { documentCharts, runReport, type RunInfo } from '../../src/report/sections.js';
import { renderSvg } from '../../src/report/svg.js';
import { fixtureEvaluation, fixturePaths, fixturePlan } from '../helpers/evaluation.js';

type Rows = { data: { values: { series: string; value: number; date: string }[] } };

describe('chart series', () => {
  it('drawdownOf measures from the running peak, which starts at 0', () => {
    expect(Array.from(drawdownOf([-0.01, 0.02, 0.01, 0.03, 0.0]))).toEqual([-0.01, 0, -0.01, 0, -0.03]);
  });

  it('timeAxis labels carry the year at every span, and the domain is the whole test span', () => {
    const formats = [
      ['2021-01-04', '2021-02-26'],
      ['2021-01-04', '2021-12-31'],
      ['2015-01-05', '2025-04-07'],
    ].map((d) => (timeAxis(d) as { axis: { format: string } }).axis.format);
    expect(formats).toEqual(['%d %b %Y', '%b %Y', '%Y']);
    expect((timeAxis(['2021-01-04', '2021-12-31']) as { scale: { domain: number[] } }).scale.domain).toEqual([Date.parse('2021-01-04'), Date.parse('2021-12-31')]);
  });
});

describe('report charts', () => {
  const e = fixtureEvaluation();
  const colourOf = (spec: unknown, name: string): string => {
    const find = (x: unknown): string | null => {
      if (Array.isArray(x)) return x.map(find).find((v) => v !== null) ?? null;
      if (x === null || typeof x !== 'object') return null;
      const o = x as Record<string, unknown>;
      const scale = o['scale'] as { domain?: unknown[]; range?: string[] } | undefined;
      if (scale?.domain && scale.range && scale.domain.includes(name)) return scale.range[scale.domain.indexOf(name)]!;
      return find(Object.values(o));
    };
    return find(spec) ?? 'none';
  };

  it('one colour per series in every chart: the headline first in the palette, the benchmark grey', () => {
    const colours = seriesColours(e);
    expect(colours.get('buy-and-hold')).toBe(BENCHMARK_COLOUR);
    expect(colours.get('always-long')).toBe(BENCHMARK_COLOUR);
    expect(new Set(e.models.map((m) => colours.get(m.model))).size).toBe(e.models.length);
    for (const chart of [equityChart(e), rollingAccuracyChart(e), underwaterChart(e)]) expect(colourOf(chart.spec, 'perfect'), chart.id).toBe(colours.get('perfect'));
    expect(colourOf(rollingAccuracyChart(e).spec, 'always-long')).toBe(BENCHMARK_COLOUR);
  });

  it('draws the benchmarks in the equity chart and every model in the rolling accuracy chart', () => {
    const equity = equityChart(e).spec as Rows;
    expect([...new Set(equity.data.values.map((r) => r.series))]).toEqual(['perfect', 'coin', 'long', 'buy-and-hold', 'perfect + factors', 'factors only']);
    // The last point of each curve is the strategy's final equity.
    const bh = e.strategies.find((s) => s.name === 'buy-and-hold')!;
    const lastBh = equity.data.values.filter((r) => r.series === 'buy-and-hold').at(-1)!;
    expect(lastBh.date).toBe(e.dates.at(-1));
    expect(lastBh.value).toBeCloseTo(bh.equity.at(-1)!, 5);
    const perfect = (rollingAccuracyChart(e).spec as Rows).data.values.filter((r) => r.series === 'perfect');
    expect(perfect.length).toBe(e.days - 59); // 60-day window
    expect(perfect.every((r) => r.value === 1)).toBe(true);
  });

  it('the underwater chart shows the headline and buy-and-hold only, at or below 0', () => {
    const rows = (underwaterChart(e).spec as Rows).data.values;
    expect([...new Set(rows.map((r) => r.series))]).toEqual(['perfect', 'buy-and-hold']);
    expect(rows.every((r) => r.value <= 0)).toBe(true);
    const bhMin = Math.min(...rows.filter((r) => r.series === 'buy-and-hold').map((r) => r.value));
    expect(-bhMin).toBeCloseTo(e.strategies.find((s) => s.name === 'buy-and-hold')!.stats.maxDrawdown, 5);
  });

  it('calibration names each panel’s bin count; every point has an interval around it', () => {
    const spec = calibrationChart(e).spec as { hconcat: { title: { text: string }; data: { values: { observed: number; lo: number; hi: number; n: number }[] } }[] };
    expect(spec.hconcat.map((p) => p.title.text)).toEqual(['perfect: 10 bins of 19-20 days', 'coin: 10 bins of 19-20 days', 'long: 10 bins of 19-20 days']);
    for (const p of spec.hconcat) {
      expect(p.data.values.reduce((s, r) => s + r.n, 0)).toBe(e.days);
      for (const r of p.data.values) expect(r.lo <= r.observed && r.observed <= r.hi).toBe(true);
    }
  });

  it('the fold timeline marks the purge between validation and test, and the CPCV matrix gives each path one fold per group', () => {
    const plan = fixturePlan();
    const fold0 = timelineSegments(plan).filter((s) => s.fold === 0);
    expect(fold0.map((s) => s.kind)).toEqual(['train', 'purged / embargoed', 'validation', 'purged / embargoed', 'test']);
    expect(fold0.at(-1)!.from).toBe(plan.folds[0]!.test[0]!.from);
    expect(groupMatrixChart(plan)).toBeNull();

    const cpcv = fixturePlan('cpcv');
    const cells = (groupMatrixChart(cpcv)!.spec as { data: { values: { fold: string; group: string; role: string; path: string }[] } }).data.values;
    expect(cells).toHaveLength(15 * 6);
    expect(cells.filter((c) => c.role === 'test')).toHaveLength(15 * 2);
    // Every tested cell belongs to a path, and each path appears once in every group's column.
    expect(cells.filter((c) => c.role === 'test').every((c) => /^p\d$/.test(c.path))).toBe(true);
    for (const g of new Set(cells.map((c) => c.group))) {
      expect(cells.filter((c) => c.group === g && c.path !== '').map((c) => c.path).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    }
  });

  it('renders every chart of a CPCV report to SVG in Node with inline data only', async () => {
    const info: RunInfo = { runId: 'r', experiment: 'x', folds: 15, planLines: [], settings: [], plan: fixturePlan('cpcv') };
    const charts = documentCharts(runReport(info, { ...e, paths: fixturePaths() }));
    expect(charts.map((c) => c.id)).toEqual(['rolling-accuracy', 'calibration', 'buckets', 'regimes', 'equity', 'underwater', 'rolling-sharpe', 'exposure', 'turnover', 'monthly', 'paths', 'fold-timeline', 'cpcv-groups']);
    for (const c of charts) {
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
    const spec = pathsChart({ ...e, paths })!.spec as Rows;
    expect([...new Set(spec.data.values.map((r) => r.series))]).toEqual(['path 0', 'path 1', 'all folds averaged']);
    // Path 0 is the run's own predictions, so it ends where the model's equity ends; path 1 loses.
    const last = (name: string): number => spec.data.values.filter((r) => r.series === name).at(-1)!.value;
    const perfect = e.strategies.find((x) => x.name === 'perfect')!;
    expect(last('path 0')).toBeCloseTo(perfect.equity.at(-1)!, 5);
    expect(last('all folds averaged')).toBeCloseTo(perfect.equity.at(-1)!, 5);
    expect(last('path 1')).toBeLessThan(0);
    expect(pathsChart(e)).toBeNull();
  });
});
