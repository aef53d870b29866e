// bft walk-forward as a user runs it: a real process on a real store file, killed part-way with
// SIGKILL and resumed.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bft, MAIN, ROOT } from '../helpers/cli.js';
import { Store } from '../../src/data/index.js';
import { readPredictions } from '../../src/eval/run/runs.js';
import { tempDir, writeLines } from '../helpers/fixtures.js';


let tmp: ReturnType<typeof tempDir>;
let db: string;
let config: string;
beforeAll(() => {
  tmp = tempDir('bft-wfcli-');
  db = join(tmp.dir, 'wf.duckdb');
  const synth = bft(['synth', '--db', db, '--from', '2018-09-01', '--to', '2019-06-30', '--product', 'TF', 'T', '--interval', '5', '--quiet']);
  expect(synth.code, synth.err).toBe(0);
  config = writeLines(tmp.dir, 'wf.json', [
    JSON.stringify({
      seed: 2,
      backend: 'wasm',
      models: [{ preset: 'logit' }, { preset: 'daily-gru', units: 4, head: [4], dropout: 0 }],
      train: { epochs: 2, batchSize: 32, patience: 0 },
      walkForward: { trainDays: 75, validationDays: 10, testDays: 12, maxFolds: 3 },
    }),
  ]);
}, 120_000);
afterAll(() => tmp.cleanup());

async function predictionsOf(runId: string) {
  const store = await Store.open(db);
  try {
    return (await readPredictions(store, runId)).map((r) => ({ ...r, probability: Math.round(r.probability * 1e6) / 1e6 }));
  } finally {
    store.close();
  }
}

