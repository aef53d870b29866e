// The run store: walk-forward runs, their finished jobs and out-of-sample predictions, in the
// DuckDB store (migration v2). A job's row and its predictions land in one transaction, so the
// set of finished jobs is exactly what a resumed run may skip. A run records the process that runs
// it (migration v4), so one whose process died shows as stopped instead of running forever.

import { hostname } from 'node:os';
import type { Store } from '../../data/store.js';
import { BftError } from '../../errors.js';
import { isoDate } from '../../market/calendar.js';
import { FOLDER_NAME_RULE, isFolderName, pathInside } from './experiment.js';
import type { JobResult } from './jobs.js';

/** What the store records. */
export type StoredRunStatus = 'running' | 'finished' | 'failed';
/** What a reader sees: a `running` run whose process is gone is `stopped` (resume it with --resume). */
export type RunStatus = StoredRunStatus | 'stopped';

/** The process that started or last resumed a run. */
export interface RunOwner {
  readonly pid: number;
  readonly host: string;
}

export function thisProcess(): RunOwner {
  return { pid: process.pid, host: hostname() };
}

/**
 * Whether the process that owns a run is still there. On this host its pid is asked (EPERM:
 * there, another user's). A pid on another host cannot be asked: unknown, since a run lets go of
 * the store file between its writes and a reader here proves nothing. A run recorded before
 * owners were (null) belongs to a process long gone.
 */
export function ownerState(owner: RunOwner | null, here: string = hostname()): 'alive' | 'gone' | 'unknown' {
  if (owner === null) return 'gone';
  if (owner.host !== here) return 'unknown';
  if (owner.pid === process.pid) return 'alive';
  try {
    process.kill(owner.pid, 0);
    return 'alive';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone';
  }
}

/**
 * experimentsDir/<experiment>/runs/<runId>, refused (BftError 'bad_config') unless both names
 * are single folder names and the path stays under experimentsDir.
 */
export function runDir(experimentsDir: string, experiment: string, runId: string): string {
  const dir = isFolderName(experiment) && isFolderName(runId) ? pathInside(experimentsDir, experiment, 'runs', runId) : null;
  if (dir === null) {
    throw new BftError('bad_config', `experiment ${JSON.stringify(experiment)}, run ${JSON.stringify(runId)}: not a run folder under ${experimentsDir} (each must be ${FOLDER_NAME_RULE})`, { experiment, run: runId, root: experimentsDir });
  }
  return dir;
}

export interface RunRecord {
  readonly runId: string;
  readonly experiment: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  /** The process that started or last resumed the run; null for runs recorded before owners were. */
  readonly owner: RunOwner | null;
  /** The resolved experiment config, as JSON. */
  readonly configJson: string;
  readonly planJson: string;
  readonly commit: string;
  readonly dir: string;
  /** Jobs the run consists of. */
  readonly jobs: number;
  /** Headline figures once evaluated (JSON), else null. */
  readonly summaryJson: string | null;
}

/** One out-of-sample prediction: a test date of one fold, one model, one seed. */
export interface PredictionRecord {
  readonly model: string;
  readonly seed: number;
  readonly fold: number;
  /** Day number. */
  readonly date: number;
  readonly product: string;
  readonly contract: string;
  readonly tradedContract: string | null;
  readonly probability: number;
  readonly label: number;
  readonly nextReturn: number;
  readonly nextTicks: number;
}

interface RunRow {
  run_id: string;
  experiment: string;
  created_at: Date | string;
  finished_at: Date | string | null;
  status: StoredRunStatus;
  pid: number | null;
  host: string | null;
  config_json: string;
  plan_json: string;
  commit: string;
  dir: string;
  jobs: number;
  summary_json: string | null;
  [k: string]: unknown;
}

const stamp = (v: Date | string | null): string | null => (v === null ? null : v instanceof Date ? v.toISOString().replace('T', ' ').slice(0, 19) : String(v).slice(0, 19));

function toRecord(r: RunRow): RunRecord {
  // typeof: a store read before migration v4 has no such columns at all.
  const owner = typeof r.pid === 'number' && typeof r.host === 'string' ? { pid: r.pid, host: r.host } : null;
  return {
    runId: r.run_id,
    experiment: r.experiment,
    createdAt: stamp(r.created_at)!,
    finishedAt: stamp(r.finished_at),
    status: r.status === 'running' && ownerState(owner) === 'gone' ? 'stopped' : r.status,
    owner,
    configJson: r.config_json,
    planJson: r.plan_json,
    commit: r.commit,
    dir: r.dir,
    jobs: r.jobs,
    summaryJson: r.summary_json,
  };
}

/** A new run, `running` and owned by `owner` (default: this process). */
export async function createRun(store: Store, r: Omit<RunRecord, 'createdAt' | 'finishedAt' | 'status' | 'summaryJson' | 'owner'>, owner: RunOwner = thisProcess()): Promise<void> {
  await store.run(
    `INSERT INTO runs (run_id, experiment, created_at, status, config_json, plan_json, commit, dir, jobs, pid, host)
     VALUES ($1, $2, current_timestamp, 'running', $3, $4, $5, $6, $7, $8, $9)`,
    [r.runId, r.experiment, r.configJson, r.planJson, r.commit, r.dir, r.jobs, owner.pid, owner.host],
  );
}

