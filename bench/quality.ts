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
// Markets: demo, real-t, synth:DESIGN[/Nmin][/rhoR][/seedS] and the true null synth:null (nothing
// planted, so no oracle); --suite is every design at 1 and 5 minutes plus the null, for screening
// and acceptance; --no-peer leaves steps 3 and 4 out. Prints a table per market (and, for several,
// a summary table) and writes every number to a JSON file. Options: see USAGE.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/data/index.js';
import { loadMarket, type Dataset, type MarketData } from '../src/dataset/index.js';
import { BftError } from '../src/errors.js';
import { gitCommit } from '../src/eval/run/commit.js';
import { demoExperiment } from '../src/timing/demo.js';
import type { Evaluation } from '../src/futures/evaluate.js';
import { ensembleByDate, testDayMoves } from '../src/futures/test-days.js';
import { readExperiment, type ResolvedExperiment } from '../src/eval/run/experiment.js';
import { parsePlan, type FoldPlan } from '../src/eval/plan/folds.js';
import { getRun, listRuns, readJobs, readPredictions } from '../src/eval/run/runs.js';
import { evaluateRun, timingDatasetOf, type SeriesDataset } from '../src/futures/evaluate-run.js';
import { experimentDataset, experimentModels, planOf, walkForward, walkForwardDataset } from '../src/eval/run/walkforward.js';
import '../src/timing/kind.js';
import { pooledConfigOf, pooledDatasetOf, productPlan, POOLED_KIND, type PooledConfig } from '../src/timing/pooled.js';
import { timingConfigOf, TIMING_KIND, type ResolvedDatasetConfig } from '../src/dataset/config.js';
import { isoDate } from '../src/market/calendar.js';
import { DESIGNS, isDesign, type Design } from '../src/synth/designs.js';
import { exportForPeer } from './quality-export.js';
import { oracleProbs, readTruth, type TruthSummary } from './quality-oracle.js';
import { ensureTorch } from './quality-python.js';
import { score, type Contender, type PairRow, type Scores, type ScoreRow } from './quality-score.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const PEER = join(ROOT, 'bench', 'quality_peer.py');
const SHARED = resolve(ROOT, '..', 'shared', 'data');

// ---------------------------------------------------------------------------------------------
// Markets: how each store is made and which experiment is its headline. A new synthetic design
// needs no code here: once bft synth knows it (src/synth/designs.ts DESIGNS), synth:NAME runs the
// demo's market with --design NAME, and --suite takes it in.

interface Market {
  /** Folder under the base directory, and the name in tables. */
  readonly name: string;
  /** The --markets spelling, every setting explicit (synth:DESIGN/Nmin/rhoR/seedS), for the logs. */
  readonly spec: string;
  readonly description: string;
  readonly synthetic: boolean;
  /** Fills a new store at `db` (files under `dir`); returns truth.json's path for a synthetic market. */
  readonly build: (db: string, dir: string, log: Log) => string | null;
  readonly experiment: () => ResolvedExperiment;
}

type Log = (line: string) => void;

/** The experiment synthetic markets walk forward: the demo's, or --experiment FILE's. */
interface SynthExperiment {
  readonly text: string;
  readonly read: () => ResolvedExperiment;
}

const DEMO_EXPERIMENT: SynthExperiment = { text: "the demo's experiment", read: () => demoExperiment(false) };

/** The demo's market (src/cli/commands/demo.ts DEMO_SYNTH): 5-minute bars, rho 0.3, seed 42, all four products. */
const SYNTH_DEFAULTS = { intervalMin: 5, rho: 0.3, seed: 42 } as const;
/** Bar intervals bft synth accepts (a bar must divide every session). */
const SYNTH_INTERVALS = [1, 3, 5, 15] as const;

/** A synthetic market of the grammar synth:DESIGN[/Nmin][/rhoR][/seedS]; design 'null' is the true null. */
interface SynthSpec {
  readonly design: Design | 'null';
  readonly intervalMin: number;
  readonly rho: number;
  readonly seed: number;
}

/** Parses what follows `synth:`; every mistake is a one-line usage error naming the whole spec. */
function parseSynthSpec(spec: string, body: string): SynthSpec {
  const [design = '', ...mods] = body.split('/');
  if (design !== 'null' && !isDesign(design)) throw new BftError('usage', `${spec}: unknown design "${design}" (one of ${DESIGNS.join(', ')}, or null)`);
  const seen = new Set<string>();
  const once = (what: string): void => {
    if (seen.has(what)) throw new BftError('usage', `${spec}: the ${what} is given twice`);
    seen.add(what);
  };
  let { intervalMin, rho, seed }: { intervalMin: number; rho: number; seed: number } = SYNTH_DEFAULTS;
  for (const mod of mods) {
    let m: RegExpExecArray | null;
    if ((m = /^(\d+)min$/.exec(mod))) {
      once('interval');
      intervalMin = Number(m[1]);
      if (!(SYNTH_INTERVALS as readonly number[]).includes(intervalMin)) throw new BftError('usage', `${spec}: interval ${mod} is not one of ${SYNTH_INTERVALS.map((i) => `${i}min`).join(', ')}`);
    } else if ((m = /^rho(.*)$/.exec(mod))) {
      once('rho');
      rho = m[1] === '' ? Number.NaN : Number(m[1]);
      if (!(rho > 0 && rho < 1)) throw new BftError('usage', `${spec}: rho must lie strictly between 0 and 1 (e.g. rho0.15), got ${mod}`);
      // The null plants nothing, so a rho there would name a market that does not differ.
      if (design === 'null') throw new BftError('usage', `${spec}: the null market plants no signal, so it takes no rho`);
    } else if ((m = /^seed(.*)$/.exec(mod))) {
      once('seed');
      seed = /^\d+$/.test(m[1]!) ? Number(m[1]) : Number.NaN;
      if (!Number.isSafeInteger(seed)) throw new BftError('usage', `${spec}: the seed must be a non-negative integer (e.g. seed7), got ${mod}`);
    } else throw new BftError('usage', `${spec}: unknown modifier "${mod}" (Nmin, rhoR or seedS, e.g. synth:opening-flow/1min/rho0.15/seed7)`);
  }
  return { design, intervalMin, rho, seed };
}

