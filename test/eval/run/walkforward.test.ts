import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/data/index.js';
import { resolveExperiment, type ResolvedExperiment } from '../../../src/eval/run/experiment.js';
import { getRun, listRuns, readJobs, readPredictions } from '../../../src/eval/run/runs.js';
import { describePlan } from '../../../src/eval/plan/folds.js';
import { evaluateRun, timingDatasetOf } from '../../../src/futures/evaluate-run.js';
import { walkForward } from '../../../src/eval/run/walkforward.js';
import { markdownReport } from '../../../src/report/markdown.js';
import { tempDir } from '../../helpers/fixtures.js';
import { synthStore } from '../../helpers/market.js';

let store: Store;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  store = await synthStore();
  tmp = tempDir('bft-wf-');
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** 117 labelled samples of 5-minute bars: 3 folds of 12 test days after 75 of training. */
function experiment(over: Record<string, unknown> = {}): ResolvedExperiment {
  return resolveExperiment(
    {
      seed: 5,
      backend: 'wasm',
      models: [{ preset: 'logit' }, { preset: 'dual-gru', units: 4, head: [4], dropout: 0 }],
      train: { epochs: 2, batchSize: 32, patience: 0 },
      walkForward: { trainDays: 75, validationDays: 10, testDays: 12, purgeDays: 1, maxFolds: 3 },
      ...over,
    },
    'wf-tiny',
  );
}

const strip = (rows: Awaited<ReturnType<typeof readPredictions>>) => rows.map((r) => ({ ...r, probability: Math.round(r.probability * 1e6) / 1e6 }));

