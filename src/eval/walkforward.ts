// A walk-forward run, in phases: models → backend → market → dataset → fold plan → run record →
// jobs (model x fold x seed, in workers) → predictions in the store. A run killed part-way is
// resumed with the same config: finished jobs are skipped, the rest run, nothing is duplicated.
// Evaluation (metrics, P&L, reports) reads the predictions back (evaluate.ts).

import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../data/store.js';
import { buildDataset, droppedSummary, type Dataset } from '../dataset/build.js';
import { loadMarket } from '../dataset/load.js';
import { BftError } from '../errors.js';
import { isoDate } from '../market/calendar.js';
import { initBackend } from '../models/backend.js';
import { resolvePreset, type ModelSpec, type ModelSpecOverrides, type RnnImpl } from '../models/presets.js';
import { channelsOf } from '../models/registry.js';
import { deriveSeed } from '../models/seed.js';
import { gitCommit } from './artifact.js';
import { foldPlanConfig, type ResolvedExperiment } from './experiment.js';
import { describePlan, parsePlan, planFolds, segmentIndices, type Fold, type FoldPlan } from './folds.js';
import { jobKey, type FoldJob, type JobResult } from './jobs.js';
import { runJobs } from './pool.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { evaluatePaths, pathAssembly } from './paths.js';
import { createRun, finishedJobs, getRun, ownerState, readJobs, readPredictions, recordJob, runDir, setRunStatus, type PredictionRecord } from './runs.js';

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
  readonly dataset: Dataset;
  readonly series: CloseSeries;
  readonly models: readonly ExperimentModel[];
  readonly jobsRun: number;
  readonly jobsSkipped: number;
}

/** The experiment's models (its `models` list, else its single `model`) with resolved specs. */
export function experimentModels(x: ResolvedExperiment, rnn: RnnImpl): ExperimentModel[] {
  const entries = x.models ?? [{ ...x.model }];
  const classes = x.dataset.labels === 'three' ? 3 : 2;
  return entries.map((e) => {
    const { preset, label, ...overrides } = e as { preset: string; label?: string } & Record<string, unknown>;
    const asked = resolvePreset(preset, { ...(overrides as ModelSpecOverrides), classes });
    return { label: label ?? preset, spec: { ...asked, rnn: (overrides as ModelSpecOverrides).rnn ?? rnn } };
  });
}

/** The continuous contract's back-adjusted closes (what factors and regimes read). */
export interface CloseSeries {
  readonly date: Int32Array;
  readonly close: Float64Array;
}

/** Dataset of a walk-forward (the whole range; folds select from it) and the timed product's closes. */
export async function walkForwardDataset(store: Store, x: ResolvedExperiment): Promise<{ dataset: Dataset; series: CloseSeries }> {
  const w = x.walkForward;
  // Intraday bars only when some model reads them: daily-only experiments run on the whole daily
  // history, for products without intraday bars too.
  const minute = experimentModels(x, 'fused').some((m) => channelsOf(m.spec.kind).includes('minute'));
  const market = await loadMarket(store, { product: x.dataset.product, intervalMin: x.dataset.intervalMin, minute, to: w.to, minuteFrom: w.from });
  const c = market.daily.get(x.dataset.product)!;
  return { dataset: buildDataset(market, x.dataset, { from: w.from, to: w.to }), series: { date: c.date, close: c.close } };
}

/** Labelled samples form a prefix (only the last date can lack its next day). */
export function labelledCount(ds: Dataset): number {
  let n = ds.samples.n;
  while (n > 0 && ds.samples.label[n - 1]! < 0) n--;
  return n;
}

export function planOf(ds: Dataset, x: ResolvedExperiment): FoldPlan {
  return planFolds(ds.samples.date, labelledCount(ds), foldPlanConfig(x.walkForward));
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
  const backend = await initBackend(x.backend, log);
  const rnn = run.rnn ?? (backend.backend === 'tensorflow' ? 'stock' : 'fused');
  const models = experimentModels(x, rnn);
  const { dataset: ds, series } = await walkForwardDataset(run.store, x);
  log(`dataset: ${ds.samples.n} samples of ${ds.product} ${ds.samples.n > 0 ? `${isoDate(ds.samples.date[0]!)}..${isoDate(ds.samples.date[ds.samples.n - 1]!)}` : ''} (${ds.intervalMin === null ? 'daily bars only' : `${ds.bars} ${ds.intervalMin}-minute bars`}); ${droppedSummary(ds.dropped, ds.masked)}`);
  const plan = planOf(ds, x);
  const jobs = planJobs(x, models, plan);
  const configJson = JSON.stringify(x);
  const planJson = JSON.stringify(plan);

  let runId: string;
  if (run.resume !== undefined) {
    const prev = await getRun(run.store, run.resume);
    if (prev === null) throw new BftError('no_run', `no run "${run.resume}" in ${run.store.path}`, { run: run.resume });
    if (trainingConfig(prev.configJson) !== trainingConfig(configJson)) throw new BftError('bad_config', `run ${run.resume} was made with a different config; start a new run instead of resuming it`, { run: run.resume });
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
    await runJobs(todo, { workers: run.workers, backend: x.backend, dataset: ds }, async (r) => {
      await recordJob(run.store, runId, r, predictionRows(ds, r, plan.folds[r.fold]!));
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
  return { runId, dir, plan, dataset: ds, series, models, jobsRun: todo.length, jobsSkipped: jobs.length - todo.length };
}

/** The out-of-sample verdict of a finished run, from its predictions and jobs in the store; a CPCV plan adds its paths. */
export async function evaluateRun(store: Store, x: ResolvedExperiment, runId: string, series: CloseSeries, models: readonly string[], plan: FoldPlan): Promise<Evaluation> {
  const jobs = await readJobs(store, runId);
  const predictions = await readPredictions(store, runId);
  const st = x.strategy;
  const costs = { commissionTicks: st.commissionTicks, slippageTicks: st.slippageTicks };
  const evaluation = evaluate({
    product: x.dataset.product,
    models,
    predictions,
    series,
    rule: st.rule,
    costs,
    factorWeight: st.factorWeight,
    periodsPerYear: st.periodsPerYear,
    bootstrap: { seed: x.seed },
    jobs: jobs.map((j) => ({
      model: String(j['model']),
      fold: Number(j['fold']),
      trainAccuracy: Number(j['train_accuracy']),
      trainLoss: Number(j['train_loss']),
      testAccuracy: Number(j['test_accuracy']),
      testLoss: Number(j['test_loss']),
    })),
  });
  if (plan.cpcv === undefined) return evaluation;
  const paths = evaluatePaths({ product: x.dataset.product, models, predictions, assembly: pathAssembly(plan.cpcv), rule: st.rule, costs, periodsPerYear: st.periodsPerYear });
  return { ...evaluation, paths };
}

function predictionRows(ds: Dataset, r: JobResult, fold: Fold): PredictionRecord[] {
  const s = ds.samples;
  const test = segmentIndices(fold.test);
  return Array.from(r.testProb, (p, i) => {
    const k = test[i]!;
    return {
      model: r.model,
      seed: r.seedIndex,
      fold: r.fold,
      date: s.date[k]!,
      product: ds.product,
      contract: s.contract[k]!,
      tradedContract: s.tradedContract[k] ?? null,
      probability: p,
      label: s.label[k]!,
      nextReturn: s.nextReturn[k]!,
      nextTicks: s.nextTicks[k]!,
    };
  });
}

