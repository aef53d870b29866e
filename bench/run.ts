// npm run bench: speed figures measured side by side in one run.
//
// This part: synthesise ten years of one-minute bars for all four products and every
// listed contract, then ingest them into a fresh DuckDB file; print rows/s for each step and the
// ratio to the 500,000 rows/s ingest target, and the same file loaded by DuckDB alone with no
// checks (the floor) for comparison in the same run. Then the models issue's part: training and
// inference samples/s of dual-lstm and dual-gru on every backend that loads (bench/models.ts).
// Then the walk-forward issue's part: one fixed walk-forward with 1 worker and with every core
// (bench/walk-forward.ts). And the overfitting issue's: PBO on a 1,000 x 50 matrix with S = 16
// and the wall time of the quick CI config of bft overfit-check (bench/overfit.ts).
// And the equity issue's: exposures and daily factor returns of 3,000 synthetic stocks x 5 years,
// and the real CSI 300 panel end to end (bench/equity.ts).
// Options: --years N (default 10), --keep DIR, --only ingest|models|walkforward|overfit|equity, --stocks N, --samples N
// (default 256), --folds N (default 6), --epochs N (default 20).

import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest, Store } from '../src/data/index.js';
import { sqlString } from '../src/data/store.js';
import { benchArg, benchArgs } from './args.js';
import { benchModels } from './models.js';
import { benchEquity } from './equity.js';
import { benchOverfit } from './overfit.js';
import { benchWalkForward } from './walk-forward.js';
import { writeSynthMarket } from '../src/synth/index.js';

const args = benchArgs;
const arg = benchArg;
const years = Number(arg('years', '10'));
if (args.includes('--help')) {
  console.log(`npm run bench [-- options]: speed figures measured side by side in one run

  --only ingest|models|walkforward|overfit|equity   one part (default: all five)
  --stocks N      synthetic stocks for the equity part (default 3000)
  --years N       years of synthetic one-minute bars to ingest (default 10)
  --keep DIR      keep the generated files in DIR
  --samples N     random samples for the model speeds (default 256)
  --folds N       walk-forward folds (default 6)
  --epochs N      epochs per walk-forward job (default 20)`);
  process.exit(0);
}
const only = arg('only', 'all'); // ingest | models | walkforward | overfit | equity | all
const modelSamples = Number(arg('samples', '256'));
const keep = arg('keep', '');
const TARGET = 500_000;

async function benchIngest(): Promise<void> {
  const dir = keep || mkdtempSync(join(tmpdir(), 'bft-bench-'));
  const from = '2016-01-01';
  const to = `${2016 + years - 1}-12-31`;
  console.log(`bench: synthesise ${from} .. ${to}, TS/TF/T/TL, every listed contract, 1-minute bars (${process.arch}, node ${process.version})`);

  let t = performance.now();
  const files = await writeSynthMarket({ from, to, seed: 7, products: ['TS', 'TF', 'T', 'TL'], signal: 'minute', minute: 'all', intervalMin: 1 }, dir);
  const genS = (performance.now() - t) / 1000;
  const mb = (statSync(files.minuteCsv!).size + statSync(files.dailyCsv).size) / 1e6;
  // The generator's 400 MB are flushed to disk before the ingest clock starts, so the kernel's
  // write-back of them is not charged to the ingest (a vendor file is on disk already).
  for (const f of [files.dailyCsv, files.minuteCsv!]) {
    const fd = openSync(f, 'r');
    fsyncSync(fd);
    closeSync(fd);
  }

  const store = await Store.open(join(dir, 'bench.duckdb'));
  t = performance.now();
  const d = await ingest(store, { kind: 'daily', files: [files.dailyCsv] });
  const dailyS = (performance.now() - t) / 1000;
  t = performance.now();
  const m = await ingest(store, { kind: 'minute', files: [files.minuteCsv!] });
  const minuteS = (performance.now() - t) / 1000;
  store.close();

  // The floor on this machine at this moment: DuckDB alone loading the same file into a fresh
  // store file with no validation (its CSV reader typing the columns, then a plain table write).
  // The VM's speed drifts between runs; the ratio to this floor does much less.
  const floorStore = await Store.open(join(dir, 'floor.duckdb'));
  t = performance.now();
  await floorStore.run(`CREATE TABLE bars AS SELECT * FROM read_csv(${sqlString(files.minuteCsv!)}, header = true)`);
  const floorS = (performance.now() - t) / 1000;
  floorStore.close();

  const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')} rows/s`;
  console.log('');
  console.log(`generate  ${(files.dailyRows + files.minuteRows).toLocaleString('en-US')} rows (${mb.toFixed(0)} MB CSV) in ${genS.toFixed(1)} s: ${rate(files.dailyRows + files.minuteRows, genS)}`);
  console.log(`ingest    daily  ${d.rowsRead.toLocaleString('en-US')} rows in ${dailyS.toFixed(2)} s: ${rate(d.rowsRead, dailyS)} (${d.rejected} rejected)`);
  console.log(`ingest    minute ${m.rowsRead.toLocaleString('en-US')} rows in ${minuteS.toFixed(1)} s: ${rate(m.rowsRead, minuteS)} (${m.rejected} rejected)`);
  console.log(`floor     DuckDB read_csv into a table, no checks: ${floorS.toFixed(1)} s: ${rate(m.rowsRead, floorS)}`);
  console.log(`ratio     minute ingest / floor = ${(floorS / minuteS).toFixed(2)} (share of the bare load speed kept with every check)`);
  console.log(`ratio     minute ingest / target ${TARGET.toLocaleString('en-US')} rows/s = ${(m.rowsRead / minuteS / TARGET).toFixed(2)}`);
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

if (only === 'all' || only === 'ingest') await benchIngest();
if (only === 'all' || only === 'models') {
  console.log('');
  console.log(`bench: dual-channel training and inference, ${modelSamples} random samples of daily [20 x 16] + minute [255 x 8], 32 units, batch 64`);
  await benchModels(['tensorflow', 'wasm', 'cpu'], modelSamples, (l) => console.log(l));
}
if (only === 'all' || only === 'walkforward') {
  console.log('');
  await benchWalkForward({ folds: Number(arg('folds', '6')), epochs: Number(arg('epochs', '20')) }, (l) => console.log(l));
}
if (only === 'all' || only === 'overfit') {
  console.log('');
  await benchOverfit((l) => console.log(l));
}
if (only === 'all' || only === 'equity') {
  console.log('');
  await benchEquity({ stocks: Number(arg('stocks', '3000')), keep: keep ? join(keep, 'equity') : '' }, (l) => console.log(l));
}