describe('walk-forward runner', () => {
  it('writes every test date of every fold and model once, the same with 1 and 2 workers', async () => {
    const x = experiment();
    const one = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, runId: 'w1' });
    expect(one.plan.folds).toHaveLength(3);
    const rows = await readPredictions(store, 'w1');
    expect(rows).toHaveLength(3 * 12 * 2);
    // Test dates: the folds' test windows, back to back, each once per model.
    const dates = rows.filter((r) => r.model === 'logit').map((r) => r.date);
    expect(new Set(dates).size).toBe(36);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    for (const r of rows) {
      expect(r.probability).toBeGreaterThan(0);
      expect(r.probability).toBeLessThan(1);
      expect([0, 1]).toContain(r.label);
      expect(Number.isFinite(r.nextReturn)).toBe(true);
    }
    expect(await getRun(store, 'w1')).toMatchObject({ status: 'finished', owner: { pid: process.pid, host: hostname() } });
    const jobs = await readJobs(store, 'w1');
    expect(jobs).toHaveLength(6);
    for (const f of ['config.json', 'plan.json', 'plan.txt', 'jobs.log']) expect(existsSync(join(one.dir, f)), f).toBe(true);
    expect(readFileSync(join(one.dir, 'jobs.log'), 'utf8').trim().split('\n')).toHaveLength(6);

    const two = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 2, runId: 'w2' });
    expect(two.jobsRun).toBe(6);
    expect(strip(await readPredictions(store, 'w2'))).toEqual(strip(rows));
  });

  it('resumes a run that stopped part-way without duplicating or losing rows', async () => {
    const x = experiment({ seed: 9 });
    const full = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, runId: 'full' });
    expect(full.jobsRun).toBe(6);
    let seen = 0;
    await expect(
      walkForward({
        store,
        experiment: x,
        experimentsDir: tmp.dir,
        workers: 1,
        runId: 'cut',
        onJob: () => {
          if (++seen === 2) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect((await getRun(store, 'cut'))?.status).toBe('failed');
    expect(await readJobs(store, 'cut')).toHaveLength(2);
    const resumed = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, resume: 'cut' });
    expect([resumed.jobsRun, resumed.jobsSkipped]).toEqual([4, 2]);
    expect(strip(await readPredictions(store, 'cut'))).toEqual(strip(await readPredictions(store, 'full')));
    // A changed config cannot resume the run.
    await expect(walkForward({ store, experiment: experiment({ seed: 10 }), experimentsDir: tmp.dir, workers: 1, resume: 'cut' })).rejects.toThrow(/different config/);
  });

  it('runs a CPCV plan: every labelled date tested by C(N-1, k-1) folds, paths scored, resumable', async () => {
    const x = experiment({ seed: 4, walkForward: { scheme: 'cpcv', groups: 5, testGroups: 2, validationDays: 0, purgeDays: 1, embargoDays: 1 } });
    const full = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 2, runId: 'cpcv' });
    expect(full.plan.folds).toHaveLength(10);
    expect(full.plan.cpcv!.paths).toHaveLength(4);
    const labelled = full.plan.cpcv!.groups.at(-1)!.to;
    const rows = await readPredictions(store, 'cpcv');
    expect(rows).toHaveLength(2 * 4 * labelled);
    const perDate = new Map<string, number>();
    for (const r of rows) perDate.set(`${r.model}|${r.date}`, (perDate.get(`${r.model}|${r.date}`) ?? 0) + 1);
    expect(perDate.size).toBe(2 * labelled);
    expect([...new Set(perDate.values())]).toEqual([4]);

    const e = await evaluateRun(store, x, 'cpcv', timingDatasetOf(full.kind, full.dataset, 'test').series, ['logit', 'dual-gru'], full.plan);
    expect(e.days).toBe(labelled);
    expect(e.paths!.paths).toBe(4);
    expect(e.paths!.rows).toHaveLength(8);
    for (const r of e.paths!.rows) expect(r.days).toBe(labelled);
    // A path is one fold's prediction per date; the headline figures average the four folds.
    const s = e.paths!.summary[0]!;
    expect(s.accuracy.min).toBeLessThanOrEqual(s.accuracy.max);
    const md = markdownReport({ runId: 'cpcv', experiment: x.name, folds: full.plan.folds.length, planLines: describePlan(full.plan, full.dataset.samples.date), settings: [] }, e);
    expect(md).toMatch(/## CPCV backtest paths/);
    expect(md).toMatch(/10 CPCV folds: 5 groups, 2 tested per fold, 4 backtest paths/);

    let seen = 0;
    await expect(
      walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, runId: 'cpcv-cut', onJob: () => {
        if (++seen === 3) throw new Error('stopped');
      } }),
    ).rejects.toThrow('stopped');
    const resumed = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, resume: 'cpcv-cut' });
    expect([resumed.jobsRun, resumed.jobsSkipped]).toEqual([17, 3]);
    expect(strip(await readPredictions(store, 'cpcv-cut'))).toEqual(strip(rows));
  });

  it('writes no run folder outside the experiments folder, and records no run, for a name or run id that would leave it', async () => {
    const root = join(tmp.dir, 'exp-root');
    const before = (await listRuns(store)).length;
    // The schema refuses ".."; a config built in code meets the check where the run folder is made.
    await expect(walkForward({ store, experiment: { ...experiment(), name: '..' }, experimentsDir: root, workers: 1, runId: 'esc' })).rejects.toMatchObject({ code: 'bad_config', message: expect.stringMatching(/not a run folder under/) });
    await expect(walkForward({ store, experiment: experiment(), experimentsDir: root, workers: 1, runId: '../../esc' })).rejects.toThrow(/run "\.\.\/\.\.\/esc": not a run folder under/);
    expect(existsSync(join(tmp.dir, 'runs'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'esc'))).toBe(false);
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    expect(await listRuns(store)).toHaveLength(before);
  });

  it('refuses to resume a run a live process holds, and resumes it once that process is gone', async () => {
    const x = experiment({ seed: 12 });
    await expect(
      walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, runId: 'held', onJob: () => {
        throw new Error('stopped');
      } }),
    ).rejects.toThrow('stopped');
    // As if another bft on this machine were running it now.
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)']);
    try {
      await store.run(`UPDATE runs SET status = 'running', pid = $1 WHERE run_id = 'held'`, [holder.pid!]);
      expect((await getRun(store, 'held'))?.status).toBe('running');
      await expect(walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, resume: 'held' })).rejects.toThrow(new RegExp(`run held is still running \\(pid ${holder.pid}\\)`));
    } finally {
      const exited = new Promise((r) => holder.once('exit', r));
      holder.kill('SIGKILL');
      await exited;
    }
    expect((await getRun(store, 'held'))?.status).toBe('stopped');
    const resumed = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 1, resume: 'held' });
    expect([resumed.jobsRun, resumed.jobsSkipped]).toEqual([5, 1]);
    expect(await getRun(store, 'held')).toMatchObject({ status: 'finished', owner: { pid: process.pid } });
  });

  it('walks daily-only models forward on a store without intraday bars, over the whole daily history', async () => {
    const bare = await synthStore({ minute: 'none' });
    try {
      const x = experiment({ models: [{ preset: 'logit' }, { preset: 'daily-gru', units: 4, head: [4], dropout: 0 }] });
      const out = await walkForward({ store: bare, experiment: x, experimentsDir: tmp.dir, workers: 1, runId: 'daily-only' });
      expect(timingDatasetOf(out.kind, out.dataset, 'test').intervalMin).toBeNull();
      expect(out.plan.folds).toHaveLength(3);
      expect(await readPredictions(bare, 'daily-only')).toHaveLength(3 * 12 * 2);
      // a model that reads intraday bars cannot run there, and says why
      await expect(walkForward({ store: bare, experiment: experiment(), experimentsDir: tmp.dir, workers: 1, runId: 'dual-none' })).rejects.toThrow(/no intraday bars of T/);
    } finally {
      bare.close();
    }
  }, 120_000);
});
