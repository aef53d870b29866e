// bft runs list | show | compare: the walk-forward runs in the store and their verdicts (read from
// each run's metrics.json).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BftError } from '../../errors.js';
import type { Evaluation, ModelVerdict, StrategyRow } from '../../futures/evaluate.js';
import type { PathSummary } from '../../futures/paths.js';
import { FOLDER_NAME_RULE, isFolderName } from '../../eval/run/experiment.js';
import { getRun, jobCounts, listRuns, readPredictions, type RunRecord } from '../../eval/run/runs.js';
import type { ResolvedExperiment } from '../../eval/run/experiment.js';
import { pairedRuns, type PairedModel } from '../../futures/paired.js';
import type { Store } from '../../data/store.js';
import { table, type Output } from '../output.js';
import { withJsonOption, withStoreOptions, withStoreToRead, type JsonArgs, type StoreArgs } from './common.js';

interface ListArgs extends StoreArgs, JsonArgs {
  experiment?: string | undefined;
}
interface ShowArgs extends StoreArgs, JsonArgs {
  run: string;
}
interface CompareArgs extends StoreArgs, JsonArgs {
  runs: string[];
  paired: boolean;
}

interface Summary {
  accuracy?: Record<string, { estimate: number; lo: number; hi: number }>;
  days?: number;
  from?: string;
  to?: string;
}

const f3 = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '-');

function summaryOf(r: RunRecord): Summary {
  return r.summaryJson ? (JSON.parse(r.summaryJson) as Summary) : {};
}

function evaluationOf(r: RunRecord): Evaluation {
  const file = join(r.dir, 'metrics.json');
  if (!existsSync(file)) throw new BftError('no_run', `run ${r.runId} has no ${file} (it has not finished: bft walk-forward --resume ${r.runId})`, { run: r.runId });
  return (JSON.parse(readFileSync(file, 'utf8')) as { evaluation: Evaluation }).evaluation;
}

/** A run id names a folder; a path such as ../../x is never one (checked before the store is opened). */
function runIdArg(id: string): string {
  if (!isFolderName(String(id))) throw new BftError('usage', `no run ${JSON.stringify(id)}: a run id is ${FOLDER_NAME_RULE} (bft runs list shows them)`);
  return String(id);
}

async function runOrFail(store: Parameters<typeof getRun>[0], id: string): Promise<RunRecord> {
  const r = await getRun(store, id);
  if (r === null) throw new BftError('no_run', `no run "${id}" in ${store.path} (bft runs list shows them)`, { run: id });
  return r;
}

const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'runs in the store, newest first',
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), 'the runs, each with its jobs done and summary')
      .option('experiment', { type: 'string', describe: 'only the runs of this experiment' }) as unknown as Argv<ListArgs>,
  handler: (args) =>
    withStoreToRead(args, async (store, out) => {
      const runs = await listRuns(store, args.experiment);
      const done = await jobCounts(store);
      out.document(runs.map((r) => ({ ...r, jobsDone: done.get(r.runId) ?? 0, summary: summaryOf(r) })));
      if (runs.length === 0) {
        out.result('no runs yet (bft walk-forward --config experiments/<name>.json)');
        return;
      }
      out.result(
        table(
          ['run', 'experiment', 'status', 'created', 'jobs', 'out of sample', 'accuracy'],
          runs.map((r) => {
            const s = summaryOf(r);
            return [r.runId, r.experiment, r.status, r.createdAt, `${done.get(r.runId) ?? 0}/${r.jobs}`, s.from ? `${s.from}..${s.to} (${s.days})` : '-', Object.entries(s.accuracy ?? {}).map(([m, a]) => `${m} ${f3(a.estimate)}`).join(', ') || '-'];
          }),
        ),
      );
    }),
};

const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <run>',
  describe: "a run's report (report.md), or its metrics as JSON",
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), "the run's metrics.json, not its report.md")
      .positional('run', { type: 'string', demandOption: true, describe: 'run id (bft runs list)' })
      .coerce('run', runIdArg) as unknown as Argv<ShowArgs>,
  handler: (args) =>
    withStoreToRead(args, async (store, out) => {
      const r = await runOrFail(store, args.run);
      const file = join(r.dir, args.json ? 'metrics.json' : 'report.md');
      if (!existsSync(file)) throw new BftError('no_run', `run ${r.runId} (${r.status}) has no ${file}${r.status !== 'finished' ? `: resume it with bft walk-forward --resume ${r.runId}` : ''}`, { run: r.runId });
      const text = readFileSync(file, 'utf8');
      if (args.json) out.document(JSON.parse(text) as unknown);
      else out.result(text.trimEnd());
    }),
};

/** A row of `runs compare --json`: one model of one run. */
interface CompareRecord {
  readonly run: string;
  readonly experiment: string;
  readonly model: string;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly accuracy: ModelVerdict['accuracy'];
  readonly auc: ModelVerdict['auc'];
  /** The model's strategy Sharpe, null when the run has no strategy row for it. */
  readonly sharpe: StrategyRow['sharpe'] | null;
  /** CPCV runs: the model over the backtest paths. */
  readonly cpcvPaths: PathSummary | null;
}

