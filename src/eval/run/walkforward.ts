// A walk-forward run, in phases: models → backend → dataset (its kind loads it) → fold plan over
// dates → run record → jobs (model x fold x seed, in workers) → predictions in the store → the
// kind's evaluator. A run killed part-way is resumed with the same config: finished jobs are
// skipped, the rest run, nothing is duplicated. Nothing here knows which market the samples came
// from: that is the dataset kind's business (kind.ts).

import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../data/store.js';
import { BftError } from '../../errors.js';
import { initBackend, setKernelThreads } from '../../models/backend.js';
import { resolvePreset, type ModelSpec, type ModelSpecOverrides, type RnnImpl } from '../../models/presets.js';
import { channelsOf } from '../../models/registry.js';
import { deriveSeed } from '../../models/seed.js';
import { gitCommit } from './commit.js';
import { planFoldsOverDates } from '../plan/date-plan.js';
import { foldPlanConfig, resolveExperiment, type ResolvedExperiment } from './experiment.js';
import { describePlan, parsePlan, segmentIndices, type Fold, type FoldPlan } from '../plan/folds.js';
import { jobKey, type FoldJob, type JobResult } from './jobs.js';
import { datasetKindOf, getDatasetKind, labelledCount, type AnyDatasetKind, type FinishedRun, type KindDataset, type RunVerdict } from './kind.js';
import { toJson } from './json.js';
import { runJobs } from './pool.js';
import { createRun, finishedJobs, getRun, ownerState, readPredictions, recordJob, runDir, setRunStatus, type PredictionRecord } from './runs.js';

export interface ExperimentModel {
  readonly label: string;
  readonly spec: ModelSpec;
}

export interface WalkForwardRun {
  readonly store: Store;
  readonly experiment: ResolvedExperiment;
  /** Root under which experiments/<name>/runs/<run_id>/ is written (the experiments folder). */
  readonly experimentsDir: string;
  readonly workers: number;
  /** Threads of the fused kernel in each worker (models/backend.ts setKernelThreads); default 1. */
  readonly threads?: number | undefined;
  /** Continue this run (same config) instead of starting a new one. */
  readonly resume?: string | undefined;
  /** Recurrent layers, overriding the config (CLI --rnn). */
  readonly rnn?: RnnImpl | undefined;
  /** Fixed run id (tests); default a time-based one. */
  readonly runId?: string | undefined;
  readonly log?: (line: string) => void;
  /** After each finished job: jobs done (this run, resumed ones included) and total. */
  readonly onJob?: (done: number, total: number, r: JobResult) => void;
}

export interface WalkForwardOutcome {
  readonly runId: string;
  readonly dir: string;
  readonly plan: FoldPlan;
  readonly kind: AnyDatasetKind;
  readonly dataset: KindDataset;
  readonly models: readonly ExperimentModel[];
  readonly jobsRun: number;
  readonly jobsSkipped: number;
}

/** The experiment's dataset kind and its `dataset` block (without `kind`), as the kind parsed it. */
export function experimentDataset(x: ResolvedExperiment): { kind: AnyDatasetKind; config: unknown } {
  const { kind: _name, ...config } = x.dataset as Record<string, unknown>;
  return { kind: getDatasetKind(datasetKindOf(x)), config };
}

/** The experiment's models (its `models` list, else its single `model`) with resolved specs. */
export function experimentModels(x: ResolvedExperiment, rnn: RnnImpl): ExperimentModel[] {
  const entries = x.models ?? [{ ...x.model }];
  const { kind, config } = experimentDataset(x);
  const classes = kind.classes(config);
  return entries.map((e) => {
    const { preset, label, ...overrides } = e as { preset: string; label?: string } & Record<string, unknown>;
    const asked = resolvePreset(preset, { ...(overrides as ModelSpecOverrides), classes });
    return { label: label ?? preset, spec: { ...asked, rnn: (overrides as ModelSpecOverrides).rnn ?? rnn } };
  });
}