/**
 * A synthetic market's folder name: synth-DESIGN plus only the settings that differ from the
 * demo's, in a fixed order, so that the plain form keeps the folder it always had and two
 * spellings of one market (synth:opening-flow/5min and synth:opening-flow) share a kept store.
 */
function synthName(s: SynthSpec): string {
  const mods = [
    s.intervalMin !== SYNTH_DEFAULTS.intervalMin ? `${s.intervalMin}min` : '',
    s.design !== 'null' && s.rho !== SYNTH_DEFAULTS.rho ? `rho${s.rho}` : '',
    s.seed !== SYNTH_DEFAULTS.seed ? `seed${s.seed}` : '',
  ].filter(Boolean);
  return ['synth', s.design, ...mods].join('-');
}

function synthSpecText(s: SynthSpec): string {
  return `synth:${s.design}/${s.intervalMin}min${s.design === 'null' ? '' : `/rho${s.rho}`}/seed${s.seed}`;
}

/** bft synth's options for the spec; the null: no signal and no regime drift (a drift would be something to learn). */
function synthArgs(s: SynthSpec): string[] {
  const common = ['--interval', String(s.intervalMin), '--seed', String(s.seed)];
  if (s.design === 'null') return ['--signal', 'none', '--no-regime-drift', ...common];
  return [...common, '--signal-rho', String(s.rho), '--design', s.design];
}

function syntheticMarket(name: string, spec: string, args: readonly string[], x: SynthExperiment, what = 'synthetic T'): Market {
  return {
    name,
    spec,
    description: `${what}: bft synth ${args.join(' ')} (all four products, 2016..2025), ${x.text}`,
    synthetic: true,
    build: (db, dir, log) => {
      const out = join(dir, 'synth');
      bft(['synth', '--db', db, '--out', out, ...args], log);
      return join(out, 'truth.json');
    },
    experiment: x.read,
  };
}

const realT: Market = {
  name: 'real-t',
  spec: 'real-t',
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
  // Real T keeps its own experiment whatever --experiment says: it is the real market's headline.
  experiment: () => readExperiment(join(ROOT, 'experiments', 'real-t-walk-forward.json')),
};

function marketOf(spec: string, x: SynthExperiment): Market {
  // The demo's market exactly as `bft demo` makes it (seed 42 is bft synth's default; no --design: the home design).
  if (spec === 'demo') return syntheticMarket('demo', 'demo', ['--interval', '5', '--signal-rho', '0.3', '--seed', '42'], x);
  if (spec === 'real-t') return realT;
  const m = /^synth:(.*)$/.exec(spec);
  if (m) {
    const s = parseSynthSpec(spec, m[1]!);
    return syntheticMarket(synthName(s), synthSpecText(s), synthArgs(s), x, s.design === 'null' ? 'synthetic T, true null' : 'synthetic T');
  }
  throw new BftError('usage', `unknown market "${spec}" (demo, real-t or synth:DESIGN[/Nmin][/rhoR][/seedS])`);
}

