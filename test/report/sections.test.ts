// The report as data: one section list, rendered by both writers. Charts get a stand-in SVG, so
// these tests stay pure (html.test.ts draws the real ones in a browser).

import { describe, expect, it } from 'vitest';
import { equityChart } from '../../src/report/charts.js';
import { htmlDocument } from '../../src/report/html.js';
import { markdownDocument } from '../../src/report/markdown.js';
import { documentCharts, evaluationSections, runReport, type ReportDocument, type RunInfo } from '../../src/report/sections.js';
import { fixtureEvaluation, fixturePaths } from '../helpers/evaluation.js';

const info: RunInfo = { runId: 'r1', experiment: 'fixture', folds: 4, planLines: ['4 folds', 'fold 0 ...'], settings: ['models: perfect, coin, long'] };

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
    expect(titles).toEqual(['Out-of-sample classification', 'Down markets', 'Strategies', 'Train vs out-of-sample', 'Fold plan']);
    const md = markdownDocument(doc);
    const html = htmlDocument(doc, stubSvgs(doc));
    expect(mdHeadings(md, 2)).toEqual(titles);
    expect(htmlHeadings(html, 2)).toEqual(titles);
    expect(mdHeadings(md, 3)).toEqual(htmlHeadings(html, 3));
    expect(mdHeadings(md, 3)).toEqual(e.regimes.map((t) => `${t.definition}${t.knownAtT ? '' : ' (not known at t)'}`));
  });

  it('charts go to HTML only, each once, in reading order', () => {
    const doc = runReport(info, e);
    const ids = documentCharts(doc).map((c) => c.id);
    expect(ids).toEqual(['rolling-accuracy', 'calibration', 'regimes', 'equity', 'drawdown']);
    const html = htmlDocument(doc, stubSvgs(doc));
    expect([...html.matchAll(/data-stub="([^"]+)"/g)].map((m) => m[1])).toEqual(ids);
    expect(markdownDocument(doc)).not.toMatch(/svg|figure/);
    expect(() => htmlDocument(doc, new Map())).toThrow(/chart rolling-accuracy was not rendered/);
  });

  it('a CPCV evaluation adds the paths section before the train/OOS gap, its chart between its two tables', () => {
    expect(evaluationSections(e).map((s) => s.id)).toEqual(['classification', 'regimes', 'strategies', 'gap']);
    const sections = evaluationSections(cpcvEvaluation());
    expect(sections.map((s) => s.id)).toEqual(['classification', 'regimes', 'strategies', 'paths', 'gap']);
    expect(sections[3]!.blocks.map((b) => b.kind)).toEqual(['text', 'table', 'chart', 'table']);
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
    expect(html).toContain('<h2 id="per-year">By year</h2>\n<p>one row a year</p>\n<table>');
    expect(html).toContain('<figure id="chart-extra-equity" class="chart">\n<svg data-stub="extra-equity"></svg>\n<figcaption>extra &lt;chart&gt;</figcaption>\n</figure>\n</body></html>');
  });

  it('a verdict lists its reasons right under it; with none the bold line stands alone', () => {
    const doc = (reasons: string[]): ReportDocument => ({ title: 't', intro: [], sections: [{ id: 'gate', title: 'Gate', blocks: [{ kind: 'verdict', text: 'verdict: FAIL', reasons }, { kind: 'text', text: 'after' }] }] });
    expect(markdownDocument(doc(['a <1>', 'b']))).toBe('# t\n\n## Gate\n\n**verdict: FAIL**\n- a <1>\n- b\n\nafter\n');
    expect(markdownDocument(doc([]))).toBe('# t\n\n## Gate\n\n**verdict: FAIL**\n\nafter\n');
    expect(htmlDocument(doc(['a <1>']), new Map())).toContain('<h2>Gate</h2>\n<p><b>verdict: FAIL</b></p>\n<ul><li>a &lt;1&gt;</li></ul>\n<p>after</p>');
    expect(htmlDocument(doc([]), new Map())).toContain('<p><b>verdict: FAIL</b></p>\n<p>after</p>');
  });
});
