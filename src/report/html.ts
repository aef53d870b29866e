// The run report as one self-contained HTML file (report.html): the sections of ./sections.ts, the
// same as report.md, with their charts as inline SVG; inline CSS, no script and no external
// resource, so it opens from a mail attachment or an air-gapped share the same as on the machine
// that wrote it.

import type { Evaluation } from '../futures/evaluate.js';
import type { OverfitReport } from '../overfit/analysis.js';
import type { Chart } from './charts.js';
import { documentCharts, runReport, type ListItem, type ReportBlock, type ReportDocument, type ReportSection, type RunInfo } from './sections.js';
import { renderSvg } from './svg.js';
import type { Table } from './tables.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function htmlTable(t: Table): string {
  const text = new Set(t.textColumns ?? []);
  const cells = (tag: 'th' | 'td', row: readonly string[]): string => `<tr>${row.map((c, i) => `<${tag}${text.has(i) ? ' class="t"' : ''}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table>\n<thead>${cells('th', t.head)}</thead>\n<tbody>\n${t.rows.map((r) => cells('td', r)).join('\n')}\n</tbody>\n</table>`;
}

// Tables wrap inside their cells rather than scroll, so a screenshot or a print loses no column;
// in print every section starts a page, rows and figures do not split, charts shrink to the page.
const CSS = `body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
table{border-collapse:collapse;font-size:.85em;margin:.8em 0;max-width:100%}
th,td{border:1px solid #ddd;padding:.25em .45em;text-align:right;vertical-align:top;overflow-wrap:break-word}
th:first-child,td:first-child,th.t,td.t{text-align:left}thead th{background:#f4f4f4}
figure{margin:1.2em 0;break-inside:avoid}figcaption{font-size:.85em;color:#555;max-width:760px}
svg{max-width:100%;height:auto}
pre{background:#f7f7f7;padding:.8em;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8em}
section.summary{border:2px solid #0072b2;border-radius:6px;padding:.2em 1.2em .6em;background:#f5f9fc}
section.summary h2{margin-top:.6em;border:0}
@media print{@page{size:A4;margin:12mm}body{margin:0;padding:0;max-width:none;font-size:10pt}
section.report+section.report{break-before:page}section.summary+section.report{break-before:auto}
table{font-size:8pt}tr,figure{break-inside:avoid}thead{display:table-header-group}h2,h3{break-after:avoid}
section.summary{background:none}}`;

const heading = (s: ReportSection, level: number): string => `<h${level}${s.anchor ? ` id="${escapeHtml(s.id)}"` : ''}>${escapeHtml(s.title)}</h${level}>`;

function blockParts(b: ReportBlock, level: number, svgOf: ReadonlyMap<Chart, string>): string[] {
  const list = (items: readonly ListItem[]): string => `<ul>${items.map((i) => `<li>${i.lead !== undefined ? `<b>${escapeHtml(i.lead)}</b>: ` : ''}${escapeHtml(i.text)}</li>`).join('')}</ul>`;
  switch (b.kind) {
    case 'text':
      return [`<p>${escapeHtml(b.text)}</p>`];
    case 'list':
      return [list(b.items)];
    case 'table':
      return [htmlTable(b.table)];
    case 'chart': {
      const svg = svgOf.get(b.chart);
      if (svg === undefined) throw new Error(`report chart ${b.chart.id} was not rendered`);
      return [`<figure id="chart-${b.chart.id}" class="chart">\n${svg}\n<figcaption>${escapeHtml(b.chart.caption)}</figcaption>\n</figure>`];
    }
    case 'verdict':
      return [`<p><b>${escapeHtml(b.text)}</b></p>`, ...(b.reasons.length > 0 ? [list(b.reasons.map((r) => ({ text: r })))] : [])];
    case 'code':
      return [`<pre>${escapeHtml(b.lines.join('\n'))}</pre>`];
    case 'section':
      return sectionParts(b.section, level + 1, svgOf);
  }
}

function sectionParts(s: ReportSection, level: number, svgOf: ReadonlyMap<Chart, string>): string[] {
  const inner = [heading(s, level), ...s.blocks.flatMap((b) => blockParts(b, level, svgOf))];
  // Top-level sections are <section> elements: the print rules start each on a new page.
  return level === 2 ? [`<section class="${s.box ? 'summary' : 'report'}">`, ...inner, '</section>'] : inner;
}

/** The HTML page of a document whose charts are already rendered to SVG (pure). */
export function htmlDocument(d: ReportDocument, svgOf: ReadonlyMap<Chart, string>): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(d.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(d.title)}</h1>`,
    ...d.intro.flatMap((b) => blockParts(b, 1, svgOf)),
    ...d.sections.flatMap((s) => sectionParts(s, 2, svgOf)),
    '</body></html>',
  ].join('\n');
}

/** Renders every chart of the document to SVG and returns the page. */
export async function renderHtmlDocument(d: ReportDocument): Promise<string> {
  const charts = documentCharts(d);
  const svgs = await Promise.all(charts.map((c) => renderSvg(c.spec)));
  return htmlDocument(d, new Map(charts.map((c, i) => [c, svgs[i]!])));
}

/** A walk-forward run's page (with the overfitting checks when given). */
export function renderHtmlReport(info: RunInfo, e: Evaluation, overfit?: OverfitReport): Promise<string> {
  return renderHtmlDocument(runReport(info, e, overfit));
}
