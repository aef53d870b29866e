// A run report as data (pure): a title, an opening and an ordered list of sections, each a
// sequence of blocks — text, lists, tables, charts, subsections — built once from the evaluation.
// ./markdown.ts, ./html.ts and ./json.ts render the same document; a new analysis (or another kind
// of dataset) adds sections to the array rather than a branch to each writer.
//
// Blocks are ordered, not grouped into notes / tables / charts, because where each goes is part of
// the report: the CPCV path chart sits between its two tables, a list follows the strategy table.

import type { DatedPlan } from '../eval/plan/folds.js';
import type { Evaluation } from '../futures/evaluate.js';
import type { OverfitReport } from '../overfit/analysis.js';
import type { ReportBlock, ReportDocument, ReportSection } from './document.js';
import { bucketTable, drawdownTable, foldTable, monthlyTable, planTable, versusTable, yearTable } from './breakdown-tables.js';
import type { Chart } from './chart-kit.js';
import { equityChart, exposureChart, monthlyChart, pathsChart, rollingSharpeChart, turnoverChart, underwaterChart } from './charts.js';
import { bucketChart, calibrationChart, regimeChart, rollingAccuracyChart } from './classification-charts.js';
import { foldTimelineChart, groupMatrixChart } from './fold-charts.js';
import { overfitSection } from './overfit.js';
import { summarySection } from './summary.js';
import { classificationTable, classTable, comparisonTable, gapTable, pathRowsTable, PATHS_NOTE, pathSummaryTable, REGIME_NOTE, regimeTable, scoreTable, STRATEGY_NOTE, strategyTable, tradingTable, type Table } from './tables.js';

export interface RunInfo {
  readonly runId: string;
  readonly experiment: string;
  readonly folds: number;
  readonly planLines: readonly string[];
  readonly settings: readonly string[];
  /** The plan with dates: the fold timeline and plan table (without it, the plan lines are shown). */
  readonly plan?: DatedPlan;
  /** How to make the run again. */
  readonly command?: string;
  /** Per model label, what it reads ("daily bars only"), for the summary's verdict. */
  readonly modelNotes?: Readonly<Record<string, string>>;
  /** Daily returns per year (annualises the rolling Sharpe and turnover); default 250. */
  readonly periodsPerYear?: number;
}

export type { ListItem, ReportBlock, ReportDocument, ReportSection } from './document.js';

/** The run settings' opening sentence: what was tested, over which days, and how intervals are made. */
export function scopeLine(info: RunInfo, e: Evaluation): string {
  return `Out of sample: ${e.product}, ${e.from} .. ${e.to}, ${e.days} test days in ${info.folds} folds. Intervals are 95% circular block-bootstrap intervals; p-values are two-sided.`;
}

const text = (t: string): ReportBlock => ({ kind: 'text', text: t });
const table = (t: Table): ReportBlock => ({ kind: 'table', table: t });
const chart = (c: Chart): ReportBlock => ({ kind: 'chart', chart: c });
const sub = (id: string, title: string, blocks: readonly ReportBlock[]): ReportBlock => ({ kind: 'section', section: { id, title, blocks } });

export function classificationSection(e: Evaluation): ReportSection {
  return {
    id: 'classification',
    title: 'Out-of-sample classification',
    blocks: [
      table(classificationTable(e)),
      table(scoreTable(e)),
      table(classTable(e)),
      table(comparisonTable(e)),
      chart(rollingAccuracyChart(e)),
      chart(calibrationChart(e)),
      sub('buckets', 'Next-day move by predicted probability', [table(bucketTable(e)), chart(bucketChart(e))]),
    ],
  };
}

/** A subsection per regime definition, then the chart of them all. */
export function downMarketsSection(e: Evaluation): ReportSection {
  return {
    id: 'regimes',
    title: 'Down markets',
    blocks: [
      text(REGIME_NOTE),
      ...e.regimes.map((t): ReportBlock => sub(`regime-${t.definition}`, `${t.definition}${t.knownAtT ? '' : ' (not known at t)'}`, [text(t.description), table(regimeTable(e, t))])),
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
      table(tradingTable(e.strategies)),
      { kind: 'list', items: e.strategies.map((s) => ({ lead: s.name, text: s.description })) },
      chart(equityChart(e)),
      text(`${e.models[0]!.model}'s strategy against each other strategy, on the same days (a paired block bootstrap):`),
      table(versusTable(e)),
    ],
  };
}

