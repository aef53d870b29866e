// The report as data: one section list, rendered by both writers. Charts get a stand-in SVG, so
// these tests stay pure (html.test.ts draws the real ones in a browser).

import { describe, expect, it } from 'vitest';
import { equityChart } from '../../src/report/charts.js';
import { htmlDocument } from '../../src/report/html.js';
import { markdownDocument } from '../../src/report/markdown.js';
import { jsonDocument, type JsonSection } from '../../src/report/json.js';
import { documentCharts, evaluationSections, runReport, type ReportDocument, type RunInfo } from '../../src/report/sections.js';
import { outcomeOf, verdictSentence } from '../../src/report/summary.js';
import { fixtureEvaluation, fixturePaths, fixturePlan } from '../helpers/evaluation.js';

const info: RunInfo = { runId: 'r1', experiment: 'fixture', folds: 4, planLines: ['4 folds', 'fold 0 ...'], settings: ['models: perfect, coin, long'], plan: fixturePlan(), command: 'bft walk-forward --config x/config.json', modelNotes: { coin: 'daily bars only' } };
const TITLES = ['Summary', 'Run settings', 'Out-of-sample classification', 'Down markets', 'Strategies', 'Risk and trading of perfect', 'By year and month', 'Folds'];

/** Every chart drawn as a marker naming it. */
const stubSvgs = (d: ReportDocument): Map<ReturnType<typeof documentCharts>[number], string> => new Map(documentCharts(d).map((c) => [c, `<svg data-stub="${c.id}"></svg>`]));

const mdHeadings = (md: string, level: number): string[] => md.split('\n').filter((l) => l.startsWith(`${'#'.repeat(level)} `)).map((l) => l.slice(level + 1));
const htmlHeadings = (html: string, level: number): string[] => [...html.matchAll(new RegExp(`<h${level}[^>]*>([^<]*)</h${level}>`, 'g'))].map((m) => m[1]!);

function cpcvEvaluation() {
  const e = fixtureEvaluation();
  const paths = fixturePaths();
  return { ...e, paths };
}

