// bft walk-forward: an experiment config → a run under experiments/<name>/runs/<run_id>/ with
// out-of-sample predictions in the store; --plan prints the folds only.

import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { Store } from '../../data/store.js';
import type { Evaluation, StrategyRow } from '../../eval/evaluate.js';
import type { ResolvedExperiment } from '../../eval/experiment.js';
import type { JobResult } from '../../eval/jobs.js';
import type { OverfitReport } from '../../eval/overfit/analysis.js';
import type { WalkForwardOutcome } from '../../eval/walkforward.js';
import type { RunFiles } from '../../report/run-files.js';
import { BACKEND_NAMES, type BackendName } from '../../models/backend-names.js';
import type { Output } from '../output.js';
import { wholeNumberOption } from '../options.js';
import { withExamples, withExistingStore, withJsonOption, withStoreOptions, withStoreToRead, type JsonArgs, type StoreArgs } from './common.js';

export const DEFAULT_EXPERIMENTS_DIR = 'experiments';

interface WalkForwardArgs extends StoreArgs, JsonArgs {
  config: string;
  plan: boolean;
  workers?: number | undefined;
  resume?: string | undefined;
  backend?: BackendName | undefined;
  rnn?: 'fused' | 'stock' | undefined;
  experiments: string;
}

export const walkForwardCommand: CommandModule<object, WalkForwardArgs> = {
  command: 'walk-forward',
  describe: 'retrain per fold (walk-forward windows, or CPCV with walkForward.scheme "cpcv") and collect out-of-sample predictions for every test date (a run)',
  builder: (y: Argv) =>
    withExamples(withJsonOption(withStoreOptions(y), 'the run (id, folder, jobs, files) and its out-of-sample figures; with --plan, the folds with their dates'), [
      ['bft walk-forward --config experiments/synth-walk-forward.json --plan', 'show the folds'],
      ['bft walk-forward --config experiments/synth-walk-forward.json --workers 2', 'run it on two cores'],
      ['bft walk-forward --config experiments/synth-cpcv.json', 'combinatorial purged CV: 15 folds, 5 backtest paths'],
    ])
      .option('config', { type: 'string', demandOption: true, describe: 'experiment config (JSON), e.g. experiments/synth-walk-forward.json' })
      .option('plan', { type: 'boolean', default: false, describe: 'print the fold plan and stop (nothing is trained or written)' })
      .option('workers', { type: 'number', describe: 'worker threads training folds in parallel (default: the number of cores)' })
      .option('resume', { type: 'string', describe: 'continue run RUN_ID (same config) from its last finished job' })
      .option('backend', { choices: BACKEND_NAMES, describe: "tfjs backend (default the config's)" })
      .option('rnn', { choices: ['fused', 'stock'] as const, describe: "recurrent layers: bft's fused kernels (default on wasm and cpu) or tfjs's stock ones" })
      .option('experiments', { type: 'string', default: DEFAULT_EXPERIMENTS_DIR, describe: 'folder under which <name>/runs/<run_id>/ is written' })
      .coerce('workers', wholeNumberOption('workers', 1)) as unknown as Argv<WalkForwardArgs>,
  handler: async (args) => {
    // tfjs loads only for the commands that use it
    const { readExperiment } = await import('../../eval/experiment.js');
    const config = readExperiment(args.config);
    const experiment = args.backend ? { ...config, backend: args.backend } : config;
    if (args.plan) {
      // the plan only reads: it may look in while another process writes now and then
      await withStoreToRead(args, async (store, out) => {
        const wf = await import('../../eval/walkforward.js');
        const { datedPlan, describePlan } = await import('../../eval/folds.js');
        const { dataset: ds } = await wf.walkForwardDataset(store, experiment);
        const plan = wf.planOf(ds, experiment);
        for (const line of describePlan(plan, ds.samples.date)) out.result(line);
        out.document({ experiment: experiment.name, product: experiment.dataset.product, ...datedPlan(plan, ds.samples.date) });
      });
      return;
    }
    await withExistingStore(args, async (store, out) => {
      out.document(await runWalkForward(store, out, experiment, { experimentsDir: resolve(args.experiments), workers: args.workers, resume: args.resume, rnn: args.rnn }));
    });
  },
};

export interface WalkForwardCliOptions {
  readonly experimentsDir: string;
  readonly workers?: number | undefined;
  readonly resume?: string | undefined;
  readonly rnn?: 'fused' | 'stock' | undefined;
}

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
  readonly strategies: readonly Omit<StrategyRow, 'equity'>[];
  readonly gap: Evaluation['gap'];
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
    ...(e.paths ? { paths: { paths: e.paths.paths, summary: e.paths.summary } } : {}),
  };
}