/** --suite: every design at 1- and 5-minute bars (rho 0.3) and the true null at 5 minutes, one seed for all. */
function suiteSpecs(seed: number): string[] {
  return [...DESIGNS.flatMap((d) => [`synth:${d}/1min/seed${seed}`, `synth:${d}/5min/seed${seed}`]), `synth:null/5min/seed${seed}`];
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

const USAGE = `npm run bench:quality -- [options]
bft's models against a PyTorch reference peer on the same samples, fold plan and test days.

  --markets LIST   comma-separated (default demo,real-t; with --suite: added after the suite):
                     demo        synthetic T, bft synth --interval 5 --signal-rho 0.3, the demo's experiment
                     real-t      real T: ../shared/data daily contracts + T 5-minute splice,
                                 experiments/real-t-walk-forward.json (always; --experiment
                                 does not apply)
                     synth:DESIGN[/Nmin][/rhoR][/seedS]
                                 bft synth --design DESIGN --interval N --signal-rho R --seed S,
                                 the demo's experiment; defaults 5min, rho0.3, seed42 (the demo's
                                 market), e.g. synth:opening-flow/1min/rho0.15/seed7;
                                 N: ${SYNTH_INTERVALS.join(', ')}; DESIGN: ${DESIGNS.join(', ')}
                     synth:null[/Nmin][/seedS]
                                 the true null, bft synth --signal none --no-regime-drift: no
                                 planted signal, so no oracle rows and no oracle edge share
  --suite          the synthetic suite: every design at 1min and 5min (rho 0.3) and synth:null
                   at 5min; the list is printed first
  --suite-seed S   the seed of every suite market (default 42)
  --experiment FILE
                   experiment config walked forward on the synthetic markets instead of the
                   demo's (real-t keeps its own); read and checked before anything runs
  --no-peer        no PyTorch peer: no Python check or install, no export; the peer's rows and
                   paired differences are left out, everything else stays
  --seeds N        peer seeds per fold, probabilities averaged (default 1, like bft's runs)
  --peer-jobs N    peer processes training folds side by side (default: the cores)
  --threads N      PyTorch threads per peer process (default 1: fastest for these small
                   LSTMs on CPU; one process with 2 threads trains about 3x slower than
                   with 1 here)
  --peer-training own|bft
                   own (default): the peer's specification (up to 60 epochs, patience 8, batch 64,
                   Adam 1e-3, no class weights); bft: the experiment's epochs, patience, batch
                   size, learning rate and class weights, for a like-for-like time comparison
  --workers N      bft walk-forward worker threads (default: the cores)
  --bft-threads N  fused kernel threads in each bft worker (bft walk-forward --threads;
                   default 1). --workers 1 --bft-threads 2: one fold at a time on two cores
  --keep DIR       keep stores, synthetic files, runs and exports in DIR/<market>/; a store
                   found there is reused
  --reuse-run      with --keep: score the newest finished bft run of the same resolved config
                   (every setting, the experiment's name included) in the kept store instead of
                   walking forward again
  --json FILE      every number as JSON (default DIR/quality.json with --keep, else
                   $TMPDIR/bft-quality.json)
With more than one market, a summary table ends the output: test days, each bft model's accuracy
and oracle edge share, the peer's and the oracle feature's accuracy, and the paired accuracy
difference of the experiment's first model minus its second (demo: dual-gru - daily-gru).
Exit 2 on a bad option or market, 1 when a step fails.
Python (the peer only, never bft): /usr/bin/python3 with python3-torch and python3-numpy;
installed with apt-get (with libopenblas0-pthread) when missing.`;

interface Options {
  readonly markets: readonly Market[];
  /** The --suite markets' specs, to print what --suite expanded to; empty without --suite. */
  readonly suite: readonly string[];
  /** --experiment FILE as given (resolved), or null for the demo's experiment. */
  readonly experimentFile: string | null;
  readonly peer: boolean;
  readonly seeds: number;
  readonly peerJobs: number;
  readonly threads: number;
  /** 'own': the peer's specification (60 epochs, no class weights...); 'bft': the experiment's train settings. */
  readonly peerTraining: 'own' | 'bft';
  readonly workers: number;
  /** Fused kernel threads per bft worker (walk-forward --threads). */
  readonly bftThreads: number;
  readonly keep: string | null;
  readonly reuseRun: boolean;
  readonly json: string;
}

const FLAGS = new Set(['reuse-run', 'suite', 'no-peer']);

function parseOptions(argv: readonly string[]): Options {
  const known = new Set(['markets', 'suite-seed', 'experiment', 'seeds', 'peer-jobs', 'threads', 'peer-training', 'workers', 'bft-threads', 'keep', 'json']);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (FLAGS.has(name)) {
      flags.add(name);
      continue;
    }
    if (!known.has(name)) throw new BftError('usage', `unknown option ${a}`);
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new BftError('usage', `${a} needs a value`);
    values.set(name, v);
  }
  const count = (name: string, dflt: number): number => {
    const v = values.get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new BftError('usage', `--${name} takes a positive integer, got ${v}`);
    return n;
  };
  const keep = values.has('keep') ? resolve(values.get('keep')!) : null;
  const reuseRun = flags.has('reuse-run');
  if (reuseRun && keep === null) throw new BftError('usage', '--reuse-run needs --keep DIR (the store whose run is reused)');
  const experimentFile = values.has('experiment') ? resolve(values.get('experiment')!) : null;
  const x = experimentFile === null ? DEMO_EXPERIMENT : synthExperimentOf(experimentFile);
  const suite = flags.has('suite') ? suiteSpecs(suiteSeed(values.get('suite-seed'))) : [];
  if (!flags.has('suite') && values.has('suite-seed')) throw new BftError('usage', '--suite-seed only goes with --suite');
  const listed = values.get('markets') ?? (suite.length > 0 ? '' : 'demo,real-t');
  const markets = uniqueByName([...suite, ...listed.split(',').filter(Boolean)].map((spec) => marketOf(spec, x)));
  if (markets.length === 0) throw new BftError('usage', '--markets names no market');
  const cores = availableParallelism();
  const peerTraining = values.get('peer-training') ?? 'own';
  if (peerTraining !== 'own' && peerTraining !== 'bft') throw new BftError('usage', `--peer-training takes own or bft, got ${peerTraining}`);
  return {
    markets,
    suite,
    experimentFile,
    peer: !flags.has('no-peer'),
    seeds: count('seeds', 1),
    peerJobs: count('peer-jobs', cores),
    threads: count('threads', 1),
    peerTraining,
    workers: count('workers', cores),
    bftThreads: count('bft-threads', 1),
    keep,
    reuseRun,
    json: resolve(values.get('json') ?? (keep ? join(keep, 'quality.json') : join(tmpdir(), 'bft-quality.json'))),
  };
}