describe('report sections', () => {
  const e = fixtureEvaluation();

  it('markdown and HTML show the same sections and subsections in the same order', () => {
    const doc = runReport(info, e);
    const titles = doc.sections.map((s) => s.title);
    expect(titles).toEqual(TITLES);
    const md = markdownDocument(doc);
    const html = htmlDocument(doc, stubSvgs(doc));
    expect(mdHeadings(md, 2)).toEqual(titles);
    expect(htmlHeadings(html, 2)).toEqual(titles);
    expect(mdHeadings(md, 3)).toEqual(htmlHeadings(html, 3));
    expect(mdHeadings(md, 3)).toEqual([
      'Next-day move by predicted probability',
      ...e.regimes.map((t) => `${t.definition}${t.knownAtT ? '' : ' (not known at t)'}`),
      'Worst drawdowns of perfect',
      'Monthly returns of perfect',
      'Each fold out of sample',
      'Fold plan',
      'Train vs out-of-sample',
    ]);
    // The summary is set apart in a box; each other top-level section is a <section> (a page in print).
    expect(html).toContain('<section class="summary">\n<h2>Summary</h2>');
    expect(html.match(/<section class="report">/g)).toHaveLength(titles.length - 1);
  });

  it('charts go to HTML only, each once, in reading order', () => {
    const doc = runReport(info, e);
    const ids = documentCharts(doc).map((c) => c.id);
    expect(ids).toEqual(['rolling-accuracy', 'calibration', 'buckets', 'regimes', 'equity', 'underwater', 'rolling-sharpe', 'exposure', 'turnover', 'monthly', 'fold-timeline']);
    const html = htmlDocument(doc, stubSvgs(doc));
    expect([...html.matchAll(/data-stub="([^"]+)"/g)].map((m) => m[1])).toEqual(ids);
    expect(markdownDocument(doc)).not.toMatch(/svg|figure/);
    expect(() => htmlDocument(doc, new Map())).toThrow(/chart rolling-accuracy was not rendered/);
    // Without a dated plan the folds section still has its tables, and the plan as lines.
    const bare = runReport({ ...info, plan: undefined }, e);
    expect(documentCharts(bare).map((c) => c.id)).not.toContain('fold-timeline');
    expect(markdownDocument(bare)).toContain('```\n4 folds\nfold 0 ...\n```');
  });

  it('a CPCV evaluation adds the paths section after the calendar, its chart between its two tables', () => {
    expect(evaluationSections(e).map((s) => s.id)).toEqual(['classification', 'regimes', 'strategies', 'risk', 'calendar']);
    const sections = evaluationSections(cpcvEvaluation());
    expect(sections.map((s) => s.id)).toEqual(['classification', 'regimes', 'strategies', 'risk', 'calendar', 'paths']);
    expect(sections[5]!.blocks.map((b) => b.kind)).toEqual(['text', 'table', 'chart', 'table']);
  });

  it('the summary says whom the headline beats, cannot be told apart from or trails, with intervals, the gate, the span and the command', () => {
    expect(outcomeOf({ estimate: 0.05, lo: 0.01, hi: 0.09 })).toBe('beats');
    expect(outcomeOf({ estimate: 0.01, lo: -0.01, hi: 0.03 })).toBe('cannot be told apart from');
    expect(outcomeOf({ estimate: -0.05, lo: -0.09, hi: -0.01 })).toBe('trails');
    // "perfect" knows every label: it beats everything.
    expect(verdictSentence(e, { runId: 'r1', folds: 4, modelNotes: { coin: 'daily bars only' } })).toMatch(/^Out of sample, perfect beats always-long, coin \(daily bars only\), long, .*buy-and-hold.* and factors only \(95% intervals/);
    // "coin" as the headline cannot be told apart from always-long.
    const coinFirst = { ...e, models: [e.models[1]!, e.models[0]!, e.models[2]!] };
    expect(verdictSentence(coinFirst, { runId: 'r1', folds: 4 })).toContain('cannot be told apart from always-long');
    const md = markdownDocument(runReport(info, e));
    const summary = md.slice(md.indexOf('## Summary'), md.indexOf('## Run settings'));
    expect(summary).toContain(`- beats: accuracy +${e.models[0]!.versusAlwaysLong.estimate.toFixed(3)} [`);
    expect(summary).toContain('Overfitting gate: not run on this report (bft overfit-check --run r1).');
    expect(summary).toContain(`Data: T, test days ${e.from} .. ${e.to} (${e.days} days) in 4 folds (expanding)`);
    expect(summary).toContain('bft walk-forward --config x/config.json');
    expect(summary).toMatch(/\| perfect \| 1\.000 \[1\.000, 1\.000\] \|/);
  });

  it('the JSON report has the same sections and the same tables as report.md, from the one document', () => {
    const doc = runReport(info, e);
    const json = jsonDocument(doc);
    expect(json.sections.map((s) => s.title)).toEqual(TITLES);
    const md = markdownDocument(doc);
    const all = (s: JsonSection): JsonSection[] => [s, ...s.sections.flatMap(all)];
    const sections = json.sections.flatMap(all);
    // Every table of the JSON is printed in report.md, row by row, and their counts agree.
    const tables = sections.flatMap((s) => s.tables);
    for (const t of tables) for (const r of t.rows) expect(md).toContain(`| ${r.join(' | ')} |`);
    expect(tables).toHaveLength((md.match(/^\| --- /gm) ?? []).length);
    const ids = sections.map((s) => s.id);
    for (const id of ['summary', 'classification', 'buckets', 'risk', 'drawdowns', 'calendar', 'monthly', 'folds', 'fold-results', 'plan', 'gap']) expect(ids).toContain(id);
    const years = sections.find((s) => s.id === 'calendar')!.tables[0]!;
    expect(years.rows).toHaveLength(e.years.length);
    expect(sections.find((s) => s.id === 'risk')!.charts.map((c) => c.id)).toEqual(['underwater', 'rolling-sharpe', 'exposure', 'turnover']);
  });

  it('a section a caller appends shows in both writers; an anchored one gets an id in HTML', () => {
    const base = runReport(info, e);
    const extra = { ...equityChart(e), id: 'extra-equity', caption: 'extra <chart>' };
    const doc: ReportDocument = {
      ...base,
      sections: [
        ...base.sections,
        {
          id: 'per-year',
          title: 'By year',
          anchor: true,
          blocks: [
            { kind: 'text', text: 'one row a year' },
            { kind: 'table', table: { head: ['year', 'return'], rows: [['2020', '1.0%']] } },
            { kind: 'chart', chart: extra },
          ],
        },
      ],
    };
    const md = markdownDocument(doc);
    expect(md.endsWith('## By year\n\none row a year\n\n| year | return |\n| --- | --- |\n| 2020 | 1.0% |\n')).toBe(true);
    const html = htmlDocument(doc, stubSvgs(doc));
    expect(html).toContain('<section class="report">\n<h2 id="per-year">By year</h2>\n<p>one row a year</p>\n<table>');
    expect(html).toContain('<figure id="chart-extra-equity" class="chart">\n<svg data-stub="extra-equity"></svg>\n<figcaption>extra &lt;chart&gt;</figcaption>\n</figure>\n</section>\n</body></html>');
  });

  it('a verdict lists its reasons right under it; with none the bold line stands alone', () => {
    const doc = (reasons: string[]): ReportDocument => ({ title: 't', intro: [], sections: [{ id: 'gate', title: 'Gate', blocks: [{ kind: 'verdict', text: 'verdict: FAIL', reasons }, { kind: 'text', text: 'after' }] }] });
    expect(markdownDocument(doc(['a <1>', 'b']))).toBe('# t\n\n## Gate\n\n**verdict: FAIL**\n- a <1>\n- b\n\nafter\n');
    expect(markdownDocument(doc([]))).toBe('# t\n\n## Gate\n\n**verdict: FAIL**\n\nafter\n');
    expect(htmlDocument(doc(['a <1>']), new Map())).toContain('<h2>Gate</h2>\n<p><b>verdict: FAIL</b></p>\n<ul><li>a &lt;1&gt;</li></ul>\n<p>after</p>');
    expect(htmlDocument(doc([]), new Map())).toContain('<p><b>verdict: FAIL</b></p>\n<p>after</p>');
  });
});