/** The headline strategy's risk: under water, its worst drawdowns, rolling Sharpe, exposure and turnover. */
export function riskSection(e: Evaluation, periodsPerYear: number): ReportSection {
  const h = e.strategies[0]!.name;
  return {
    id: 'risk',
    title: `Risk and trading of ${h}`,
    blocks: [
      chart(underwaterChart(e)),
      sub('drawdowns', `Worst drawdowns of ${h}`, [text('Depth in fractions of one contract notional; "not yet": still under water on the last test day.'), table(drawdownTable(e))]),
      chart(rollingSharpeChart(e, periodsPerYear)),
      chart(exposureChart(e)),
      chart(turnoverChart(e, periodsPerYear)),
    ],
  };
}

export function calendarSection(e: Evaluation): ReportSection {
  const h = e.strategies[0]!.name;
  return {
    id: 'calendar',
    title: 'By year and month',
    blocks: [
      text('Each model strategy and buy-and-hold per calendar year (buy-and-hold scores always-long’s calls); a year at either end of the test span may be partial. Sharpe over one year of daily returns has an interval of about ±2.'),
      table(yearTable(e)),
      sub('monthly', `Monthly returns of ${h}`, [chart(monthlyChart(e)), table(monthlyTable(e))]),
    ],
  };
}

/** The folds: their timeline (and CPCV group matrix), each one's out-of-sample figures, the plan, the train/OOS gap. */
export function foldsSection(e: Evaluation, info: RunInfo): ReportSection {
  const plan = info.plan;
  const matrix = plan ? groupMatrixChart(plan) : null;
  return {
    id: 'folds',
    title: 'Folds',
    anchor: true,
    blocks: [
      ...(info.planLines[0] ? [text(info.planLines[0])] : []),
      ...(plan ? [chart(foldTimelineChart(plan))] : []),
      ...(matrix ? [chart(matrix)] : []),
      sub('fold-results', 'Each fold out of sample', [text('Each fold scored on its own predictions (seeds averaged); its strategy starts flat at the fold’s first test day.'), table(foldTable(e))]),
      sub('plan', 'Fold plan', plan ? [table(planTable(plan))] : [{ kind: 'code', lines: info.planLines }]),
      sub('gap', 'Train vs out-of-sample', [table(gapTable(e))]),
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

/** The sections of a futures evaluation, in reading order (the summary and the folds need the run too: runReport). */
export function evaluationSections(e: Evaluation, periodsPerYear = 250): ReportSection[] {
  const paths = pathsSection(e);
  return [classificationSection(e), downMarketsSection(e), strategiesSection(e), riskSection(e, periodsPerYear), calendarSection(e), ...(paths ? [paths] : [])];
}

/**
 * A walk-forward run's report: the summary box, the evaluation's sections, the folds, the
 * overfitting checks when given (bft overfit-check). Another analysis can be spliced into `sections`.
 */
export function runReport(info: RunInfo, e: Evaluation, overfit?: OverfitReport): ReportDocument {
  const summary = summarySection(e, { runId: info.runId, folds: info.folds, ...(info.command ? { command: info.command } : {}), ...(info.modelNotes ? { modelNotes: info.modelNotes } : {}), ...(info.plan ? { scheme: info.plan.config.scheme } : {}) }, overfit);
  const settings: ReportSection = { id: 'settings', title: 'Run settings', blocks: [text(scopeLine(info, e)), { kind: 'list', items: info.settings.map((s) => ({ text: s })) }] };
  return {
    title: `Walk-forward run ${info.runId} (${info.experiment})`,
    intro: [],
    sections: [summary, settings, ...evaluationSections(e, info.periodsPerYear), foldsSection(e, info), ...(overfit ? [overfitSection(overfit)] : [])],
  };
}

/** Every chart of a document, sections and subsections, in reading order. */
export function documentCharts(d: ReportDocument): Chart[] {
  const inBlocks = (blocks: readonly ReportBlock[]): Chart[] => blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : b.kind === 'section' ? inBlocks(b.section.blocks) : []));
  return [...inBlocks(d.intro), ...d.sections.flatMap((s) => inBlocks(s.blocks))];
}
