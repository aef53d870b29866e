// bft overfit-check, the work: run (or resume, or read) the experiment's walk-forward, retrain the
// headline model on permuted and shuffled labels and on features shifted a day forward, rebuild
// a few dates from data cut at the date, and judge it all (analysis.ts). Probe jobs go through
// the same worker pool and dataset as the walk-forward's own jobs; their results stay in memory.

import type { Store } from '../data/store.js';
import { timingConfigOf } from '../dataset/config.js';
import { BftError } from '../errors.js';
import type { RnnImpl } from '../models/presets.js';
import { deriveSeed } from '../models/seed.js';
import type { Evaluation } from '../futures/evaluate.js';
import type { ResolvedExperiment } from '../eval/run/experiment.js';
import { segmentIndices, type Fold } from '../eval/plan/folds.js';
import { correctness } from '../eval/score/metrics.js';
import type { FoldJob, JobResult } from '../eval/run/jobs.js';
import { pathAssembly } from '../futures/paths.js';
import { runJobs } from '../eval/run/pool.js';
import { readJobs, readPredictions } from '../eval/run/runs.js';
import { evaluateRun, timingDatasetOf } from '../futures/evaluate-run.js';
import type { KindDataset } from '../eval/run/kind.js';
import { planJobs, walkForward, type WalkForwardOutcome } from '../eval/run/walkforward.js';
import { analyseOverfitting, type OverfitReport, type ProbeScore } from './analysis.js';
import { lookaheadProbe, probeDates } from './lookahead.js';
import type { Probe } from '../eval/run/probes.js';

export interface OverfitCheckRun {
  readonly store: Store;
  readonly experiment: ResolvedExperiment;
  readonly experimentsDir: string;
  readonly workers: number;
  /** Read (or finish) this run instead of starting one. */
  readonly runId?: string | undefined;
  readonly rnn?: RnnImpl | undefined;
  readonly log?: (line: string) => void;
  /** Progress of the walk-forward's jobs, then of the probes' ('walk-forward' | 'probes'). */
  readonly onJob?: (phase: 'walk-forward' | 'probes', done: number, total: number, r: JobResult) => void;
}

export interface OverfitCheckOutcome {
  readonly walkForward: WalkForwardOutcome;
  readonly evaluation: Evaluation;
  readonly report: OverfitReport;
}

export async function overfitCheck(run: OverfitCheckRun): Promise<OverfitCheckOutcome> {
  const x = run.experiment;
  const cfg = x.overfit;
  const log = run.log ?? ((): void => undefined);
  // Accuracy, nulls and probes score up/down calls; a three-class label has no such call.
  const { product, labels: labelKind } = timingConfigOf(x.dataset, 'bft overfit-check');
  if (labelKind === 'three') throw new BftError('bad_config', `overfit-check needs up/down labels: dataset.labels "three" is not supported (use "binary" or "drop")`);
  const wf = await walkForward({
    store: run.store,
    experiment: x,
    experimentsDir: run.experimentsDir,
    workers: run.workers,
    resume: run.runId,
    rnn: run.rnn,
    log,
    onJob: (done, total, r) => run.onJob?.('walk-forward', done, total, r),
  });
  const ds = timingDatasetOf(wf.kind, wf.dataset, 'bft overfit-check');
  const headline = wf.models[0]!;

  // Probe jobs: the headline model's seed-0 jobs with a probe each (same initial weights).
  const base = planJobs({ ...x, walkForward: { ...x.walkForward, seeds: 1 } }, [headline], wf.plan);
  const name = headline.label;
  const probes: { label: string; probe: Probe }[] = [
    ...Array.from({ length: cfg.nullPermutations }, (_, i) => ({ label: `${name}~null${i}`, probe: { kind: 'permute', seed: deriveSeed(x.seed, `overfit null ${i}`), block: cfg.nullBlock } as Probe })),
    ...(cfg.probes ? [{ label: `${name}~shuffle`, probe: { kind: 'shuffle', seed: deriveSeed(x.seed, 'overfit shuffle') } as Probe }, { label: `${name}~shift`, probe: { kind: 'shift' } as Probe }] : []),
  ];
  // Each fold permutes its labels its own way.
  const perFold = (p: Probe, fold: number): Probe => ('seed' in p ? { ...p, seed: deriveSeed(p.seed, `fold ${fold}`) } : p);
  const jobs: FoldJob[] = probes.flatMap(({ label, probe }) => base.map((j) => ({ ...j, model: label, probe: perFold(probe, j.fold.index) })));
  log(`probes: ${probes.length} x ${wf.plan.folds.length} folds = ${jobs.length} retrains of ${name} (${cfg.nullPermutations} permuted-label nulls in blocks of ${cfg.nullBlock}${cfg.probes ? ', shuffled labels, features shifted a day forward' : ''})`);
  const scores = new Map<string, ProbeScore>(probes.map((p) => [p.label, { correct: 0, n: 0 }]));
  let done = 0;
  await runJobs(jobs, { workers: run.workers, backend: x.backend, kind: wf.kind, dataset: ds }, async (r) => {
    const s = scores.get(r.model)!;
    scores.set(r.model, addScore(s, ds, r, wf.plan.folds[r.fold]!));
    run.onJob?.('probes', ++done, jobs.length, r);
  });

  // Every tested sample once (CPCV tests each in several folds).
  const testIdx = [...new Set(wf.plan.folds.flatMap((f) => Array.from(segmentIndices(f.test))))].sort((a, b) => a - b);
  const dates = probeDates(ds, testIdx, cfg.lookaheadDates);
  if (dates.length > 0) log(`no-look-ahead probe: rebuilding ${dates.length} dates from data cut at each`);
  const lookahead = await lookaheadProbe(run.store, x, ds, dates);

  const labels = wf.models.map((m) => m.label);
  const predictions = await readPredictions(run.store, wf.runId);
  const jobRows = await readJobs(run.store, wf.runId);
  const st = x.strategy;
  const report = analyseOverfitting({
    product,
    models: labels,
    predictions,
    jobs: jobRows.map((j) => ({ model: String(j['model']), fold: Number(j['fold']), trainAccuracy: Number(j['train_accuracy']), trainLoss: Number(j['train_loss']), testAccuracy: Number(j['test_accuracy']), testLoss: Number(j['test_loss']) })),
    rule: st.rule,
    costs: { commissionTicks: st.commissionTicks, slippageTicks: st.slippageTicks },
    periodsPerYear: st.periodsPerYear,
    config: cfg,
    nulls: probes.filter((p) => p.probe.kind === 'permute').map((p) => scores.get(p.label)!),
    shift: cfg.probes ? scores.get(`${name}~shift`)! : null,
    shuffle: cfg.probes ? scores.get(`${name}~shuffle`)! : null,
    lookahead,
    seed: x.seed,
    paths: wf.plan.cpcv ? pathAssembly(wf.plan.cpcv) : undefined,
  });
  const evaluation = await evaluateRun(run.store, x, wf.runId, ds.series, labels, wf.plan);
  return { walkForward: wf, evaluation, report };
}

/** Adds a job's correct calls on its fold's test samples to a score. */
function addScore(s: ProbeScore, ds: KindDataset, r: JobResult, fold: Fold): ProbeScore {
  const labels = Int32Array.from(segmentIndices(fold.test), (k) => ds.samples.label[k]!);
  const correct = correctness(r.testProb, labels).reduce((a, b) => a + b, 0);
  return { correct: s.correct + correct, n: s.n + r.testProb.length };
}