const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <runs..>',
  describe: 'the models of one or more runs side by side: OOS accuracy, AUC and strategy Sharpe with 95% intervals (and, for CPCV runs, the Sharpe over the backtest paths); --paired: each later run minus the first on the days they share',
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), 'a row per run and model with the figures and their intervals (--paired: a row per later run and model with the differences)')
      .positional('runs', { type: 'string', demandOption: true, default: undefined, describe: 'one or more run ids (bft runs list)' })
      .option('paired', {
        type: 'boolean',
        default: false,
        describe: "each later run's models minus the same-named models of the first run, on the test days both scored: accuracy, AUC and Sharpe differences with block-bootstrap 95% intervals drawn from the same days, and the p of no difference (the first run's product, strategy and seed)",
      })
      .coerce('runs', (ids: string[]) => ids.map(runIdArg)) as unknown as Argv<CompareArgs>,
  handler: (args) =>
    withStoreToRead(args, async (store, out) => {
      if (args.paired) return comparePaired(store, args.runs, out);
      const rows: string[][] = [];
      const records: CompareRecord[] = [];
      for (const id of args.runs) {
        const r = await runOrFail(store, id);
        const e = evaluationOf(r);
        for (const m of e.models) {
          const s = e.strategies.find((x) => x.name === m.model);
          const p = e.paths?.summary.find((x) => x.model === m.model);
          records.push({ run: r.runId, experiment: r.experiment, model: m.model, from: e.from, to: e.to, days: e.days, accuracy: m.accuracy, auc: m.auc, sharpe: s?.sharpe ?? null, cpcvPaths: p ?? null });
          rows.push([
            r.runId,
            r.experiment,
            m.model,
            `${e.from}..${e.to}`,
            `${f3(m.accuracy.estimate)} [${f3(m.accuracy.lo)}, ${f3(m.accuracy.hi)}]`,
            `${f3(m.auc.estimate)} [${f3(m.auc.lo)}, ${f3(m.auc.hi)}]`,
            s ? `${s.sharpe.estimate.toFixed(2)} [${s.sharpe.lo.toFixed(2)}, ${s.sharpe.hi.toFixed(2)}]` : '-',
            p ? `${p.sharpe.mean.toFixed(2)} [${p.sharpe.min.toFixed(2)}, ${p.sharpe.max.toFixed(2)}] over ${p.paths}` : '-',
          ]);
        }
      }
      out.result(table(['run', 'experiment', 'model', 'out of sample', 'accuracy [95% CI]', 'AUC [95% CI]', 'Sharpe [95% CI]', 'CPCV path Sharpe mean [min, max]'], rows));
      out.document(records);
    }),
};

/** A row of `runs compare --paired --json`: one model of a later run against the first run's. */
interface PairedRecord extends PairedModel {
  readonly base: string;
  readonly run: string;
}

/** `runs compare --paired`: every later run minus the first, model by model, on shared days. */
async function comparePaired(store: Store, ids: readonly string[], out: Output): Promise<void> {
  if (ids.length < 2) throw new BftError('usage', 'runs compare --paired needs two runs or more: the first is the base the others are compared with');
  const base = await runOrFail(store, ids[0]!);
  // The base's product, strategy and seed score every pair.
  const evaluation = evaluationOf(base);
  const product = evaluation.product;
  const x = JSON.parse(base.configJson) as ResolvedExperiment;
  const st = x.strategy;
  const predictionsOf = async (r: RunRecord) => ({ name: r.runId, predictions: (await readPredictions(store, r.runId)).filter((p) => p.product === product) });
  const a = { ...(await predictionsOf(base)), models: evaluation.models.map((m) => m.model) };
  const records: PairedRecord[] = [];
  for (const id of ids.slice(1)) {
    const r = await runOrFail(store, id);
    evaluationOf(r); // refuses an unfinished run, as the unpaired table does
    for (const m of pairedRuns(a, await predictionsOf(r), { product, rule: st.rule, costs: { commissionTicks: st.commissionTicks, slippageTicks: st.slippageTicks }, periodsPerYear: st.periodsPerYear, bootstrap: { seed: x.seed } })) {
      records.push({ base: base.runId, run: r.runId, ...m });
    }
  }
  const diff = (t: PairedModel['accuracy'], d: number): string => `${sign(t.estimate, d)} [${sign(t.lo, d)}, ${sign(t.hi, d)}]`;
  out.result(
    `paired on ${product}: each run minus ${base.runId} (${base.experiment}), the same model, on the test days both scored\n` +
      table(
        ['run', 'model', 'shared days', 'accuracy base → run', 'accuracy diff [95% CI]', 'p', 'AUC diff [95% CI]', 'Sharpe diff [95% CI]'],
        records.map((m) => [m.run, m.model, `${m.days} (${m.from}..${m.to})`, `${f3(m.accuracyA)} → ${f3(m.accuracyB)}`, diff(m.accuracy, 3), m.accuracy.p.toFixed(3), diff(m.auc, 3), diff(m.sharpe, 2)]),
      ),
  );
  out.document(records);
}

const sign = (x: number, digits: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}` : '-');

export const runsCommand: CommandModule = {
  command: 'runs',
  describe: 'list, show and compare walk-forward runs',
  builder: (y: Argv) => y.command(listCommand).command(showCommand).command(compareCommand).demandCommand(1, 'name a runs command: list, show or compare'),
  handler: () => undefined,
};
