// Wall time of one fixed walk-forward with one worker and with every core, side by side in one
// run, on a synthetic market written through the real ingest into a temporary store.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest, Store } from '../src/data/index.js';
import { resolveExperiment } from '../src/eval/run/experiment.js';
import { walkForward } from '../src/eval/run/walkforward.js';
import { writeSynthMarket } from '../src/synth/index.js';
import '../src/timing/kind.js'; // registers the futures timing dataset kind

export interface WalkForwardBenchOptions {
  readonly folds: number;
  readonly epochs: number;
}

export async function benchWalkForward(opts: WalkForwardBenchOptions, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bft-bench-wf-'));
  try {
    const files = await writeSynthMarket({ from: '2016-01-01', to: '2021-12-31', seed: 7, products: ['TF', 'T'], signal: 'minute', minute: 'active', intervalMin: 5 }, dir);
    const store = await Store.open(join(dir, 'wf.duckdb'));
    try {
      await ingest(store, { kind: 'daily', files: [files.dailyCsv] });
      await ingest(store, { kind: 'minute', files: [files.minuteCsv!] });
      const experiment = resolveExperiment(
        {
          seed: 3,
          backend: 'wasm',
          dataset: { product: 'T', lookback: 20 },
          models: [{ preset: 'dual-gru' }, { preset: 'daily-gru' }, { preset: 'logit' }],
          // patience 0 with a fixed epoch count: every job trains the same number of epochs, so
          // the two runs do the same work whatever the validation loss does.
          train: { epochs: opts.epochs, patience: opts.epochs, batchSize: 64 },
          walkForward: { trainDays: 500, validationDays: 60, testDays: 63, maxFolds: opts.folds },
        },
        'bench-walk-forward',
      );
      const cores = availableParallelism();
      log(`bench: walk-forward of dual-gru, daily-gru and logit on synthetic T 2016..2021 (5-minute bars, 51 a day): ${opts.folds} folds x 3 models = ${opts.folds * 3} jobs, ${opts.epochs} epochs each, batch 64, wasm`);
      const seconds: number[] = [];
      for (const workers of [1, cores]) {
        let inJobs = 0;
        const t = performance.now();
        const outcome = await walkForward({ store, experiment, experimentsDir: join(dir, 'experiments'), workers, onJob: (_d, _t, r) => (inJobs += r.seconds) });
        const wall = (performance.now() - t) / 1000;
        seconds.push(wall);
        // Busy share: the jobs' own seconds over wall time x workers; the rest is the dataset
        // build, worker start-up (tfjs and the kernel load per worker), idle tails and the store.
        log(`walk-fwd  ${workers} worker(s): ${outcome.jobsRun} jobs in ${wall.toFixed(1)} s, ${inJobs.toFixed(1)} s inside jobs (workers busy ${((100 * inJobs) / (wall * workers)).toFixed(0)}% of the wall time)`);
      }
      log(`ratio     walk-forward 1 worker / ${cores} workers = ${(seconds[0]! / seconds[1]!).toFixed(2)}x speed-up on ${cores} cores`);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
