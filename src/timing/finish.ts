// The timing kind's evaluator: a finished walk-forward run of futures timing models scored out of
// sample (accuracy, regimes, P&L in ticks against the traditional factors, CPCV paths), its files
// written (metrics.json, predictions.csv, report.md, report.html) and its headline figures given
// back to the engine and the command line.

import { join } from 'node:path';
import type { Evaluation, StrategyRow } from '../futures/evaluate.js';
import { datedPlan, describePlan } from '../eval/plan/folds.js';
import type { FinishedRun, RunVerdict } from '../eval/run/kind.js';
import type { OverfitReport } from '../overfit/analysis.js';
import { evaluateRun, type SeriesDataset } from '../futures/evaluate-run.js';
import { summaryLines } from '../report/markdown.js';
import type { JsonReport } from '../report/json.js';
import { writeRunFiles, type RunFiles } from '../report/run-files.js';
import type { RunInfo } from '../report/sections.js';

/** A strategy's per-date series, left to metrics.json. */
type PerDate = 'equity' | 'netReturn' | 'position' | 'turnover';

/** The out-of-sample figures of a run, as its summary tables show them; per-date series are left to metrics.json. */
export interface EvaluationFigures {
  readonly product: Evaluation['product'];
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly alwaysLong: number;
  readonly models: Evaluation['models'];
  readonly comparisons: Evaluation['comparisons'];
  readonly regimes: Evaluation['regimes'];
  readonly strategies: readonly Omit<StrategyRow, PerDate>[];
  readonly gap: Evaluation['gap'];
  readonly years: Evaluation['years'];
  readonly monthly: Evaluation['monthly'];
  readonly drawdowns: Evaluation['drawdowns'];
  readonly buckets: Evaluation['buckets'];
  readonly versus: Evaluation['versus'];
  readonly folds: Evaluation['folds'];
  /** The report's sections (the same as report.md): text and tables as printed. */
  readonly report?: JsonReport;
  /** CPCV runs: the number of backtest paths and each model's Sharpe over them. */
  readonly paths?: { readonly paths: number; readonly summary: NonNullable<Evaluation['paths']>['summary'] };
}

export function evaluationFigures(e: Evaluation): EvaluationFigures {
  return {
    product: e.product,
    from: e.from,
    to: e.to,
    days: e.days,
    alwaysLong: e.alwaysLong,
    models: e.models,
    comparisons: e.comparisons,
    regimes: e.regimes,
    strategies: e.strategies.map((s) => ({ name: s.name, kind: s.kind, description: s.description, stats: s.stats, sharpe: s.sharpe })),
    gap: e.gap,
    years: e.years,
    monthly: e.monthly,
    drawdowns: e.drawdowns,
    buckets: e.buckets,
    versus: e.versus,
    folds: e.folds,
    ...(e.paths ? { paths: { paths: e.paths.paths, summary: e.paths.summary } } : {}),
  };
}

/** What each built-in model kind reads, as the report's verdict names it. */
const MODEL_NOTES: Readonly<Record<string, string>> = { dual: 'daily and minute bars', daily: 'daily bars only', minute: 'minute bars only', logit: 'logistic regression' };

/** Scores a finished timing run from the store. */
export function evaluateTimingRun(run: FinishedRun<SeriesDataset>): Promise<Evaluation> {
  return evaluateRun(run.store, run.experiment, run.runId, run.dataset.series, run.models.map((m) => m.label), run.plan);
}

/**
 * Writes a scored run's files (with the gate's section when `overfit` is given: bft overfit-check)
 * and gives back its verdict.
 */
export async function timingVerdict(run: FinishedRun<SeriesDataset>, evaluation: Evaluation, overfit?: OverfitReport): Promise<RunVerdict<EvaluationFigures, RunFiles>> {
  const x = run.experiment;
  const st = x.strategy;
  const info: RunInfo = {
    runId: run.runId,
    experiment: x.name,
    folds: run.plan.folds.length,
    planLines: describePlan(run.plan, run.dataset.samples.date),
    settings: [
      `models: ${run.models.map((m) => `${m.label} (${m.spec.kind === 'logit' ? 'logistic regression on the last day' : `${m.spec.kind} ${m.spec.cell} ${m.spec.units} units, ${m.spec.rnn}`})`).join(', ')}; ${x.walkForward.seeds} seed(s) per fold, probabilities averaged`,
      `labels: next-day move (${run.dataset.config.execution}), ${run.dataset.config.labels}; costs ${st.commissionTicks} + ${st.slippageTicks} ticks per side; rule ${JSON.stringify(st.rule)}; factor-timing weight ${st.factorWeight}`,
    ],
    plan: datedPlan(run.plan, run.dataset.samples.date),
    // The run's resolved config is kept beside it: running it again repeats the run.
    command: `bft walk-forward --config ${join(run.dir, 'config.json')}`,
    modelNotes: Object.fromEntries(run.models.map((m) => [m.label, MODEL_NOTES[m.spec.kind] ?? `${m.spec.kind} model`])),
    periodsPerYear: st.periodsPerYear,
  };
  const { files, report } = await writeRunFiles(run.dir, info, evaluation, run.predictions, overfit);
  return {
    figures: { ...evaluationFigures(evaluation), report },
    summary: {
      accuracy: Object.fromEntries(evaluation.models.map((m) => [m.model, m.accuracy])),
      days: evaluation.days,
      from: evaluation.from,
      to: evaluation.to,
      ...(overfit ? { overfit: { pass: overfit.pass, reasons: overfit.reasons.map((r) => r.text) } } : {}),
    },
    lines: summaryLines(evaluation),
    files,
    report: files.html,
  };
}