/** A finished run as `bft walk-forward --json` prints it. */
export interface RunDocument {
  readonly run: string;
  readonly experiment: string;
  readonly dir: string;
  readonly jobsRun: number;
  /** Jobs finished before a --resume. */
  readonly jobsSkipped: number;
  readonly folds: number;
  readonly files: RunFiles;
  readonly outOfSample: EvaluationFigures;
}

/**
 * Runs (or resumes) a walk-forward with a progress bar, evaluates it, writes the run's files and
 * prints the OOS comparison; shared with `bft demo`. Returns the run as its --json document.
 */
export async function runWalkForward(store: Store, out: Output, experiment: ResolvedExperiment, opts: WalkForwardCliOptions): Promise<RunDocument> {
  const wf = await import('../../eval/walkforward.js');
  const { defaultWorkers } = await import('../../eval/pool.js');
  const progress = jobProgress(out, 'walk-forward');
  try {
    const outcome = await wf.walkForward({
      store,
      experiment,
      experimentsDir: opts.experimentsDir,
      workers: opts.workers ?? defaultWorkers(),
      resume: opts.resume,
      rnn: opts.rnn,
      log: (l) => out.info(l),
      onJob: progress.onJob,
    });
    progress.stop();
    const evaluation = await wf.evaluateRun(store, experiment, outcome.runId, outcome.series, outcome.models.map((m) => m.label), outcome.plan);
    const files = await finishRun(store, out, experiment, outcome, evaluation);
    return {
      run: outcome.runId,
      experiment: experiment.name,
      dir: outcome.dir,
      jobsRun: outcome.jobsRun,
      jobsSkipped: outcome.jobsSkipped,
      folds: outcome.plan.folds.length,
      files,
      outOfSample: evaluationFigures(evaluation),
    };
  } finally {
    progress.stop();
  }
}

/**
 * A progress bar over jobs, made at the first job (when the total after a resume's skips is
 * known); without a terminal, a line per job instead.
 */
export function jobProgress(out: Output, label: string): { onJob: (done: number, total: number, r: JobResult) => void; stop: () => void } {
  let bar: ReturnType<typeof out.progress> | null = null;
  return {
    onJob: (done, total, r) => {
      bar ??= out.progress(label, total);
      const note = `${r.model} fold ${r.fold} seed ${r.seedIndex}: test acc ${r.testAccuracy.toFixed(3)}`;
      bar.update(done, total, note);
      if (!process.stderr.isTTY) out.info(`${label} job ${done}/${total} ${note} (${r.seconds.toFixed(1)} s)`);
    },
    stop: () => {
      bar?.stop();
      bar = null;
    },
  };
}

/** Writes a finished run's files (with the overfit section when given), marks it finished and prints its summary. */
export async function finishRun(store: Store, out: Output, experiment: ResolvedExperiment, outcome: WalkForwardOutcome, evaluation: Evaluation, overfit?: OverfitReport): Promise<RunFiles> {
  const { describePlan } = await import('../../eval/folds.js');
  const { readPredictions, setRunStatus } = await import('../../eval/runs.js');
  const { summaryLines } = await import('../../report/markdown.js');
  const { toJson, writeRunFiles } = await import('../../report/run-files.js');
  const st = experiment.strategy;
  const info = {
    runId: outcome.runId,
    experiment: experiment.name,
    folds: outcome.plan.folds.length,
    planLines: describePlan(outcome.plan, outcome.dataset.samples.date),
    settings: [
      `models: ${outcome.models.map((m) => `${m.label} (${m.spec.kind === 'logit' ? 'logistic regression on the last day' : `${m.spec.kind} ${m.spec.cell} ${m.spec.units} units, ${m.spec.rnn}`})`).join(', ')}; ${experiment.walkForward.seeds} seed(s) per fold, probabilities averaged`,
      `labels: next-day move (${experiment.dataset.execution}), ${experiment.dataset.labels}; costs ${st.commissionTicks} + ${st.slippageTicks} ticks per side; rule ${JSON.stringify(st.rule)}; factor-timing weight ${st.factorWeight}`,
    ],
  };
  out.result(`run ${outcome.runId}: ${outcome.jobsRun} jobs run${outcome.jobsSkipped > 0 ? `, ${outcome.jobsSkipped} finished before` : ''}; predictions in the store (table predictions), files in ${outcome.dir}`);
  const files = await writeRunFiles(outcome.dir, info, evaluation, await readPredictions(store, outcome.runId), overfit);
  const summary = { accuracy: Object.fromEntries(evaluation.models.map((m) => [m.model, m.accuracy])), days: evaluation.days, from: evaluation.from, to: evaluation.to, ...(overfit ? { overfit: { pass: overfit.pass, reasons: overfit.reasons.map((r) => r.text) } } : {}) };
  await setRunStatus(store, outcome.runId, 'finished', toJson(summary));
  for (const line of summaryLines(evaluation)) out.result(`\n${line}`);
  out.result(`\nreport: ${files.html} (and report.md beside it)`);
  return files;
}
