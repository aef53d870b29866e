// The run store: a run whose process died is shown stopped, not running; run folders stay under
// the experiments folder. A real DuckDB file, real processes.

import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../src/data/store.js';
import { createRun, getRun, listRuns, ownerState, runDir, setRunStatus } from '../../../src/eval/run/runs.js';
import { tempDir } from '../../helpers/fixtures.js';

const ROOT = resolve(__dirname, '../../..');

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('bft-runs-');
});
afterAll(() => tmp.cleanup());

const run = (runId: string) => ({ runId, experiment: 'e', configJson: '{}', planJson: '{}', commit: 'c', dir: join(tmp.dir, runId), jobs: 3 });

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('run store', () => {
  it('shows a running run as stopped once its process is gone (on this host), and running again when resumed', async () => {
    const store = await Store.open(join(tmp.dir, 'owners.duckdb'));
    try {
      const here = hostname();
      await createRun(store, run('mine'));
      await createRun(store, run('killed'), { pid: deadPid(), host: here });
      await createRun(store, run('elsewhere'), { pid: process.pid, host: `${here}-other` });
      await createRun(store, run('done'), { pid: deadPid(), host: here });
      await setRunStatus(store, 'done', 'finished');
      await createRun(store, run('old'));
      // As a store migrated from before owners were recorded holds it.
      await store.run(`UPDATE runs SET pid = NULL, host = NULL WHERE run_id = 'old'`);

      const status = Object.fromEntries((await listRuns(store)).map((r) => [r.runId, r.status]));
      // A pid on another host cannot be asked, so its run stays running.
      expect(status).toEqual({ mine: 'running', killed: 'stopped', elsewhere: 'running', done: 'finished', old: 'stopped' });
      expect((await getRun(store, 'killed'))?.status).toBe('stopped');
      expect((await getRun(store, 'mine'))?.owner).toEqual({ pid: process.pid, host: here });

      // Resuming hands the run to the resuming process.
      await setRunStatus(store, 'killed', 'running');
      expect(await getRun(store, 'killed')).toMatchObject({ status: 'running', owner: { pid: process.pid, host: here } });
    } finally {
      store.close();
    }
  });

  it('a run left running by a process killed with SIGKILL lists as stopped', async () => {
    const db = join(tmp.dir, 'killed.duckdb');
    // .mts: an ES module (top-level await) wherever the temp folder is.
    const script = join(tmp.dir, 'hold.mts');
    writeFileSync(
      script,
      [
        `import { Store } from ${JSON.stringify(join(ROOT, 'src/data/store.js'))};`,
        `import { createRun } from ${JSON.stringify(join(ROOT, 'src/eval/run/runs.js'))};`,
        `const store = await Store.open(${JSON.stringify(db)});`,
        `await createRun(store, ${JSON.stringify(run('held'))});`,
        `process.stdout.write('ready\\n');`,
        `setInterval(() => undefined, 1000);`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise<void>((res, rej) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready')) res();
        });
        child.on('exit', (code) => rej(new Error(`the holder exited (${code}) before it was killed: ${err}`)));
      });
      expect(ownerState({ pid: child.pid!, host: hostname() })).toBe('alive');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      expect(ownerState({ pid: child.pid!, host: hostname() })).toBe('gone');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }

    const store = await Store.open(db);
    try {
      const held = await getRun(store, 'held');
      expect(held).toMatchObject({ status: 'stopped', owner: { pid: child.pid, host: hostname() } });
    } finally {
      store.close();
    }
  }, 60_000);

  it('builds a run folder under the experiments folder and refuses one that would leave it', () => {
    const root = join(tmp.dir, 'experiments');
    expect(runDir(root, 'wf', '20260101-120000')).toBe(join(root, 'wf', 'runs', '20260101-120000'));
    for (const [experiment, id] of [['..', 'r1'], ['.', 'r1'], ['wf', '..'], ['wf', '../../x'], ['a/..', 'r1'], ['.hidden', 'r1']] as const) {
      expect(() => runDir(root, experiment, id), `${experiment} ${id}`).toThrow(expect.objectContaining({ code: 'bad_config' }));
    }
    expect(() => runDir(root, '..', 'r1')).toThrow(/experiment "\.\.", run "r1": not a run folder under .*experiments \(each must be one folder name/);
  });
});
