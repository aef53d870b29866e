// The run report as markdown (report.md), rendered from the sections of ./sections.ts, and the
// terminal summary: every headline number with its 95% interval, baselines on every table.

import type { Evaluation } from '../futures/evaluate.js';
import type { OverfitReport } from '../overfit/analysis.js';
import { runReport, type ReportBlock, type ReportDocument, type ReportSection, type RunInfo } from './sections.js';
import { classificationTable, comparisonTable, pathSummaryTable, regimeTable, scoreTable, strategyTable, type Table } from './tables.js';

/** A markdown table (also readable as plain text). */
export function mdTable(t: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(t.head), line(t.head.map(() => '---')), ...t.rows.map(line)].join('\n');
}

/** A block's lines, each block followed by a blank line; charts are left out (their tables carry the figures). */
function blockLines(b: ReportBlock, level: number): string[] {
  switch (b.kind) {
    case 'text':
      return [b.text, ''];
    case 'list':
      return [...b.items.map((i) => `- ${i.lead !== undefined ? `**${i.lead}**: ` : ''}${i.text}`), ''];
    case 'table':
      return [mdTable(b.table), ''];
    case 'chart':
      return [];
    case 'verdict':
      return [`**${b.text}**`, ...b.reasons.map((r) => `- ${r}`), ''];
    case 'code':
      return ['```', ...b.lines, '```', ''];
    case 'section':
      return sectionLines(b.section, level + 1);
  }
}

function sectionLines(s: ReportSection, level: number): string[] {
  return [`${'#'.repeat(level)} ${s.title}`, '', ...s.blocks.flatMap((b) => blockLines(b, level))];
}

/** A report document as markdown: sections are ##, their subsections ###. */
export function markdownDocument(d: ReportDocument): string {
  return [`# ${d.title}`, '', ...d.intro.flatMap((b) => blockLines(b, 1)), ...d.sections.flatMap((s) => sectionLines(s, 2))].join('\n');
}

export function markdownReport(info: RunInfo, e: Evaluation, overfit?: OverfitReport): string {
  return markdownDocument(runReport(info, e, overfit));
}

/** What `bft walk-forward` prints at the end: the OOS comparison and the down-market table. */
export function summaryLines(e: Evaluation): string[] {
  const trend = e.regimes.find((r) => r.definition === 'trend') ?? e.regimes[0];
  return [
    `out of sample: ${e.product} ${e.from}..${e.to}, ${e.days} test days`,
    mdTable(classificationTable(e)),
    mdTable(scoreTable(e)),
    mdTable(comparisonTable(e)),
    ...(trend ? [`down markets (${trend.definition}: ${trend.description})`, mdTable(regimeTable(e, trend))] : []),
    mdTable(strategyTable(e.strategies)),
    ...(e.paths ? [`CPCV: ${e.paths.paths} backtest paths`, mdTable(pathSummaryTable(e.paths))] : []),
  ];
}