/** The dataset of a walk-forward (the whole range; folds select from it), loaded by its kind. */
export async function walkForwardDataset(store: Store, x: ResolvedExperiment): Promise<{ kind: AnyDatasetKind; dataset: KindDataset }> {
  const w = x.walkForward;
  const { kind, config } = experimentDataset(x);
  // Only the channels some model reads: a daily-only experiment needs no intraday bars.
  const channels = new Set(experimentModels(x, 'fused').flatMap((m) => channelsOf(m.spec.kind)));
  return { kind, dataset: await kind.load(store, config, { from: w.from, to: w.to, channels }) };
}

/** Folds over the dataset's dates (a date may hold many samples). */
export function planOf(ds: KindDataset, x: ResolvedExperiment): FoldPlan {
  return planFoldsOverDates(ds.samples.date, labelledCount(ds), foldPlanConfig(x.walkForward));
}

/** Jobs of a plan: every model on every fold with every seed; seeds are shared across models (common random numbers). */
export function planJobs(x: ResolvedExperiment, models: readonly ExperimentModel[], plan: FoldPlan): FoldJob[] {
  const jobs: FoldJob[] = [];
  const t = x.train;
  for (const fold of plan.folds) {
    for (const m of models) {
      for (let s = 0; s < x.walkForward.seeds; s++) {
        jobs.push({
          model: m.label,
          spec: m.spec,
          fold,
          seedIndex: s,
          seed: deriveSeed(x.seed, `walk-forward fold ${fold.index} seed ${s}`),
          train: { epochs: t.epochs, batchSize: t.batchSize, learningRate: t.learningRate, patience: t.patience, classWeights: t.classWeights },
        });
      }
    }
  }
  return jobs;
}

/**
 * A config as canonical JSON (keys sorted) without its `overfit` block: the probes and thresholds
 * of a check do not change what a run trained, and a config read back from the store may list
 * its keys in another order.
 */
function trainingConfig(json: string): string {
  const { overfit: _ignored, ...rest } = JSON.parse(json) as Record<string, unknown>;
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sorted(rest));
}

