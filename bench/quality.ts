// npm run bench:quality: how good bft's models are next to a plain PyTorch reference peer, on the
// same samples, the same fold plan and the same test days (a benchmark, not a test). Per market:
//  1. a store: synthetic markets through `bft synth` (truth.json kept), the real T future through
//     `bft ingest` of ../shared/data; a store kept in --keep DIR is reused;
//  2. bft's walk-forward of the market's headline experiment, in process (or, with --reuse-run, the
//     newest finished run of the same config in the kept store);
//  3. the peer's inputs exported from bft's dataset and the run's own fold plan
//     (bench/quality-export.ts): raw daily and intraday bars, labels, train/validation/test indices;
//  4. bench/quality_peer.py (Debian python3-torch, installed with apt-get when missing) trains one
//     model per fold and predicts the fold's test samples;
//  5. everyone scored on the same test days with bft's metrics, P&L and block bootstrap
//     (bench/quality-score.ts): bft's models, the peer, always-long and, on synthetic markets, the
//     oracles of truth.json (bench/quality-oracle.ts) with the share of the oracle's edge recovered.
// Prints a table per market and writes every number to a JSON file. Options: see USAGE.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/data/index.js';
import { loadMarket } from '../src/dataset/index.js';
import { gitCommit } from '../src/eval/artifact.js';
import { demoExperiment } from '../src/eval/demo.js';
import { ensembleByDate, testDayMoves, type Evaluation } from '../src/eval/evaluate.js';
import { readExperiment, type ResolvedExperiment } from '../src/eval/experiment.js';
import { parsePlan, type FoldPlan } from '../src/eval/folds.js';
import { getRun, listRuns, readJobs, readPredictions } from '../src/eval/runs.js';
import { evaluateRun, experimentModels, planOf, walkForward, walkForwardDataset } from '../src/eval/walkforward.js';
import { isoDate } from '../src/market/calendar.js';
import { exportForPeer } from './quality-export.js';
import { oracleProbs, readTruth, type TruthSummary } from './quality-oracle.js';
import { ensureTorch } from './quality-python.js';
import { score, type Contender, type Scores, type ScoreRow } from './quality-score.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const PEER = join(ROOT, 'bench', 'quality_peer.py');
const SHARED = resolve(ROOT, '..', 'shared', 'data');

// ---------------------------------------------------------------------------------------------
// Markets: how each store is made and which experiment is its headline. A new synthetic design
// needs no code: --markets synth:NAME runs the demo's market and experiment with --design NAME.

interface Market {
  readonly name: string;
  readonly description: string;
  readonly synthetic: boolean;
  /** Fills a new store at `db` (files under `dir`); returns truth.json's path for a synthetic market. */
  readonly build: (db: string, dir: string, log: Log) => string | null;
  readonly experiment: () => ResolvedExperiment;
}

type Log = (line: string) => void;

/** The demo's market (src/cli/commands/demo.ts DEMO_SYNTH): 5-minute bars, rho 0.3, all four products. */
const DEMO_SYNTH_ARGS = ['--interval', '5', '--signal-rho', '0.3'];

function syntheticMarket(name: string, design: string | null): Market {
  const args = [...DEMO_SYNTH_ARGS, ...(design ? ['--design', design] : [])];
  return {
    name,
    description: `synthetic T: bft synth ${args.join(' ')} (seed 42, 2016..2025), the demo's experiment`,
    synthetic: true,
    build: (db, dir, log) => {
      const out = join(dir, 'synth');
      bft(['synth', '--db', db, '--out', out, ...args], log);
      return join(out, 'truth.json');
    },
    experiment: () => demoExperiment(false),
  };
}

const realT: Market = {
  name: 'real-t',
  description: 'real T 10-year future: ../shared/data daily contracts + the T 5-minute main splice, experiments/real-t-walk-forward.json',
  synthetic: false,
  build: (db, _dir, log) => {
    const dailyDir = join(SHARED, 'cffex-tbf-daily-contracts');
    const minuteCsv = join(SHARED, 'cffex-tbf-5min-main', 'T_10y_5min_3y.csv');
    if (!existsSync(dailyDir) || !existsSync(minuteCsv)) throw new Error(`bench:quality: real-t needs ${dailyDir} and ${minuteCsv}`);
    const daily = readdirSync(dailyDir).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dailyDir, f));
    bft(['ingest', 'daily', '--db', db, ...daily], log);
    bft(['ingest', 'minute', '--db', db, '--product', 'T', minuteCsv], log);
    return null;
  },
  experiment: () => readExperiment(join(ROOT, 'experiments', 'real-t-walk-forward.json')),
};