function suiteSeed(v: string | undefined): number {
  if (v === undefined) return SYNTH_DEFAULTS.seed;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new BftError('usage', `--suite-seed takes a non-negative integer, got ${v}`);
  return Number(v);
}

/**
 * --experiment FILE, read and resolved now so that a bad file stops the benchmark before any
 * store is built, and read again for each market (as real-t's is) so each gets its own object.
 */
function synthExperimentOf(file: string): SynthExperiment {
  let x: ResolvedExperiment;
  try {
    x = readExperiment(file);
  } catch (e) {
    throw new BftError('usage', `--experiment: ${(e as Error).message.split('\n')[0]}`);
  }
  return { text: `experiment ${x.name} (${file})`, read: () => readExperiment(file) };
}

/** One market per folder: two spellings of the same market (or --suite and --markets naming it) run once. */
function uniqueByName(markets: readonly Market[]): Market[] {
  const seen = new Set<string>();
  return markets.filter((m) => {
    if (seen.has(m.name)) return false;
    seen.add(m.name);
    return true;
  });
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
  readonly spec: string;
  readonly description: string;
  readonly experiment: string;
  /** The experiment's bft models (labels), in its order: the summary's first-minus-second pair comes from it. */
  readonly models: readonly string[];
  readonly runId: string;
  readonly reusedRun: boolean;
  readonly folds: number;
  readonly days: number;
  readonly from: string;
  readonly to: string;
  readonly truth: Omit<TruthSummary, 'latent'> | null;
  /** A synthetic market with nothing planted (truth.json signal mode none): no oracle to score. */
  readonly trueNull: boolean;
  readonly oracleNote: string;
  /** corr(oracle feature, next-day return) over every labelled sample, measured here (truth.realisedCorr: by the generator). */
  readonly oracleCorr: number | null;
  readonly scores: Scores;
  readonly fit: Record<string, { trainAccuracy: number; epochs: number; bestEpoch: number }>;
  /** export and peer: null with --no-peer. */
  readonly seconds: { store: number; bft: number; export: number | null; peer: number | null };
  readonly bftJobs: number;
  /** Training samples times epochs run over the walk-forward, bft's (null for a reused run) and the peer's (null without one). */
  readonly sampleEpochs: { readonly bft: number | null; readonly peer: number | null };
  readonly peer: PeerOutput['meta'] | null;
  readonly exported: { samples: number; bars: number; notes: Record<string, number> } | null;
  readonly bftCheck: string;
}

const since = (t: number): number => (performance.now() - t) / 1000;

/** The peer's training samples times epochs run, over folds and seeds. */
function peerSampleEpochs(out: PeerOutput): number {
  return out.folds.reduce((sum, f) => sum + f.trainSamples * f.seeds.reduce((e, s) => e + s.epochs, 0), 0);
}

/** "N sample-epochs/s" of a walk-forward, or '' when it is not known. */
function throughput(sampleEpochs: number | null, seconds: number | null): string {
  return sampleEpochs === null || seconds === null || seconds <= 0 ? '' : `, ${Math.round(sampleEpochs / seconds)} training samples x epochs per s`;
}

/**
 * The newest finished run of `x` in the store whose config is x's (for --reuse-run): the whole
 * resolved config compared, so a run of another --experiment (or of an edited file under the same
 * name) is never scored as this one's.
 */
async function reusableRun(store: Store, x: ResolvedExperiment): Promise<string | null> {
  const same = JSON.stringify(x);
  for (const r of await listRuns(store, x.name)) {
    if (r.status === 'finished' && r.configJson === same) return r.runId;
  }
  return null;
}

/**
 * What is scored of a run: the scored product's own dataset, its settings and the run's plan in
 * that dataset's sample indices. A single-product run is its own; a pooled run (dataset.kind
 * "futures-pooled") is scored on its `score` product, whose dataset the single-product kind builds
 * with the same settings, and the peer, a single-product reference, trains on that product's
 * samples of the run's folds (the same dates).
 */
async function scoredDataset(
  store: Store,
  x: ResolvedExperiment,
  loaded: Awaited<ReturnType<typeof walkForwardDataset>>,
  plan: FoldPlan,
): Promise<{ ds: SeriesDataset; cfg: ResolvedDatasetConfig; productPlan: FoldPlan }> {
  if (loaded.kind.name !== POOLED_KIND) {
    return { ds: timingDatasetOf(loaded.kind, loaded.dataset, 'bench:quality'), cfg: timingConfigOf(x.dataset, 'bench:quality'), productPlan: plan };
  }
  const pooled = pooledDatasetOf(loaded.kind, loaded.dataset, 'bench:quality');
  const c = experimentDataset(x).config as PooledConfig;
  const cfg = pooledConfigOf(c, c.score);
  const single = await walkForwardDataset(store, { ...x, dataset: { kind: TIMING_KIND, ...cfg } });
  const ds = timingDatasetOf(single.kind, single.dataset, 'bench:quality');
  return { ds, cfg, productPlan: productPlan(plan, pooled, c.score, ds) };
}

