// bft walk-forward: an experiment config → a run under experiments/<name>/runs/<run_id>/ with
// out-of-sample predictions in the store; --plan prints the folds only.

import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BACKEND_NAMES, type BackendName } from '../../models/backend-names.js';
import { wholeNumberOption } from '../options.js';
import { DEFAULT_EXPERIMENTS_DIR, runWalkForward } from '../walk-forward-run.js';
import { withExamples, withExistingStore, withJsonOption, withStoreOptions, withStoreToRead, withThreadsOption, type JsonArgs, type StoreArgs, type ThreadsArgs } from './common.js';

interface WalkForwardArgs extends StoreArgs, JsonArgs, ThreadsArgs {
  config: string;
  plan: boolean;
  workers?: number | undefined;
  resume?: string | undefined;
  backend?: BackendName | undefined;
  rnn?: 'fused' | 'stock' | undefined;
  experiments: string;
}

export const walkForwardCommand: CommandModule<object, WalkForwardArgs> = {
  command: 'walk-forward',
  describe: 'retrain per fold (walk-forward windows, or CPCV with walkForward.scheme "cpcv") and collect out-of-sample predictions for every test date (a run)',
  builder: (y: Argv) =>
    withExamples(withThreadsOption(withJsonOption(withStoreOptions(y), 'the run (id, folder, jobs, files) and its out-of-sample figures; with --plan, the folds with their dates'), 'per worker (with --workers 1: one fold at a time on all cores)'), [
      ['bft walk-forward --config experiments/synth-walk-forward.json --plan', 'show the folds'],
      ['bft walk-forward --config experiments/synth-walk-forward.json --workers 2', 'run it on two cores'],
      ['bft walk-forward --config experiments/synth-walk-forward.json --workers 1 --threads 2', 'one fold at a time, each batch on two cores'],
      ['bft walk-forward --config experiments/synth-cpcv.json', 'combinatorial purged CV: 15 folds, 5 backtest paths'],
    ])
      .option('config', { type: 'string', demandOption: true, describe: 'experiment config (JSON), e.g. experiments/synth-walk-forward.json' })
      .option('plan', { type: 'boolean', default: false, describe: 'print the fold plan and stop (nothing is trained or written)' })
      .option('workers', { type: 'number', describe: 'worker threads training folds in parallel (default: the number of cores)' })
      .option('resume', { type: 'string', describe: 'continue run RUN_ID (same config) from its last finished job' })
      .option('backend', { choices: BACKEND_NAMES, describe: "tfjs backend (default the config's)" })
      .option('rnn', { choices: ['fused', 'stock'] as const, describe: "recurrent layers: bft's fused kernels (default on wasm and cpu) or tfjs's stock ones" })
      .option('experiments', { type: 'string', default: DEFAULT_EXPERIMENTS_DIR, describe: 'folder under which <name>/runs/<run_id>/ is written' })
      .coerce('workers', wholeNumberOption('workers', 1)) as unknown as Argv<WalkForwardArgs>,
  handler: async (args) => {
    // tfjs loads only for the commands that use it
    const { readExperiment } = await import('../../eval/run/experiment.js');
    const config = readExperiment(args.config);
    const experiment = args.backend ? { ...config, backend: args.backend } : config;
    if (args.plan) {
      // the plan only reads: it may look in while another process writes now and then
      await withStoreToRead(args, async (store, out) => {
        const wf = await import('../../eval/run/walkforward.js');
        const { datedPlan, describePlan } = await import('../../eval/plan/folds.js');
        const { dataset: ds } = await wf.walkForwardDataset(store, experiment);
        const plan = wf.planOf(ds, experiment);
        for (const line of describePlan(plan, ds.samples.date)) out.result(line);
        out.document({ experiment: experiment.name, product: experiment.dataset.product, ...datedPlan(plan, ds.samples.date) });
      });
      return;
    }
    await withExistingStore(args, async (store, out) => {
      out.document(await runWalkForward(store, out, experiment, { experimentsDir: resolve(args.experiments), workers: args.workers, threads: args.threads, resume: args.resume, rnn: args.rnn }));
    });
  },
};
