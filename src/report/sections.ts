// A run report as data (pure): a title, an opening and an ordered list of sections, each a
// sequence of blocks — text, lists, tables, charts, subsections — built once from the evaluation.
// ./markdown.ts and ./html.ts render the same document; a new analysis (or another kind of
// dataset) adds sections to the array rather than a branch to each writer.
//
// Blocks are ordered, not grouped into notes / tables / charts, because where each goes is part of
// the report: the CPCV path chart sits between its two tables, a list follows the strategy table.

import type { Evaluation } from '../futures/evaluate.js';
import type { OverfitReport } from '../overfit/analysis.js';
import type { ReportBlock, ReportDocument, ReportSection } from './document.js';
import { calibrationChart, drawdownChart, equityChart, pathsChart, regimeChart, rollingAccuracyChart, type Chart } from './charts.js';
import { overfitSection } from './overfit.js';
import { classificationTable, classTable, comparisonTable, gapTable, pathRowsTable, PATHS_NOTE, pathSummaryTable, REGIME_NOTE, regimeTable, STRATEGY_NOTE, strategyTable, type Table } from './tables.js';

export interface RunInfo {
  readonly runId: string;
  readonly experiment: string;
  readonly folds: number;
  readonly planLines: readonly string[];
  readonly settings: readonly string[];
}

export type { ListItem, ReportBlock, ReportDocument, ReportSection } from './document.js';

/** The report's opening sentence: what was tested, over which days. */
export function scopeLine(info: RunInfo, e: Evaluation): string {
  return `Out of sample: ${e.product}, ${e.from} .. ${e.to}, ${e.days} test days in ${info.folds} folds. Intervals are 95% circular block-bootstrap intervals; p-values are two-sided.`;
}

const text = (t: string): ReportBlock => ({ kind: 'text', text: t });
const table = (t: Table): ReportBlock => ({ kind: 'table', table: t });
const chart = (c: Chart): ReportBlock => ({ kind: 'chart', chart: c });

export function classificationSection(e: Evaluation): ReportSection {
  return {
    id: 'classification',
    title: 'Out-of-sample classification',
    blocks: [table(classificationTable(e)), table(classTable(e)), table(comparisonTable(e)), chart(rollingAccuracyChart(e)), chart(calibrationChart(e))],
  };
}

/** A subsection per regime definition, then the chart of them all. */
export function downMarketsSection(e: Evaluation): ReportSection {
  return {
    id: 'regimes',
    title: 'Down markets',
    blocks: [
      text(REGIME_NOTE),
      ...e.regimes.map((t): ReportBlock => ({
        kind: 'section',
        section: { id: `regime-${t.definition}`, title: `${t.definition}${t.knownAtT ? '' : ' (not known at t)'}`, blocks: [text(t.description), table(regimeTable(e, t))] },
      })),
      chart(regimeChart(e)),
    ],
  };
}

export function strategiesSection(e: Evaluation): ReportSection {
  return {
    id: 'strategies',
    title: 'Strategies',
    blocks: [
      text(STRATEGY_NOTE),
      table(strategyTable(e.strategies)),
      { kind: 'list', items: e.strategies.map((s) => ({ lead: s.name, text: s.description })) },
      chart(equityChart(e)),
      chart(drawdownChart(e)),
    ],
  };
}

/** CPCV runs only (null otherwise). */
export function pathsSection(e: Evaluation): ReportSection | null {
  if (!e.paths) return null;
  const c = pathsChart(e);
  return {
    id: 'paths',
    title: 'CPCV backtest paths',
    anchor: true,
    blocks: [text(PATHS_NOTE), table(pathSummaryTable(e.paths)), ...(c ? [chart(c)] : []), table(pathRowsTable(e.paths))],
  };
}

export function gapSection(e: Evaluation): ReportSection {
  return { id: 'gap', title: 'Train vs out-of-sample', blocks: [table(gapTable(e))] };
}

/** The sections of a futures evaluation, in reading order. */
export function evaluationSections(e: Evaluation): ReportSection[] {
  const paths = pathsSection(e);
  return [classificationSection(e), downMarketsSection(e), strategiesSection(e), ...(paths ? [paths] : []), gapSection(e)];
}

export function foldPlanSection(info: RunInfo): ReportSection {
  return { id: 'plan', title: 'Fold plan', blocks: [{ kind: 'code', lines: info.planLines }] };
}

/**
 * A walk-forward run's report: the evaluation's sections, the overfitting checks when given
 * (bft overfit-check), the fold plan last. Another analysis can be spliced into `sections`.
 */
export function runReport(info: RunInfo, e: Evaluation, overfit?: OverfitReport): ReportDocument {
  return {
    title: `Walk-forward run ${info.runId} (${info.experiment})`,
    intro: [text(scopeLine(info, e)), { kind: 'list', items: info.settings.map((s) => ({ text: s })) }],
    sections: [...evaluationSections(e), ...(overfit ? [overfitSection(overfit)] : []), foldPlanSection(info)],
  };
}

/** Every chart of a document, sections and subsections, in reading order. */
export function documentCharts(d: ReportDocument): Chart[] {
  const inBlocks = (blocks: readonly ReportBlock[]): Chart[] => blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : b.kind === 'section' ? inBlocks(b.section.blocks) : []));
  return [...inBlocks(d.intro), ...d.sections.flatMap((s) => inBlocks(s.blocks))];
}
