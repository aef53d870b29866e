// The run report as one self-contained HTML file (report.html): the tables of report.md and the
// charts of ./charts.ts as inline SVG, inline CSS, no script and no external resource, so it opens
// from a mail attachment or an air-gapped share the same as on the machine that wrote it.

import type { Evaluation } from '../eval/evaluate.js';
import type { OverfitReport } from '../eval/overfit/analysis.js';
import { checksTable, gapFoldTable, overfitFigures, verdictLine } from './overfit.js';
import { reportCharts, type Chart } from './charts.js';
import { scopeLine, type RunInfo } from './markdown.js';
import { renderSvg } from './svg.js';
import { classificationTable, classTable, comparisonTable, gapTable, pathRowsTable, PATHS_NOTE, pathSummaryTable, REGIME_NOTE, regimeTable, STRATEGY_NOTE, strategyTable, type Table } from './tables.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function htmlTable(t: Table): string {
  const cells = (tag: 'th' | 'td', row: readonly string[]): string => `<tr>${row.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table>\n<thead>${cells('th', t.head)}</thead>\n<tbody>\n${t.rows.map((r) => cells('td', r)).join('\n')}\n</tbody>\n</table>`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.45}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
table{border-collapse:collapse;font-size:.85em;margin:.8em 0;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}thead th{background:#f4f4f4}
figure{margin:1.2em 0}figcaption{font-size:.85em;color:#555;max-width:760px}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.8em}`;

/** The HTML page from an evaluation and its charts already rendered to SVG (pure). */
export function htmlReport(info: RunInfo, e: Evaluation, charts: readonly (Chart & { readonly svg: string })[], overfit?: OverfitReport): string {
  const figure = (c: Chart & { svg: string }): string => `<figure id="chart-${c.id}" class="chart">\n${c.svg}\n<figcaption>${escapeHtml(c.caption)}</figcaption>\n</figure>`;
  const byId = new Map(charts.map((c) => [c.id, c]));
  const chart = (id: string): string => {
    const c = byId.get(id);
    return c ? figure(c) : '';
  };
  const title = `Walk-forward run ${info.runId} (${info.experiment})`;
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(scopeLine(info, e))}</p>`,
    `<ul>${info.settings.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`,
    '<h2>Out-of-sample classification</h2>',
    htmlTable(classificationTable(e)),
    htmlTable(classTable(e)),
    htmlTable(comparisonTable(e)),
    chart('rolling-accuracy'),
    chart('calibration'),
    '<h2>Down markets</h2>',
    `<p>${escapeHtml(REGIME_NOTE)}</p>`,
    ...e.regimes.flatMap((t) => [`<h3>${escapeHtml(t.definition)}${t.knownAtT ? '' : ' (not known at t)'}</h3>`, `<p>${escapeHtml(t.description)}</p>`, htmlTable(regimeTable(e, t))]),
    chart('regimes'),
    '<h2>Strategies</h2>',
    `<p>${escapeHtml(STRATEGY_NOTE)}</p>`,
    htmlTable(strategyTable(e.strategies)),
    `<ul>${e.strategies.map((s) => `<li><b>${escapeHtml(s.name)}</b>: ${escapeHtml(s.description)}</li>`).join('')}</ul>`,
    chart('equity'),
    chart('drawdown'),
    ...(e.paths ? ['<h2 id="paths">CPCV backtest paths</h2>', `<p>${escapeHtml(PATHS_NOTE)}</p>`, htmlTable(pathSummaryTable(e.paths)), chart('paths'), htmlTable(pathRowsTable(e.paths))] : []),
    '<h2>Train vs out-of-sample</h2>',
    htmlTable(gapTable(e)),
    ...(overfit
      ? [
          '<h2 id="overfit">Overfitting and leakage checks</h2>',
          `<ul>${overfitFigures(overfit).map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
          htmlTable(checksTable(overfit)),
          `<p><b>${escapeHtml(verdictLine(overfit))}</b></p>`,
          overfit.reasons.length > 0 ? `<ul>${overfit.reasons.map((x) => `<li>${escapeHtml(x.text)}</li>`).join('')}</ul>` : '',
          '<h3>Train vs out-of-sample by fold</h3>',
          htmlTable(gapFoldTable(overfit)),
        ]
      : []),
    '<h2>Fold plan</h2>',
    `<pre>${escapeHtml(info.planLines.join('\n'))}</pre>`,
    '</body></html>',
    '',
  ];
  return parts.filter((p) => p !== '').join('\n');
}

/** Renders every chart and returns the page. */
export async function renderHtmlReport(info: RunInfo, e: Evaluation, overfit?: OverfitReport): Promise<string> {
  const charts = await Promise.all(reportCharts(e).map(async (c) => ({ ...c, svg: await renderSvg(c.spec) })));
  return htmlReport(info, e, charts, overfit);
}
