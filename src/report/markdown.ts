// The run report as markdown (report.md) and the terminal summary: the tables of ./tables.ts,
// every headline number with its 95% interval, baselines on every table, down markets separately.

import type { Evaluation } from '../eval/evaluate.js';
import type { OverfitReport } from '../eval/overfit/analysis.js';
import { overfitMarkdown } from './overfit.js';
import { classificationTable, classTable, comparisonTable, gapTable, pathRowsTable, PATHS_NOTE, pathSummaryTable, REGIME_NOTE, regimeTable, STRATEGY_NOTE, strategyTable, type Table } from './tables.js';

export interface RunInfo {
  readonly runId: string;
  readonly experiment: string;
  readonly folds: number;
  readonly planLines: readonly string[];
  readonly settings: readonly string[];
}

/** A markdown table (also readable as plain text). */
export function mdTable(t: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(t.head), line(t.head.map(() => '---')), ...t.rows.map(line)].join('\n');
}

/** The report's opening sentence: what was tested, over which days. */
export function scopeLine(info: RunInfo, e: Evaluation): string {
  return `Out of sample: ${e.product}, ${e.from} .. ${e.to}, ${e.days} test days in ${info.folds} folds. Intervals are 95% circular block-bootstrap intervals; p-values are two-sided.`;
}

export function markdownReport(info: RunInfo, e: Evaluation, overfit?: OverfitReport): string {
  const out: string[] = [
    `# Walk-forward run ${info.runId} (${info.experiment})`,
    '',
    scopeLine(info, e),
    '',
    ...info.settings.map((s) => `- ${s}`),
    '',
    '## Out-of-sample classification',
    '',
    mdTable(classificationTable(e)),
    '',
    mdTable(classTable(e)),
    '',
    mdTable(comparisonTable(e)),
    '',
    '## Down markets',
    '',
    REGIME_NOTE,
    '',
  ];
  for (const t of e.regimes) out.push(`### ${t.definition}${t.knownAtT ? '' : ' (not known at t)'}`, '', t.description, '', mdTable(regimeTable(e, t)), '');
  out.push('## Strategies', '', STRATEGY_NOTE, '', mdTable(strategyTable(e.strategies)), '');
  for (const s of e.strategies) out.push(`- **${s.name}**: ${s.description}`);
  if (e.paths) out.push('', '## CPCV backtest paths', '', PATHS_NOTE, '', mdTable(pathSummaryTable(e.paths)), '', mdTable(pathRowsTable(e.paths)));
  out.push('', '## Train vs out-of-sample', '', mdTable(gapTable(e)), '');
  if (overfit) out.push(overfitMarkdown(overfit, mdTable));
  out.push('## Fold plan', '', '```', ...info.planLines, '```', '');
  return out.join('\n');
}

/** What `bft walk-forward` prints at the end: the OOS comparison and the down-market table. */
export function summaryLines(e: Evaluation): string[] {
  const trend = e.regimes.find((r) => r.definition === 'trend') ?? e.regimes[0];
  return [
    `out of sample: ${e.product} ${e.from}..${e.to}, ${e.days} test days`,
    mdTable(classificationTable(e)),
    mdTable(comparisonTable(e)),
    ...(trend ? [`down markets (${trend.definition}: ${trend.description})`, mdTable(regimeTable(e, trend))] : []),
    mdTable(strategyTable(e.strategies)),
    ...(e.paths ? [`CPCV: ${e.paths.paths} backtest paths`, mdTable(pathSummaryTable(e.paths))] : []),
  ];
}