describe('bft walk-forward', () => {
  it('prints the plan, and refuses a leaky config in one line with exit 2', () => {
    const plan = bft(['walk-forward', '--config', config, '--db', db, '--plan']);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toMatch(/^3 folds, expanding training of 75 samples/);
    expect(plan.out.trim().split('\n')).toHaveLength(4);
    // the same plan as data: each fold's segments with their dates and sample counts
    const planJson = bft(['walk-forward', '--config', config, '--db', db, '--plan', '--json']);
    expect(planJson.code, planJson.err).toBe(0);
    const folds = JSON.parse(planJson.out);
    expect(folds).toMatchObject({ experiment: 'wf', product: 'T', config: { scheme: 'expanding', trainDays: 75, testDays: 12 }, horizon: 1 });
    expect(folds.folds).toHaveLength(3);
    for (const f of folds.folds) expect(f.test).toEqual([{ from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), samples: 12 }]);
    expect(plan.out).toContain(`test ${folds.folds[0].test[0].from}..${folds.folds[0].test[0].to} (12)`);
    const leaky = writeLines(tmp.dir, 'leaky.json', [JSON.stringify({ walkForward: { purgeDays: 0 } })]);
    const r = bft(['walk-forward', '--config', leaky, '--db', db, '--plan']);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/^bft: .*walkForward\.purgeDays: purgeDays 0 is shorter than the label horizon/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('plans, runs and compares a CPCV run, and refuses settings of the other scheme in one line', () => {
    const cpcv = writeLines(tmp.dir, 'cpcv.json', [JSON.stringify({ models: [{ preset: 'logit' }], walkForward: { scheme: 'cpcv', groups: 5, testGroups: 2, validationDays: 0 } })]);
    const plan = bft(['walk-forward', '--config', cpcv, '--db', db, '--plan']);
    expect(plan.code, plan.err).toBe(0);
    const lines = plan.out.trim().split('\n');
    expect(lines[0]).toMatch(/^10 CPCV folds: 5 groups, 2 tested per fold, 4 backtest paths/);
    expect(lines).toHaveLength(1 + 5 + 10);
    expect(lines[6]).toMatch(/^fold 0  test groups 0,1  train \d{4}-\d{2}-\d{2}\.\.\S+ \(\d+\)  validation -$/);
    for (const [wf, re] of [
      [{ scheme: 'cpcv', trainDays: 300 }, /walkForward\.trainDays: not used by scheme "cpcv"/],
      [{ groups: 8 }, /walkForward\.groups: only used by scheme "cpcv"/],
      [{ scheme: 'cpcv', groups: 6, testGroups: 6 }, /testGroups must be an integer in 1\.\.5/],
    ] as const) {
      const bad = writeLines(tmp.dir, 'bad.json', [JSON.stringify({ walkForward: wf })]);
      const r = bft(['walk-forward', '--config', bad, '--db', db, '--plan']);
      expect(r.code).toBe(2);
      expect(r.err.trim()).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    // The run itself: the paths in the terminal, report.md, report.html and runs compare.
    const experiments = join(tmp.dir, 'experiments');
    const run = bft(['walk-forward', '--config', cpcv, '--db', db, '--experiments', experiments, '--workers', '1']);
    expect(run.code, run.err).toBe(0);
    const id = /run (\S+): 10 jobs run/.exec(run.out)?.[1];
    expect(id).toBeDefined();
    expect(run.out).toMatch(/CPCV: 4 backtest paths/);
    expect(run.out).toMatch(/\| logit \| 4 \| 0\.\d{3} ± 0\.\d{3} \[/);
    const dir = join(experiments, 'cpcv', 'runs', id!);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/## CPCV backtest paths[\s\S]*\| path \| model \| days \|/);
    // The evaluation's charts and the fold timeline, the CPCV paths and the group matrix.
    expect(readFileSync(join(dir, 'report.html'), 'utf8').match(/<figure id="chart-/g)).toHaveLength(13);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<figure id="chart-cpcv-groups"');
    const cmp = bft(['runs', 'compare', id!, '--db', db]);
    expect(cmp.code, cmp.err).toBe(0);
    expect(cmp.out).toMatch(/CPCV path Sharpe mean \[min, max\]/);
    expect(cmp.out).toMatch(/over 4/);
  }, 120_000);

  it('resumes a run killed part-way: no duplicated or lost rows, same predictions as a run left alone', async () => {
    const experiments = join(tmp.dir, 'experiments');
    const full = bft(['walk-forward', '--config', config, '--db', db, '--experiments', experiments, '--workers', '1']);
    expect(full.code, full.err).toBe(0);
    const fullId = /run (\S+): 6 jobs run/.exec(full.out)?.[1];
    expect(fullId).toBeDefined();
    // The verdict: the OOS table with the always-long baseline, the down-market table, strategies.
    expect(full.out).toMatch(/out of sample: T \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}, 36 test days/);
    expect(full.out).toMatch(/\| always-long \| 36 \|/);
    expect(full.out).toMatch(/down markets \(trend: /);
    expect(full.out).toMatch(/\| buy-and-hold \| benchmark \|/);
    const runDir = join(experiments, 'wf', 'runs', fullId!);
    for (const f of ['config.json', 'plan.txt', 'metrics.json', 'predictions.csv', 'report.md', 'report.html']) expect(existsSync(join(runDir, f)), f).toBe(true);
    expect(readFileSync(join(runDir, 'predictions.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 72);
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics.evaluation.models.map((m: { model: string }) => m.model)).toEqual(['logit', 'daily-gru']);
    expect(readFileSync(join(runDir, 'report.md'), 'utf8')).toMatch(/## Down markets/);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8').match(/<figure id="chart-/g)).toHaveLength(11);
    // The summary names the command that repeats the run; metrics.json has the report's sections.
    expect(readFileSync(join(runDir, 'report.md'), 'utf8')).toContain(`bft walk-forward --config ${join(runDir, 'config.json')}`);
    expect(metrics.report.sections.map((x: { id: string }) => x.id).slice(0, 2)).toEqual(['summary', 'settings']);
    expect(metrics.evaluation.folds.map((f: { fold: number; days: number }) => [f.fold, f.days])).toEqual([[0, 12], [1, 12], [2, 12]]);
    expect(full.out).toContain(`report: ${join(runDir, 'report.html')}`);

    // Second run: kill -9 as soon as its first job is on disk. Node itself, not the tsx wrapper
    // (whose child process would live on and keep the store locked).
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'walk-forward', '--config', config, '--db', db, '--experiments', experiments, '--workers', '1'], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const runId = await new Promise<string>((res, rej) => {
      const timer = setInterval(() => {
        const runIdNow = /run (\d{8}-\d{6}): 3 folds/.exec(err)?.[1];
        if (runIdNow === undefined) return;
        const log = join(experiments, 'wf', 'runs', runIdNow, 'jobs.log');
        if (existsSync(log) && readFileSync(log, 'utf8').trim().split('\n').length >= 1) {
          clearInterval(timer);
          child.kill('SIGKILL');
          res(runIdNow);
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        rej(new Error(`the run ended before it could be killed: ${err}`));
      });
    });
    await new Promise((r) => child.once('exit', r));
    const partial = await predictionsOf(runId);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(72);

    // The killed run's process is gone: it lists as stopped, not running.
    const stopped = bft(['runs', 'list', '--db', db]);
    expect(stopped.code, stopped.err).toBe(0);
    expect(stopped.out).toMatch(new RegExp(`${runId}\\s+wf\\s+stopped `));

    // resumed with --json: the run as one document on stdout, the job lines on stderr
    const resumed = bft(['walk-forward', '--config', config, '--db', db, '--experiments', experiments, '--workers', '2', '--resume', runId, '--json']);
    expect(resumed.code, resumed.err).toBe(0);
    const doc = JSON.parse(resumed.out);
    expect(doc).toMatchObject({ run: runId, experiment: 'wf', dir: join(experiments, 'wf', 'runs', runId), folds: 3 });
    expect(doc.jobsSkipped).toBeGreaterThan(0);
    expect(doc.jobsRun + doc.jobsSkipped).toBe(6);
    expect(doc.files.html).toBe(join(doc.dir, 'report.html'));
    expect(doc.outOfSample).toMatchObject({ product: 'T', days: 36 });
    expect(doc.outOfSample.models.map((x: { model: string }) => x.model)).toEqual(['logit', 'daily-gru']);
    expect(doc.outOfSample.strategies.map((x: { name: string }) => x.name)).toContain('buy-and-hold');
    expect(resumed.err).toMatch(/walk-forward job \d\/\d /);
    const after = await predictionsOf(runId);
    expect(after).toHaveLength(72);
    expect(after).toEqual(await predictionsOf(fullId!));

    const list = bft(['runs', 'list', '--db', db]);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(new RegExp(`${runId}\\s+wf\\s+finished .* 6/6`));
    const cmp = bft(['runs', 'compare', fullId!, runId, '--db', db]);
    expect(cmp.code, cmp.err).toBe(0);
    expect(cmp.out.trim().split('\n')).toHaveLength(1 + 4);
    // The resumed run made the same predictions: paired, every difference is 0 on all 36 days.
    const paired = bft(['runs', 'compare', fullId!, runId, '--paired', '--json', '--db', db]);
    expect(paired.code, paired.err).toBe(0);
    const pairs = JSON.parse(paired.out) as { model: string; days: number; accuracy: { estimate: number; p: number }; sharpe: { estimate: number } }[];
    expect(pairs.map((m) => m.model)).toEqual(['logit', 'daily-gru']);
    for (const m of pairs) expect([m.days, m.accuracy.estimate, m.accuracy.p, m.sharpe.estimate]).toEqual([36, 0, 1, 0]);
    const alone = bft(['runs', 'compare', runId, '--paired', '--db', db]);
    expect(alone.code).toBe(2);
    expect(alone.err.trim()).toMatch(/^bft: runs compare --paired needs two runs or more/);
    const show = bft(['runs', 'show', runId, '--db', db]);
    expect(show.out).toMatch(new RegExp(`^# Walk-forward run ${runId} \\(wf\\)`));
    const none = bft(['runs', 'show', 'nope', '--db', db]);
    expect(none.code).toBe(2);
    expect(none.err.trim()).toMatch(/^bft: no run "nope"/);
  }, 300_000);

  it('lets readers look in while a run trains: runs list and data status open the store between its writes', async () => {
    const experiments = join(tmp.dir, 'experiments');
    // Slow enough (a few seconds a job) that the readers below run while jobs 2 and 3 train.
    const slow = writeLines(tmp.dir, 'slow.json', [
      JSON.stringify({
        seed: 2,
        backend: 'wasm',
        models: [{ preset: 'daily-gru', units: 8, head: [4], dropout: 0 }],
        train: { epochs: 200, batchSize: 16, patience: 0 },
        walkForward: { trainDays: 75, validationDays: 10, testDays: 12, maxFolds: 3 },
      }),
    ]);
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'walk-forward', '--config', slow, '--db', db, '--experiments', experiments, '--workers', '1'], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const runId = await new Promise<string>((res, rej) => {
      const timer = setInterval(() => {
        const id = /run (\d{8}-\d{6}): 3 folds/.exec(err)?.[1];
        const log = id === undefined ? '' : join(experiments, 'slow', 'runs', id, 'jobs.log');
        if (id !== undefined && existsSync(log) && readFileSync(log, 'utf8').trim().length > 0) {
          clearInterval(timer);
          res(id);
        }
      }, 20);
      void exited.then(() => {
        clearInterval(timer);
        rej(new Error(`the run ended before a reader could look in: ${err}`));
      });
    });
    const reader = (args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((res) => {
        const p = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args, '--db', db], { cwd: ROOT });
        let out = '';
        let e = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (e += d.toString()));
        p.on('close', (code) => res({ code, out, err: e }));
      });
    const [list, status] = await Promise.all([reader(['runs', 'list']), reader(['data', 'status', '--json'])]);
    expect(list.code, list.err).toBe(0);
    // still training when the reader looked: running, with fewer than all jobs done
    expect(list.out).toMatch(new RegExp(`${runId}\\s+slow\\s+running .* [12]/3`));
    expect(status.code, status.err).toBe(0);
    expect(JSON.parse(status.out).products.map((p: { product: string }) => p.product)).toEqual(['T', 'TF']);
    expect(await exited, err).toBe(0);
    const after = bft(['runs', 'list', '--db', db]);
    expect(after.out).toMatch(new RegExp(`${runId}\\s+slow\\s+finished .* 3/3`));
  }, 180_000);
});