export function newRunId(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export async function walkForward(run: WalkForwardRun): Promise<WalkForwardOutcome> {
  const x = run.experiment;
  const log = run.log ?? ((): void => undefined);
  // A bad model list is refused before any data is read.
  experimentModels(x, 'fused');
  const threads = run.threads ?? 1;
  // Folds train in this process when there is one worker: its backend gets the threads.
  setKernelThreads(run.workers <= 1 ? threads : 1);
  const backend = await initBackend(x.backend, log);
  const rnn = run.rnn ?? (backend.backend === 'tensorflow' ? 'stock' : 'fused');
  const models = experimentModels(x, rnn);
  const { kind, dataset: ds } = await walkForwardDataset(run.store, x);
  log(`dataset: ${kind.describe(ds)}`);
  const plan = planOf(ds, x);
  const jobs = planJobs(x, models, plan);
  const configJson = JSON.stringify(x);
  const planJson = JSON.stringify(plan);

  let runId: string;
  if (run.resume !== undefined) {
    const prev = await getRun(run.store, run.resume);
    if (prev === null) throw new BftError('no_run', `no run "${run.resume}" in ${run.store.path}`, { run: run.resume });
    // Resolved again: a config recorded by an older bft lacks settings added since (dataset.kind, ...).
    const recorded = JSON.stringify(resolveExperiment(JSON.parse(prev.configJson), prev.experiment, `run ${run.resume}`));
    if (trainingConfig(recorded) !== trainingConfig(configJson)) throw new BftError('bad_config', `run ${run.resume} was made with a different config; start a new run instead of resuming it`, { run: run.resume });
    if (JSON.stringify(parsePlan(prev.planJson)) !== planJson) throw new BftError('bad_config', `run ${run.resume} had a different fold plan (the data changed?); start a new run`, { run: run.resume });
    // Two processes on one run would train the same jobs twice and one would fail on the other's rows.
    if (prev.status === 'running' && prev.owner !== null && prev.owner.pid !== process.pid && ownerState(prev.owner) === 'alive') {
      throw new BftError('bad_config', `run ${run.resume} is still running (pid ${prev.owner.pid}); wait for it or stop it before resuming`, { run: run.resume, pid: prev.owner.pid });
    }
    runId = prev.runId;
  } else {
    runId = run.runId ?? newRunId();
    if ((await getRun(run.store, runId)) !== null) throw new BftError('bad_config', `run ${runId} exists already`, { run: runId });
  }
  const dir = runDir(run.experimentsDir, x.name, runId);
  // A resumed run is owned by this process from here on (bft runs list: running, not stopped).
  if (run.resume !== undefined) await setRunStatus(run.store, runId, 'running');
  mkdirSync(dir, { recursive: true });
  if (run.resume === undefined) {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(x, null, 2) + '\n');
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
    writeFileSync(join(dir, 'plan.txt'), describePlan(plan, ds.samples.date).join('\n') + '\n');
    await createRun(run.store, { runId, experiment: x.name, configJson, planJson, commit: gitCommit(), dir, jobs: jobs.length });
  }
  const done = await finishedJobs(run.store, runId);
  const todo = jobs.filter((j) => !done.has(jobKey(j)));
  log(`run ${runId}: ${plan.folds.length} folds x ${models.length} models x ${x.walkForward.seeds} seeds = ${jobs.length} jobs${done.size > 0 ? `, ${done.size} done before` : ''}; ${Math.min(run.workers, Math.max(1, todo.length))} worker(s)`);
  let finished = done.size;
  const progress = join(dir, 'jobs.log');
  // Between its writes the run lets go of the store file, so that `bft runs list` or
  // `bft data status` can look in while it trains.
  run.store.release();
  try {
    await runJobs(todo, { workers: run.workers, threads, backend: x.backend, kind, dataset: ds }, async (r) => {
      await recordJob(run.store, runId, r, predictionRows(kind, ds, r, plan.folds[r.fold]!));
      run.store.release();
      finished++;
      appendFileSync(progress, `${new Date().toISOString()} ${jobKey(r)} epochs ${r.epochs} test accuracy ${r.testAccuracy.toFixed(4)} ${r.seconds.toFixed(1)} s\n`);
      run.onJob?.(finished, jobs.length, r);
    });
  } catch (e) {
    await setRunStatus(run.store, runId, 'failed');
    throw e;
  }
  await setRunStatus(run.store, runId, 'finished');
  return { runId, dir, plan, kind, dataset: ds, models, jobsRun: todo.length, jobsSkipped: jobs.length - todo.length };
}

/** A finished run as its kind's evaluator takes it: the outcome with its predictions read back. */
export async function finishedRun(store: Store, x: ResolvedExperiment, outcome: WalkForwardOutcome): Promise<FinishedRun> {
  const predictions = await readPredictions(store, outcome.runId);
  return { store, experiment: x, runId: outcome.runId, dir: outcome.dir, dataset: outcome.dataset, models: outcome.models, plan: outcome.plan, predictions };
}

/** Marks a scored run finished, its headline figures kept with it in the store (bft runs list). */
export async function keepVerdict(store: Store, runId: string, verdict: RunVerdict): Promise<void> {
  await setRunStatus(store, runId, 'finished', toJson(verdict.summary));
}

/** A finished run scored by its kind's evaluator (which writes the report files) and kept. */
export async function scoreRun(store: Store, x: ResolvedExperiment, outcome: WalkForwardOutcome): Promise<RunVerdict> {
  const verdict = await outcome.kind.evaluate(await finishedRun(store, x, outcome));
  await keepVerdict(store, outcome.runId, verdict);
  return verdict;
}

function predictionRows(kind: AnyDatasetKind, ds: KindDataset, r: JobResult, fold: Fold): PredictionRecord[] {
  const test = segmentIndices(fold.test);
  return Array.from(r.testProb, (p, i) => {
    const k = test[i]!;
    const { key, ...rest } = kind.record(ds, k);
    return { model: r.model, seed: r.seedIndex, fold: r.fold, date: ds.samples.date[k]!, product: key, ...rest, probability: p, label: ds.samples.label[k]! };
  });
}
