// A walk-forward run as the command line shows it, shared by bft walk-forward, bft demo and bft
// overfit-check: progress bars over jobs, then the run's closing lines. The work itself (run,
// score, keep) is the engine's (src/eval/run/walkforward.ts).

import type { Store } from '../data/store.js';
import type { ResolvedExperiment } from '../eval/run/experiment.js';
import type { JobResult } from '../eval/run/jobs.js';
import type { RunVerdict } from '../eval/run/kind.js';
import type { WalkForwardOutcome } from '../eval/run/walkforward.js';
import type { Output } from './output.js';

export const DEFAULT_EXPERIMENTS_DIR = 'experiments';

export interface WalkForwardCliOptions {
  readonly experimentsDir: string;
  readonly workers?: number | undefined;
  readonly threads?: number | undefined;
  readonly resume?: string | undefined;
  readonly rnn?: 'fused' | 'stock' | undefined;
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
  /** The files written into the run's folder (the kind's evaluator says which). */
  readonly files: unknown;
  /** The out-of-sample figures, as the kind's evaluator gives them. */
  readonly outOfSample: unknown;
}

/**
 * Runs (or resumes) a walk-forward with a progress bar, scores it with its kind's evaluator,
 * prints the closing lines and returns the run as its --json document.
 */
export async function runWalkForward(store: Store, out: Output, experiment: ResolvedExperiment, opts: WalkForwardCliOptions): Promise<RunDocument> {
  const wf = await import('../eval/run/walkforward.js');
  const { defaultWorkers } = await import('../eval/run/pool.js');
  const progress = jobProgress(out, 'walk-forward');
  try {
    const outcome = await wf.walkForward({
      store,
      experiment,
      experimentsDir: opts.experimentsDir,
      workers: opts.workers ?? defaultWorkers(),
      threads: opts.threads ?? 1,
      resume: opts.resume,
      rnn: opts.rnn,
      log: (l) => out.info(l),
      onJob: progress.onJob,
    });
    progress.stop();
    const verdict = await wf.scoreRun(store, experiment, outcome);
    printRunEnd(out, outcome, verdict);
    return {
      run: outcome.runId,
      experiment: experiment.name,
      dir: outcome.dir,
      jobsRun: outcome.jobsRun,
      jobsSkipped: outcome.jobsSkipped,
      folds: outcome.plan.folds.length,
      files: verdict.files,
      outOfSample: verdict.figures,
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

/** The closing lines of a scored run: what ran, its summary, where its report is. */
export function printRunEnd(out: Output, outcome: WalkForwardOutcome, verdict: RunVerdict): void {
  out.result(`run ${outcome.runId}: ${outcome.jobsRun} jobs run${outcome.jobsSkipped > 0 ? `, ${outcome.jobsSkipped} finished before` : ''}; predictions in the store (table predictions), files in ${outcome.dir}`);
  for (const line of verdict.lines) out.result(`\n${line}`);
  out.result(`\nreport: ${verdict.report} (and report.md beside it)`);
}