const PEER_ROW = 'peer (PyTorch)';
const ORACLE_ROW = 'oracle feature';

async function runMarket(m: Market, o: Options, python: string | null, base: string, log: Log): Promise<MarketResult> {
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
    // Training samples times epochs run, summed over the jobs: the walk-forward's training throughput.
    let bftSampleEpochs = 0;
    if (runId !== null) log(`bft: reusing finished run ${runId} of ${x.name}`);
    else {
      if (o.reuseRun) log(`bft: no finished run of this exact ${x.name} config in the kept store: walking forward`);
      let last = 0;
      const outcome = await walkForward({
        store,
        experiment: x,
        experimentsDir: join(dir, 'experiments'),
        workers: o.workers,
        threads: o.bftThreads,
        log: (l) => log(`bft: ${l}`),
        onJob: (done, total, r) => {
          bftSampleEpochs += r.trainSamples * r.epochs;
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
    const loaded = await walkForwardDataset(store, x);
    if (JSON.stringify(planOf(loaded.dataset, x)) !== JSON.stringify(plan)) throw new Error(`bench:quality: run ${runId}'s fold plan is not the plan of the dataset rebuilt now (the store changed?)`);
    const { ds, cfg, productPlan: scoredPlan } = await scoredDataset(store, x, loaded, plan);
    const series = ds.series;
    // The market's bars: for the export and for the oracle feature, which reads day t's bars.
    const market = await loadMarket(store, { product: cfg.product, intervalMin: cfg.intervalMin, to: x.walkForward.to, minuteFrom: x.walkForward.from });
    const peerRun = python === null ? null : await runPeer(python, o, { store, ds, market, plan: scoredPlan, runId, seed: x.seed, train: x.train }, join(dir, 'export'), log);
    if (peerRun === null) log('peer: not run (--no-peer)');

    // bft's own verdict of the run, and the contenders on its test days.
    const evaluation = await evaluateRun(store, x, runId, series, models, plan, cfg.product);
    const predictions = (await readPredictions(store, runId)).filter((p) => p.product === cfg.product);
    const jobs = await readJobs(store, runId);
    const { dates, prob, rows } = ensembleByDate(predictions, models);
    const moves = testDayMoves(cfg.product, dates, rows);
    const sampleAt = new Map(Array.from(ds.samples.date, (d, k) => [d, k]));
    const index = Int32Array.from(dates, (d, i) => {
      const k = sampleAt.get(d);
      if (k === undefined) throw new Error(`bench:quality: test date ${isoDate(d)} is not a sample of the rebuilt dataset`);
      if (ds.samples.label[k] !== moves.label[i]) throw new Error(`bench:quality: the label of ${isoDate(d)} differs between the run and the dataset`);
      return k;
    });
    const contenders: Contender[] = [
      ...models.map((name) => ({ name, kind: 'bft' as const, prob: prob.get(name)! })),
      ...(peerRun ? [{ name: PEER_ROW, kind: 'peer' as const, prob: peerByTestDay(peerRun.output, index) }] : []),
      { name: 'always-long', kind: 'baseline', prob: new Float64Array(dates.length).fill(1) },
    ];
    let truth: TruthSummary | null = null;
    let oracleNote = '';
    let oracle: string | undefined;
    let oracleCorr: number | null = null;
    if (truthPath !== null) {
      truth = readTruth(truthPath, cfg.product);
      // A true null's truth.json still names the home design's feature (the generator draws z
      // either way, so the random numbers match): scoring it would be an oracle of nothing.
      if (truth.mode !== 'none') {
        const oracles = oracleProbs(truth, ds, market);
        oracleNote = oracles.note;
        oracleCorr = oracles.featureCorr;
        if (oracles.feature) {
          oracle = ORACLE_ROW;
          contenders.push({ name: oracle, kind: 'oracle', prob: Float64Array.from(index, (k) => oracles.feature![k]!) });
        }
        if (oracles.latent) contenders.push({ name: 'oracle latent z', kind: 'oracle', prob: Float64Array.from(index, (k) => oracles.latent![k]!) });
      }
    }
    const st = x.strategy;
    const scores = score({
      contenders,
      moves,
      rule: st.rule,
      costs: { commissionTicks: st.commissionTicks, slippageTicks: st.slippageTicks },
      periodsPerYear: st.periodsPerYear,
      bootstrap: { seed: x.seed },
      oracle,
      pairs: pairsOf(models, peerRun !== null, oracle),
    });

    const fit: MarketResult['fit'] = {};
    for (const name of models) {
      const js = jobs.filter((j) => j['model'] === name);
      const mean = (k: string): number => js.reduce((a, j) => a + Number(j[k]), 0) / Math.max(1, js.length);
      fit[name] = { trainAccuracy: mean('train_accuracy'), epochs: mean('epochs'), bestEpoch: mean('best_epoch') };
    }
    if (peerRun) fit[PEER_ROW] = peerFit(peerRun.output);

    return {
      market: m.name,
      spec: m.spec,
      description: m.description,
      experiment: x.name,
      models,
      runId,
      reusedRun,
      folds: plan.folds.length,
      days: dates.length,
      from: isoDate(dates[0]!),
      to: isoDate(dates[dates.length - 1]!),
      truth: truth ? (({ latent: _latent, ...rest }) => rest)(truth) : null,
      trueNull: truth?.mode === 'none',
      oracleCorr,
      oracleNote,
      scores,
      fit,
      seconds: { store: storeSeconds, bft: bftSeconds, export: peerRun?.exportSeconds ?? null, peer: peerRun?.peerSeconds ?? null },
      bftJobs: jobsRun,
      sampleEpochs: { bft: jobsRun > 0 ? bftSampleEpochs : null, peer: peerRun ? peerSampleEpochs(peerRun.output) : null },
      peer: peerRun?.output.meta ?? null,
      exported: peerRun?.exported ?? null,
      bftCheck: crossCheck(evaluation, scores, models),
    };
  } finally {
    store.close();
  }
}

/**
 * The paired accuracy differences reported: bft's first model against its second (the
 * experiment's own comparison: dual-gru - daily-gru in the demo's), against the peer and
 * always-long, and the oracle feature against both. Pairs with an absent row are left out.
 */
function pairsOf(models: readonly string[], peer: boolean, oracle: string | undefined): [string, string][] {
  const head = models[0]!;
  const pairs: [string, string][] = [];
  if (models.length > 1) pairs.push([head, models[1]!]);
  if (peer) pairs.push([head, PEER_ROW], [PEER_ROW, 'always-long']);
  pairs.push([head, 'always-long']);
  if (oracle) {
    pairs.push([oracle, head]);
    if (peer) pairs.push([oracle, PEER_ROW]);
  }
  return pairs;
}

interface PeerRun {
  readonly output: PeerOutput;
  readonly exported: { samples: number; bars: number; notes: Record<string, number> };
  readonly exportSeconds: number;
  readonly peerSeconds: number;
}

/** Steps 3 and 4: the peer's inputs exported from the run's dataset and plan, then the peer trained on them. */
async function runPeer(
  python: string,
  o: Options,
  run: { store: Store; ds: Dataset; market: MarketData; plan: FoldPlan; runId: string; seed: number; train: ResolvedExperiment['train'] },
  exportDir: string,
  log: Log,
): Promise<PeerRun> {
  // Said here, with the way out, rather than by the export: the peer reads day t's bars.
  if (run.ds.intervalMin === null) throw new Error('bench:quality: the experiment has only daily-only models, so its dataset has no intraday bars for the peer: run with --no-peer');
  let t = performance.now();
  rmSync(exportDir, { recursive: true, force: true });
  mkdirSync(exportDir, { recursive: true });
  const exported = await exportForPeer(run.store, run.ds, run.market, run.plan, run.runId, exportDir);
  const exportSeconds = since(t);
  const notes = Object.entries(exported.notes).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
  log(`export: ${exported.n} samples (${exported.bars} bars a day), ${run.plan.folds.length} folds -> ${exportDir}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);

  t = performance.now();
  const env = { ...process.env, OMP_NUM_THREADS: String(o.threads), OPENBLAS_NUM_THREADS: String(o.threads) };
  const t0 = run.train;
  const training = o.peerTraining === 'bft' ? ['--epochs', String(t0.epochs), '--patience', String(t0.patience), '--batch', String(t0.batchSize), '--lr', String(t0.learningRate), '--class-weights', t0.classWeights] : [];
  const r = spawnSync(python, [PEER, exportDir, '--jobs', String(o.peerJobs), '--threads', String(o.threads), '--seeds', String(o.seeds), '--seed', String(run.seed), ...training], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench:quality: ${PEER} failed (exit ${r.status ?? r.signal})`);
  const peerSeconds = since(t);
  const output = JSON.parse(readFileSync(join(exportDir, 'peer.json'), 'utf8')) as PeerOutput;
  return { output, exported: { samples: exported.n, bars: exported.bars, notes: exported.notes }, exportSeconds, peerSeconds };
}

/** The peer's fit, means over every fold and seed (as bft's jobs are summarised). */
function peerFit(peer: PeerOutput): MarketResult['fit'][string] {
  const runs = peer.folds.flatMap((f) => f.seeds);
  const mean = (f: (s: PeerFold['seeds'][number]) => number): number => runs.reduce((a, s) => a + f(s), 0) / Math.max(1, runs.length);
  return { trainAccuracy: mean((s) => s.trainAccuracy), epochs: mean((s) => s.epochs), bestEpoch: mean((s) => s.bestEpoch) };
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
const diff = (i: { estimate: number; lo: number; hi: number }, f: (v: number) => string): string => `${signed(i.estimate, f)} [${f(i.lo)}, ${f(i.hi)}]`;

/** Columns padded to their widest cell, two spaces apart. */
function printTable(head: readonly string[], rows: readonly string[][], log: Log): void {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => c.padEnd(widths[j]!)).join('  ').trimEnd();
  log(line(head));
  for (const row of rows) log(line(row));
}

function label(r: ScoreRow): string {
  return r.kind === 'bft' ? `bft ${r.name}` : r.name;
}

function printMarket(r: MarketResult, log: Log): void {
  log(`\n${r.market}: ${r.description}`);
  log(`run ${r.runId}${r.reusedRun ? ' (reused)' : ''} of ${r.experiment}: ${r.folds} folds, ${r.days} test days ${r.from}..${r.to}; 95% circular block-bootstrap intervals (block ${r.scores.rows[0]?.accuracy.blockLength}), one seed for all rows`);
  // Without an oracle feature (real T, the true null) there is no edge to share: no column.
  const shares = r.scores.rows.some((s) => s.oracleShare !== null);
  const head = ['model', 'accuracy [95% CI]', 'p vs 0.5', 'balanced acc. [95% CI]', 'AUC [95% CI]', 'Sharpe [95% CI]', ...(shares ? ['oracle edge share [95% CI]'] : [])];
  const rows = r.scores.rows.map((s) => [
    label(s),
    ci(s.accuracy),
    pOf(s.pBootstrap),
    ci(s.balancedAccuracy),
    ci(s.auc),
    ci({ estimate: s.sharpe.estimate, lo: s.sharpe.lo, hi: s.sharpe.hi }, f2),
    ...(shares ? [s.oracleShare ? ci(s.oracleShare, f2) : ''] : []),
  ]);
  printTable(head, rows, log);
  for (const p of r.scores.pairs) {
    log(`${p.a} - ${p.b} (paired): accuracy ${diff(p.difference, f3)} (p ${pOf(p.difference.p)}), AUC ${diff(p.auc, f3)}, Sharpe ${diff(p.sharpe, f2)}`);
  }
  if (r.oracleNote) log(`oracle: ${r.oracleNote}`);
  if (r.trueNull) log('truth.json: true null: no planted signal (bft synth --signal none --no-regime-drift), so no oracle rows and no oracle edge share');
  else if (r.truth) {
    const check = r.oracleCorr !== null && r.truth.realisedCorr !== null ? `; corr with the next-day return ${f3(r.oracleCorr)} here, ${f3(r.truth.realisedCorr)} in truth.json (a check of the oracle's code)` : '';
    log(`truth.json: design ${r.truth.design ?? 'last-hour-volume'}, planted ${r.truth.featureName} (rho ${r.truth.rho}); expected hit rate of the feature's sign ${r.truth.expectedHitRate ?? 'n/a'}${check}`);
  }
  log(`fit (means over folds): ${Object.entries(r.fit).map(([k, v]) => `${k} train accuracy ${f3(v.trainAccuracy)}, ${v.epochs.toFixed(1)} epochs (best ${v.bestEpoch.toFixed(1)})`).join('; ')}`);
  log(`time: store ${r.seconds.store.toFixed(0)} s, bft walk-forward ${r.seconds.bft.toFixed(0)} s (${r.reusedRun ? 'reused' : `${r.bftJobs} jobs`}${throughput(r.sampleEpochs.bft, r.seconds.bft)}), ${peerTime(r)}`);
  log(`check: scoring ${r.bftCheck}`);
}

function peerTime(r: MarketResult): string {
  const p = r.peer;
  if (p === null) return 'no peer (--no-peer)';
  const loaded = p.blas.loaded.map((l) => l.split('/').pop()!);
  const blas = `${p.blas.built.join(' ') || 'build unknown'}, loaded ${loaded.filter((l) => l.includes('openblas')).join(', ') || loaded.join(', ') || 'none'}`;
  return `export ${(r.seconds.export ?? 0).toFixed(0)} s, peer ${(r.seconds.peer ?? 0).toFixed(0)} s (torch ${p.torch}, ${p.jobs} process(es) x ${p.threads} thread(s), BLAS ${blas}, ${p.seeds} seed(s) per fold${throughput(r.sampleEpochs.peer, r.seconds.peer)})`;
}

// The summary of a run over several markets (a suite): one row per market, the numbers the
// screening and acceptance criteria read, among them the experiment's first model minus its
// second (dual-gru - daily-gru in the demo's: does the minute channel add anything?).

type Interval = ScoreRow['accuracy'];

interface SummaryRow {
  readonly market: string;
  readonly spec: string;
  readonly days: number;
  readonly trueNull: boolean;
  /** Each bft model's accuracy and share of the oracle edge (null without an oracle). */
  readonly models: Record<string, { accuracy: Interval; oracleShare: Interval | null }>;
  readonly peer: Interval | null;
  readonly oracleFeature: Interval | null;
  /** The paired accuracy difference of the experiment's first bft model minus its second; null with one model. */
  readonly firstMinusSecond: { a: string; b: string; accuracy: PairRow['difference'] } | null;
}

function summaryOf(r: MarketResult): SummaryRow {
  const row = (name: string): ScoreRow | undefined => r.scores.rows.find((s) => s.name === name);
  const [a, b] = r.models;
  const pair = b === undefined ? undefined : r.scores.pairs.find((p) => p.a === a && p.b === b);
  return {
    market: r.market,
    spec: r.spec,
    days: r.days,
    trueNull: r.trueNull,
    models: Object.fromEntries(r.models.map((m) => [m, { accuracy: row(m)!.accuracy, oracleShare: row(m)!.oracleShare }])),
    peer: row(PEER_ROW)?.accuracy ?? null,
    oracleFeature: row(ORACLE_ROW)?.accuracy ?? null,
    firstMinusSecond: pair ? { a: pair.a, b: pair.b, accuracy: pair.difference } : null,
  };
}

function printSummary(rows: readonly SummaryRow[], log: Log): void {
  const models = [...new Set(rows.flatMap((r) => Object.keys(r.models)))];
  const peer = rows.some((r) => r.peer !== null);
  // One header names the pair when every market's experiment compares the same two models.
  const pairs = new Set(rows.flatMap((r) => (r.firstMinusSecond ? [`${r.firstMinusSecond.a} - ${r.firstMinusSecond.b}`] : [])));
  const named = pairs.size === 1;
  const head = [
    'market',
    'days',
    ...models.flatMap((m) => [`${m} acc. [95% CI]`, 'share']),
    ...(peer ? ['peer acc. [95% CI]'] : []),
    'oracle feature acc.',
    `${named ? [...pairs][0] : '1st - 2nd model'} acc. [95% CI]`,
  ];
  const cells = rows.map((r) => {
    const d = r.firstMinusSecond;
    const excludesZero = d !== null && (d.accuracy.lo > 0 || d.accuracy.hi < 0);
    return [
      r.market,
      String(r.days),
      ...models.flatMap((m) => {
        const v = r.models[m];
        return v ? [ci(v.accuracy), v.oracleShare ? f2(v.oracleShare.estimate) : ''] : ['', ''];
      }),
      ...(peer ? [r.peer ? ci(r.peer) : ''] : []),
      r.oracleFeature ? ci(r.oracleFeature) : r.trueNull ? 'none: true null' : '',
      d ? `${named ? '' : `${d.a} - ${d.b} `}${diff(d.accuracy, f3)}${excludesZero ? ' *' : ''}` : '',
    ];
  });
  log('\n==== summary');
  printTable(head, cells, log);
  log("share: the share of the oracle feature's edge over 0.5 recovered (estimate; its interval in the JSON); * the paired interval excludes zero");
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
    if (e instanceof BftError && e.code === 'usage') {
      // One line (the options run to a page): what was wrong, and where the options are.
      console.error(`bench:quality: ${e.message} (npm run bench:quality -- --help for the options)`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const log: Log = (l) => console.log(l);
  const t0 = performance.now();
  if (o.suite.length > 0) {
    log(`bench:quality: --suite is ${o.suite.length} markets (spec, then its folder):`);
    for (const m of o.markets.slice(0, o.suite.length)) log(`  ${m.spec.padEnd(48)} ${m.name}`);
  }
  if (o.experimentFile !== null) log(`bench:quality: synthetic markets walk forward ${o.experimentFile}`);
  const python = o.peer ? ensureTorch(log) : null;
  const base = o.keep ?? mkdtempSync(join(tmpdir(), 'bft-quality-'));
  mkdirSync(base, { recursive: true });
  const peer = o.peer ? `peer ${o.peerJobs} process(es) x ${o.threads} thread(s), ${o.seeds} seed(s) per fold, ${o.peerTraining === 'bft' ? "bft's training settings" : 'its own training settings'}` : 'no peer (--no-peer)';
  log(`bench:quality: markets ${o.markets.map((m) => m.name).join(', ')}; bft ${o.workers} worker(s) x ${o.bftThreads} kernel thread(s), ${peer}; ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'cpu'}), node ${process.version}; files in ${base}`);
  const results: MarketResult[] = [];
  try {
    for (const m of o.markets) results.push(await runMarket(m, o, python, base, log));
  } finally {
    if (!o.keep) rmSync(base, { recursive: true, force: true });
  }
  log('\n==== results');
  for (const r of results) printMarket(r, log);
  const summary = results.length > 1 ? results.map(summaryOf) : null;
  if (summary) printSummary(summary, log);
  const total = since(t0);
  mkdirSync(dirname(o.json), { recursive: true });
  const options = { ...o, markets: o.markets.map((m) => m.spec) };
  writeFileSync(o.json, JSON.stringify({ generated: new Date().toISOString(), commit: gitCommit(ROOT), seconds: total, options, summary, results }, null, 1) + '\n');
  log(`\nall numbers: ${o.json}; ${(total / 60).toFixed(1)} min in all`);
}

try {
  await main();
} catch (e) {
  // A failed step (a bft command, the peer, a missing file) is one line; BFT_DEBUG=1 shows the stack.
  console.error(`bench:quality: ${e instanceof Error ? (process.env['BFT_DEBUG'] ? e.stack : e.message) : String(e)}`);
  process.exitCode = 1;
}
