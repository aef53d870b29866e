// The overfitting gate's costs: PBO by CSCV on a 1,000 x 50 matrix with S = 16 (12,870 splits),
// and the wall time of the quick CI config (experiments/ci-overfit.json) on the synthetic
// market .ci/run uses, through the same worker pool as bft overfit-check.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest, Store } from '../src/data/index.js';
import { readExperiment } from '../src/eval/run/experiment.js';
import { overfitCheck } from '../src/overfit/check.js';
import { probabilityOfBacktestOverfitting } from '../src/eval/stats/pbo.js';
import { SeededRng } from '../src/models/seed.js';
import { writeSynthMarket } from '../src/synth/index.js';
import '../src/timing/kind.js'; // registers the futures timing dataset kind

export async function benchOverfit(log: (line: string) => void): Promise<void> {
  const T = 1000;
  const N = 50;
  const rng = new SeededRng(1, 'bench-pbo');
  const returns = Float64Array.from({ length: T * N }, () => rng.uniform() - 0.5);
  probabilityOfBacktestOverfitting({ returns, periods: T, configs: N, blocks: 16 }); // warm-up
  const reps = 5;
  let best = Infinity;
  let splits = 0;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    splits = probabilityOfBacktestOverfitting({ returns, periods: T, configs: N, blocks: 16 }).splits;
    best = Math.min(best, performance.now() - t);
  }
  log(`pbo       CSCV on ${T} x ${N} returns, S = 16: ${splits.toLocaleString('en-US')} splits in ${best.toFixed(1)} ms (best of ${reps})`);

  const dir = mkdtempSync(join(tmpdir(), 'bft-bench-overfit-'));
  try {
    let t = performance.now();
    const files = await writeSynthMarket({ from: '2016-01-01', to: '2023-12-31', seed: 42, products: ['T'], signal: 'minute', signalRho: 0.4, minute: 'active', intervalMin: 5 }, dir);
    const store = await Store.open(join(dir, 'ci.duckdb'));
    try {
      await ingest(store, { kind: 'daily', files: [files.dailyCsv] });
      await ingest(store, { kind: 'minute', files: [files.minuteCsv!] });
      const setup = (performance.now() - t) / 1000;
      const x = readExperiment('experiments/ci-overfit.json');
      const workers = availableParallelism();
      t = performance.now();
      let jobs = 0;
      const r = await overfitCheck({ store, experiment: x, experimentsDir: join(dir, 'experiments'), workers, onJob: () => jobs++ });
      const s = (performance.now() - t) / 1000;
      log(`overfit   quick CI config (experiments/ci-overfit.json, synthetic T 2016..2023, 5-minute bars, rho 0.4): ${jobs} jobs on ${workers} workers in ${s.toFixed(1)} s (+ ${setup.toFixed(1)} s to synthesise and ingest); verdict ${r.report.pass ? 'pass' : `FAIL: ${r.report.reasons.map((x) => x.kind).join(', ')}`}`);
      log(`ratio     quick CI config / 3-minute budget = ${(s / 180).toFixed(2)}`);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