function marketOf(spec: string): Market {
  if (spec === 'demo') return syntheticMarket('demo', null);
  if (spec === 'real-t') return realT;
  const m = /^synth:([A-Za-z0-9_-]+)$/.exec(spec);
  if (m) return syntheticMarket(`synth-${m[1]}`, m[1]!);
  throw new UsageError(`unknown market "${spec}" (demo, real-t or synth:NAME)`);
}

/** Runs the bft CLI (as a user would), its output indented under ours. */
function bft(args: string[], log: Log): void {
  const r = spawnSync(TSX, [CLI, ...args, '--quiet'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of (r.stdout ?? '').split('\n').filter((l) => l.trim())) log(`  | ${line}`);
  const command = args.slice(0, args.findIndex((a) => a.startsWith('--'))).join(' ');
  if (r.status !== 0) throw new Error(`bft ${command} failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
}

// ---------------------------------------------------------------------------------------------
// Options

class UsageError extends Error {}

const USAGE = `npm run bench:quality -- [options]
bft's models against a PyTorch reference peer on the same samples, fold plan and test days.

  --markets LIST   comma-separated (default demo,real-t):
                     demo        synthetic T, bft synth --interval 5 --signal-rho 0.3, the demo's experiment
                     real-t      real T: ../shared/data daily contracts + T 5-minute splice,
                                 experiments/real-t-walk-forward.json
                     synth:NAME  the demo's market with bft synth --design NAME, the demo's experiment
  --seeds N        peer seeds per fold, probabilities averaged (default 1, like bft's runs)
  --peer-jobs N    peer processes training folds side by side (default: the cores)
  --threads N      PyTorch threads per peer process (default 1: fastest for these small
                   LSTMs on CPU; one process with 2 threads trains about 3x slower than
                   with 1 here)
  --workers N      bft walk-forward worker threads (default: the cores)
  --keep DIR       keep stores, synthetic files, runs and exports in DIR/<market>/; a store
                   found there is reused
  --reuse-run      with --keep: score the newest finished bft run of the same config in the
                   kept store instead of walking forward again
  --json FILE      every number as JSON (default DIR/quality.json with --keep, else
                   $TMPDIR/bft-quality.json)
Python (the peer only, never bft): /usr/bin/python3 with python3-torch and python3-numpy;
installed with apt-get (with libopenblas0-pthread) when missing.`;

interface Options {
  readonly markets: readonly Market[];
  readonly seeds: number;
  readonly peerJobs: number;
  readonly threads: number;
  readonly workers: number;
  readonly keep: string | null;
  readonly reuseRun: boolean;
  readonly json: string;
}

function parseOptions(argv: readonly string[]): Options {
  const known = new Set(['markets', 'seeds', 'peer-jobs', 'threads', 'workers', 'keep', 'json']);
  const values = new Map<string, string>();
  let reuseRun = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--reuse-run') {
      reuseRun = true;
      continue;
    }
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (!known.has(name)) throw new UsageError(`unknown option ${a}`);
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
    values.set(name, v);
  }
  const count = (name: string, dflt: number): number => {
    const v = values.get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a positive integer, got ${v}`);
    return n;
  };
  const keep = values.has('keep') ? resolve(values.get('keep')!) : null;
  if (reuseRun && keep === null) throw new UsageError('--reuse-run needs --keep DIR (the store whose run is reused)');
  const cores = availableParallelism();
  return {
    markets: (values.get('markets') ?? 'demo,real-t').split(',').filter(Boolean).map(marketOf),
    seeds: count('seeds', 1),
    peerJobs: count('peer-jobs', cores),
    threads: count('threads', 1),
    workers: count('workers', cores),
    keep,
    reuseRun,
    json: resolve(values.get('json') ?? (keep ? join(keep, 'quality.json') : join(tmpdir(), 'bft-quality.json'))),
  };
}

// ---------------------------------------------------------------------------------------------
// One market

interface PeerFold {
  index: number;
  validationRule: string;
  trainSamples: number;
  validationSamples: number;
  test: number[];
  prob: number[];
  testAccuracy: number;
  seconds: number;
  seeds: { epochs: number; bestEpoch: number; validationLoss: number; trainAccuracy: number }[];
}

interface PeerOutput {
  meta: { torch: string; numpy: string; threads: number; jobs: number; blas: { built: string[]; loaded: string[] }; seconds: number; seeds: number };
  folds: PeerFold[];
}

interface MarketResult {
  readonly market: string;
  readonly description: string;
  readonly experiment: string;
  readonly runId: string;
  readonly reusedRun: boolean;
  readonly folds: number;
  readonly days: number;
  readonly from: string;
  readonly to: string;
  readonly truth: Omit<TruthSummary, 'latent'> | null;
  readonly oracleNote: string;
  /** corr(oracle feature, next-day return) over every labelled sample, measured here (truth.realisedCorr: by the generator). */
  readonly oracleCorr: number | null;
  readonly scores: Scores;
  readonly fit: Record<string, { trainAccuracy: number; epochs: number; bestEpoch: number }>;
  readonly seconds: { store: number; bft: number; export: number; peer: number };
  readonly bftJobs: number;
  readonly peer: PeerOutput['meta'];
  readonly exported: { samples: number; bars: number; notes: Record<string, number> };
  readonly bftCheck: string;
}

const since = (t: number): number => (performance.now() - t) / 1000;

/** The newest finished run of `x` in the store whose config is x's (for --reuse-run). */
async function reusableRun(store: Store, x: ResolvedExperiment): Promise<string | null> {
  const same = JSON.stringify(x);
  for (const r of await listRuns(store, x.name)) {
    if (r.status === 'finished' && r.configJson === same) return r.runId;
  }
  return null;
}

async function runMarket(m: Market, o: Options, python: string, base: string, log: Log): Promise<MarketResult> {
  const dir = join(base, m.name);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'store.duckdb');
  const x = m.experiment();
  const models = experimentModels(x, 'fused').map((e) => e.label);
  log(`\n== ${m.name}: ${m.description}`);

  let t = performance.now();
  let truthPath: string | null = m.synthetic ? join(dir, 'synth', 'truth.json') : null;
  if (existsSync(db)) log(`store: reusing ${db}`);
  else {
    log(`store: building ${db}`);
    truthPath = m.build(db, dir, log);
  }
  const storeSeconds = since(t);
  if (truthPath !== null && !existsSync(truthPath)) throw new Error(`bench:quality: ${truthPath} is missing (a kept store without its synth files? remove ${dir})`);

  const store = await Store.open(db, { create: false });
  try {
    t = performance.now();
    let runId = o.reuseRun ? await reusableRun(store, x) : null;
    const reusedRun = runId !== null;
    let jobsRun = 0;
    if (runId !== null) log(`bft: reusing finished run ${runId} of ${x.name}`);
    else {
      let last = 0;
      const outcome = await walkForward({
        store,
        experiment: x,
        experimentsDir: join(dir, 'experiments'),
        workers: o.workers,
        log: (l) => log(`bft: ${l}`),
        onJob: (done, total, r) => {
          // A line every tenth of the jobs keeps the log short.
          if (done === total || Math.floor((10 * done) / total) > last) {
            last = Math.floor((10 * done) / total);
            log(`bft: ${done}/${total} jobs (${r.model} fold ${r.fold}: test accuracy ${r.testAccuracy.toFixed(3)}, ${r.epochs} epochs, ${r.seconds.toFixed(1)} s)`);
          }
        },
      });
      runId = outcome.runId;
      jobsRun = outcome.jobsRun;
    }
    const bftSeconds = since(t);

    // The run's own plan, as the store recorded it; the dataset rebuilt from the same store and config.
    t = performance.now();
    const run = (await getRun(store, runId))!;
    const plan: FoldPlan = parsePlan(run.planJson);
    const { dataset: ds, series } = await walkForwardDataset(store, x);
    if (JSON.stringify(planOf(ds, x)) !== JSON.stringify(plan)) throw new Error(`bench:quality: run ${runId}'s fold plan is not the plan of the dataset rebuilt now (the store changed?)`);
    const market = await loadMarket(store, { product: x.dataset.product, intervalMin: x.dataset.intervalMin, to: x.walkForward.to, minuteFrom: x.walkForward.from });
    const exportDir = join(dir, 'export');
    rmSync(exportDir, { recursive: true, force: true });
    mkdirSync(exportDir, { recursive: true });
    const exported = await exportForPeer(store, ds, market, plan, runId, exportDir);
    const exportSeconds = since(t);
    const notes = Object.entries(exported.notes).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
    log(`export: ${exported.n} samples (${exported.bars} bars a day), ${plan.folds.length} folds -> ${exportDir}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);

    t = performance.now();
    const env = { ...process.env, OMP_NUM_THREADS: String(o.threads), OPENBLAS_NUM_THREADS: String(o.threads) };
    const r = spawnSync(python, [PEER, exportDir, '--jobs', String(o.peerJobs), '--threads', String(o.threads), '--seeds', String(o.seeds), '--seed', String(x.seed)], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`bench:quality: ${PEER} failed (exit ${r.status ?? r.signal})`);
    const peerSeconds = since(t);
    const peer = JSON.parse(readFileSync(join(exportDir, 'peer.json'), 'utf8')) as PeerOutput;

    // bft's own verdict of the run, and the contenders on its test days.
    const evaluation = await evaluateRun(store, x, runId, series, models, plan);
    const predictions = await readPredictions(store, runId);
    const jobs = await readJobs(store, runId);
    const { dates, prob, rows } = ensembleByDate(predictions, models);
    const moves = testDayMoves(x.dataset.product, dates, rows);
    const sampleAt = new Map(Array.from(ds.samples.date, (d, k) => [d, k]));
    const index = Int32Array.from(dates, (d, i) => {
      const k = sampleAt.get(d);
      if (k === undefined) throw new Error(`bench:quality: test date ${isoDate(d)} is not a sample of the rebuilt dataset`);
      if (ds.samples.label[k] !== moves.label[i]) throw new Error(`bench:quality: the label of ${isoDate(d)} differs between the run and the dataset`);
      return k;
    });
    const peerProb = peerByTestDay(peer, index);
    const contenders: Contender[] = [
      ...models.map((name) => ({ name, kind: 'bft' as const, prob: prob.get(name)! })),
      { name: 'peer (PyTorch)', kind: 'peer', prob: peerProb },
      { name: 'always-long', kind: 'baseline', prob: new Float64Array(dates.length).fill(1) },
    ];
    let truth: TruthSummary | null = null;
    let oracleNote = '';
    let oracle: string | undefined;
    let oracleCorr: number | null = null;
    if (truthPath !== null) {
      truth = readTruth(truthPath, x.dataset.product);
      const oracles = oracleProbs(truth, ds, market);
      oracleNote = oracles.note;
      oracleCorr = oracles.featureCorr;
      if (oracles.feature) {
        oracle = 'oracle feature';
        contenders.push({ name: oracle, kind: 'oracle', prob: Float64Array.from(index, (k) => oracles.feature![k]!) });
      }
      if (oracles.latent) contenders.push({ name: 'oracle latent z', kind: 'oracle', prob: Float64Array.from(index, (k) => oracles.latent![k]!) });
    }
    const head = models[0]!;
    const st = x.strategy;
    const scores = score({
      contenders,
      moves,
      rule: st.rule,
      costs: { commissionTicks: st.commissionTicks, slippageTicks: st.slippageTicks },
      periodsPerYear: st.periodsPerYear,
      bootstrap: { seed: x.seed },
      oracle,
      pairs: [
        [head, 'peer (PyTorch)'],
        ['peer (PyTorch)', 'always-long'],
        [head, 'always-long'],
        ...(oracle ? ([[oracle, head], [oracle, 'peer (PyTorch)']] as [string, string][]) : []),
      ],
    });

    const fit: MarketResult['fit'] = {};
    for (const name of models) {
      const js = jobs.filter((j) => j['model'] === name);
      const mean = (k: string): number => js.reduce((a, j) => a + Number(j[k]), 0) / Math.max(1, js.length);
      fit[name] = { trainAccuracy: mean('train_accuracy'), epochs: mean('epochs'), bestEpoch: mean('best_epoch') };
    }
    const runs = peer.folds.flatMap((f) => f.seeds);
    const pmean = (f: (s: PeerFold['seeds'][number]) => number): number => runs.reduce((a, s) => a + f(s), 0) / Math.max(1, runs.length);
    fit['peer (PyTorch)'] = { trainAccuracy: pmean((s) => s.trainAccuracy), epochs: pmean((s) => s.epochs), bestEpoch: pmean((s) => s.bestEpoch) };

    return {
      market: m.name,
      description: m.description,
      experiment: x.name,
      runId,
      reusedRun,
      folds: plan.folds.length,
      days: dates.length,
      from: isoDate(dates[0]!),
      to: isoDate(dates[dates.length - 1]!),
      truth: truth ? (({ latent: _latent, ...rest }) => rest)(truth) : null,
      oracleCorr,
      oracleNote,
      scores,
      fit,
      seconds: { store: storeSeconds, bft: bftSeconds, export: exportSeconds, peer: peerSeconds },
      bftJobs: jobsRun,
      peer: peer.meta,
      exported: { samples: exported.n, bars: exported.bars, notes: exported.notes },
      bftCheck: crossCheck(evaluation, scores, models),
    };
  } finally {
    store.close();
  }
}

/** The peer's P(up) on each test day (a date tested by several folds: their mean). */
function peerByTestDay(peer: PeerOutput, index: Int32Array): Float64Array {
  const sum = new Map<number, { s: number; n: number }>();
  for (const f of peer.folds) {
    f.test.forEach((k, i) => {
      const e = sum.get(k) ?? { s: 0, n: 0 };
      e.s += f.prob[i]!;
      e.n++;
      sum.set(k, e);
    });
  }
  return Float64Array.from(index, (k) => {
    const e = sum.get(k);
    if (!e) throw new Error(`bench:quality: the peer has no prediction for sample ${k}`);
    return e.s / e.n;
  });
}

/** bft's own evaluation of the run must give the same accuracy and Sharpe as this benchmark's scoring. */
function crossCheck(e: Evaluation, s: Scores, models: readonly string[]): string {
  const off: string[] = [];
  for (const m of models) {
    const mine = s.rows.find((r) => r.name === m)!;
    const acc = e.models.find((v) => v.model === m)!.accuracy.estimate;
    const sharpe = e.strategies.find((r) => r.name === m)!.sharpe.estimate;
    if (Math.abs(acc - mine.accuracy.estimate) > 1e-12 || Math.abs(sharpe - mine.sharpe.estimate) > 1e-9) off.push(`${m}: bft ${acc.toFixed(4)} / ${sharpe.toFixed(3)}, here ${mine.accuracy.estimate.toFixed(4)} / ${mine.sharpe.estimate.toFixed(3)}`);
  }
  const bh = e.strategies.find((r) => r.name === 'buy-and-hold')?.sharpe.estimate;
  const al = s.rows.find((r) => r.name === 'always-long')!.sharpe.estimate;
  if (bh !== undefined && Math.abs(bh - al) > 1e-9) off.push(`always-long Sharpe ${al.toFixed(3)}, bft's buy-and-hold ${bh.toFixed(3)}`);
  return off.length === 0 ? "agrees with bft's own evaluation of the run (accuracy, Sharpe, buy-and-hold)" : `DIFFERS from bft's own evaluation: ${off.join('; ')}`;
}

// ---------------------------------------------------------------------------------------------
// Printing

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const signed = (x: number, f: (v: number) => string): string => (x > 0 ? `+${f(x)}` : f(x));
const ci = (i: { estimate: number; lo: number; hi: number }, f: (v: number) => string = f3): string => `${f(i.estimate)} [${f(i.lo)}, ${f(i.hi)}]`;
const pOf = (p: number): string => (p < 0.001 ? '<0.001' : p.toFixed(3));

function label(r: ScoreRow): string {
  return r.kind === 'bft' ? `bft ${r.name}` : r.name;
}

function printMarket(r: MarketResult, log: Log): void {
  log(`\n${r.market}: ${r.description}`);
  log(`run ${r.runId}${r.reusedRun ? ' (reused)' : ''} of ${r.experiment}: ${r.folds} folds, ${r.days} test days ${r.from}..${r.to}; 95% circular block-bootstrap intervals (block ${r.scores.rows[0]?.accuracy.blockLength}), one seed for all rows`);
  const head = ['model', 'accuracy [95% CI]', 'p vs 0.5', 'balanced acc. [95% CI]', 'AUC [95% CI]', 'Sharpe [95% CI]', 'oracle edge share [95% CI]'];
  const rows = r.scores.rows.map((s) => [
    label(s),
    ci(s.accuracy),
    pOf(s.pBootstrap),
    ci(s.balancedAccuracy),
    ci(s.auc),
    ci({ estimate: s.sharpe.estimate, lo: s.sharpe.lo, hi: s.sharpe.hi }, f2),
    s.oracleShare ? ci(s.oracleShare, f2) : '',
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: string[]): string => cells.map((c, j) => c.padEnd(widths[j]!)).join('  ').trimEnd();
  log(line(head));
  for (const row of rows) log(line(row));
  const diff = (i: { estimate: number; lo: number; hi: number }, f: (v: number) => string): string => `${signed(i.estimate, f)} [${f(i.lo)}, ${f(i.hi)}]`;
  for (const p of r.scores.pairs) {
    log(`${p.a} - ${p.b} (paired): accuracy ${diff(p.difference, f3)} (p ${pOf(p.difference.p)}), AUC ${diff(p.auc, f3)}, Sharpe ${diff(p.sharpe, f2)}`);
  }
  if (r.oracleNote) log(`oracle: ${r.oracleNote}`);
  if (r.truth) {
    const check = r.oracleCorr !== null && r.truth.realisedCorr !== null ? `; corr with the next-day return ${f3(r.oracleCorr)} here, ${f3(r.truth.realisedCorr)} in truth.json (a check of the oracle's code)` : '';
    log(`truth.json: design ${r.truth.design ?? 'last-hour-volume'}, planted ${r.truth.featureName} (rho ${r.truth.rho}); expected hit rate of the feature's sign ${r.truth.expectedHitRate ?? 'n/a'}${check}`);
  }
  log(`fit (means over folds): ${Object.entries(r.fit).map(([k, v]) => `${k} train accuracy ${f3(v.trainAccuracy)}, ${v.epochs.toFixed(1)} epochs (best ${v.bestEpoch.toFixed(1)})`).join('; ')}`);
  const loaded = r.peer.blas.loaded.map((p) => p.split('/').pop()!);
  const blas = `${r.peer.blas.built.join(' ') || 'build unknown'}, loaded ${loaded.filter((l) => l.includes('openblas')).join(', ') || loaded.join(', ') || 'none'}`;
  log(`time: store ${r.seconds.store.toFixed(0)} s, bft walk-forward ${r.seconds.bft.toFixed(0)} s (${r.reusedRun ? 'reused' : `${r.bftJobs} jobs`}), export ${r.seconds.export.toFixed(0)} s, peer ${r.seconds.peer.toFixed(0)} s (torch ${r.peer.torch}, ${r.peer.jobs} process(es) x ${r.peer.threads} thread(s), BLAS ${blas}, ${r.peer.seeds} seed(s) per fold)`);
  log(`check: scoring ${r.bftCheck}`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let o: Options;
  try {
    if (process.argv.includes('--help') || process.argv.includes('-h')) {
      console.log(USAGE);
      return;
    }
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`bench:quality: ${e.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const log: Log = (l) => console.log(l);
  const t0 = performance.now();
  const python = ensureTorch(log);
  const base = o.keep ?? mkdtempSync(join(tmpdir(), 'bft-quality-'));
  mkdirSync(base, { recursive: true });
  log(`bench:quality: markets ${o.markets.map((m) => m.name).join(', ')}; bft ${o.workers} worker(s), peer ${o.peerJobs} process(es) x ${o.threads} thread(s), ${o.seeds} seed(s) per fold; ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'cpu'}), node ${process.version}; files in ${base}`);
  const results: MarketResult[] = [];
  try {
    for (const m of o.markets) results.push(await runMarket(m, o, python, base, log));
  } finally {
    if (!o.keep) rmSync(base, { recursive: true, force: true });
  }
  log('\n==== results');
  for (const r of results) printMarket(r, log);
  const total = since(t0);
  mkdirSync(dirname(o.json), { recursive: true });
  writeFileSync(o.json, JSON.stringify({ generated: new Date().toISOString(), commit: gitCommit(ROOT), seconds: total, options: { ...o, markets: o.markets.map((m) => m.name) }, results }, null, 1) + '\n');
  log(`\nall numbers: ${o.json}; ${(total / 60).toFixed(1)} min in all`);
}

try {
  await main();
} catch (e) {
  // A failed step (a bft command, the peer, a missing file) is one line; BFT_DEBUG=1 shows the stack.
  console.error(`bench:quality: ${e instanceof Error ? (process.env['BFT_DEBUG'] ? e.stack : e.message) : String(e)}`);
  process.exitCode = 1;
}