export async function getRun(store: Store, runId: string): Promise<RunRecord | null> {
  const r = await store.one<RunRow>('SELECT * FROM runs WHERE run_id = $1', [runId]);
  return r ? toRecord(r) : null;
}

/** Runs, newest first; of one experiment when given. */
export async function listRuns(store: Store, experiment?: string): Promise<RunRecord[]> {
  const rows = experiment === undefined
    ? await store.all<RunRow>('SELECT * FROM runs ORDER BY created_at DESC, run_id DESC')
    : await store.all<RunRow>('SELECT * FROM runs WHERE experiment = $1 ORDER BY created_at DESC, run_id DESC', [experiment]);
  return rows.map(toRecord);
}

/** Sets a run's status; `running` (a resume) makes this process its owner. */
export async function setRunStatus(store: Store, runId: string, status: StoredRunStatus, summaryJson?: string): Promise<void> {
  const me = thisProcess();
  await store.run(
    `UPDATE runs SET status = $2, finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE current_timestamp END,
       summary_json = COALESCE($3, summary_json),
       pid = CASE WHEN $2 = 'running' THEN $4 ELSE pid END, host = CASE WHEN $2 = 'running' THEN $5 ELSE host END
     WHERE run_id = $1`,
    [runId, status, summaryJson ?? null, me.pid, me.host],
  );
}

/** Keys (jobKey) of the jobs of a run that have finished. */
export async function finishedJobs(store: Store, runId: string): Promise<Set<string>> {
  const rows = await store.all<{ model: string; fold: number; seed: number }>('SELECT model, fold, seed FROM run_jobs WHERE run_id = $1', [runId]);
  return new Set(rows.map((r) => `${r.model}|${r.fold}|${r.seed}`));
}

/** A finished job with its predictions, all or nothing. */
export async function recordJob(store: Store, runId: string, job: JobResult, rows: readonly PredictionRecord[]): Promise<void> {
  const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
  await store.transaction(async () => {
    await store.run(
      `INSERT INTO run_jobs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, current_timestamp)`,
      [runId, job.model, job.fold, job.seedIndex, job.epochs, job.bestEpoch, job.trainSamples, num(job.trainAccuracy), num(job.trainLoss), num(job.validationAccuracy), num(job.validationLoss), num(job.testAccuracy), num(job.testLoss), job.seconds],
    );
    // Chunks keep the statement's parameter count modest.
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      const params: (string | number | null)[] = [];
      const values = chunk.map((p) => {
        const b = params.length;
        params.push(runId, p.model, p.seed, p.fold, isoDate(p.date), p.product, p.contract, p.tradedContract, p.probability, p.label, num(p.nextReturn), num(p.nextTicks));
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, CAST($${b + 5} AS DATE), $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10}, $${b + 11}, $${b + 12})`;
      });
      await store.run(`INSERT INTO predictions VALUES ${values.join(', ')}`, params);
    }
  });
}

interface PredictionRow {
  model: string;
  seed: number;
  fold: number;
  day: number;
  product: string;
  contract: string;
  traded_contract: string | null;
  probability: number;
  label: number;
  next_return: number | null;
  next_ticks: number | null;
  [k: string]: unknown;
}

/** Every prediction of a run, by model, seed and date. */
export async function readPredictions(store: Store, runId: string): Promise<PredictionRecord[]> {
  const rows = await store.all<PredictionRow>(
    `SELECT model, seed, fold, CAST(date - DATE '1970-01-01' AS INTEGER) AS day, product, contract, traded_contract,
       probability, label, next_return, next_ticks
     FROM predictions WHERE run_id = $1 ORDER BY model, seed, date, product, fold`,
    [runId],
  );
  return rows.map((r) => ({
    model: r.model,
    seed: r.seed,
    fold: r.fold,
    date: r.day,
    product: r.product,
    contract: r.contract,
    tradedContract: r.traded_contract,
    probability: r.probability,
    label: r.label,
    nextReturn: r.next_return ?? Number.NaN,
    nextTicks: r.next_ticks ?? Number.NaN,
  }));
}

/** Jobs of a run with their train / validation / test figures (the train–OOS gap's raw data). */
export async function readJobs(store: Store, runId: string): Promise<Record<string, unknown>[]> {
  return store.all('SELECT * EXCLUDE (run_id) FROM run_jobs WHERE run_id = $1 ORDER BY model, fold, seed', [runId]);
}

/** Finished jobs per run. */
export async function jobCounts(store: Store): Promise<Map<string, number>> {
  const rows = await store.all<{ run_id: string; n: number }>('SELECT run_id, count(*) AS n FROM run_jobs GROUP BY run_id');
  return new Map(rows.map((r) => [r.run_id, r.n]));
}
