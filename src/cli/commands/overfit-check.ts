// bft overfit-check: the overfitting and leakage gate for CI. Runs the experiment's walk-forward
// (or reads a finished run), probes it, prints every check and the verdict, and exits 0 (pass),
// 1 (overfit or leaky, reasons printed) or 2 (bad config, missing data).

import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BftError } from '../../errors.js';
import { BACKEND_NAMES, type BackendName } from '../../models/backend-names.js';
import { wholeNumberOption } from '../options.js';
import { withExistingStore, withJsonOption, withStoreOptions, type JsonArgs, type StoreArgs } from './common.js';
import { DEFAULT_EXPERIMENTS_DIR, jobProgress, printRunEnd } from '../walk-forward-run.js';

interface OverfitCheckArgs extends StoreArgs, JsonArgs {
  config?: string | undefined;
  run?: string | undefined;
  workers?: number | undefined;
  experiments: string;
  backend?: BackendName | undefined;
  rnn?: 'fused' | 'stock' | undefined;
}

export const overfitCheckCommand: CommandModule<object, OverfitCheckArgs> = {
  command: 'overfit-check',
  describe: 'overfitting and leakage gate: train/OOS gap, PBO, deflated Sharpe, permuted-label null, leak probes; exit 0 pass, 1 fail. Give --config FILE, --run RUN, or both',
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), 'the run id, its folder and the full report (the verdict still sets the exit code)')
      .option('config', { type: 'string', describe: 'experiment config (experiments/<name>.json); its "overfit" block sets probes and thresholds (this or --run is required)' })
      .option('run', { type: 'string', describe: 'check this run of the store (finishing it first if it stopped) with its own config (this or --config is required)' })
      .option('workers', { type: 'number', describe: 'worker threads (default: the number of cores)' })
      .coerce('workers', wholeNumberOption('workers', 1))
      .check((a) => {
        if (a.config === undefined && a.run === undefined) throw new BftError('usage', 'overfit-check: give --config FILE or --run RUN');
        return true;
      })
      .option('experiments', { type: 'string', default: DEFAULT_EXPERIMENTS_DIR, describe: 'folder under which <name>/runs/<run_id>/ is written' })
      .option('backend', { choices: BACKEND_NAMES, describe: 'override the config backend' })
      .option('rnn', { choices: ['fused', 'stock'] as const, describe: 'recurrent layers (default: fused on wasm/cpu, stock on a native backend)' }) as unknown as Argv<OverfitCheckArgs>,
  handler: async (args) => {
    const { readExperiment, resolveExperiment } = await import('../../eval/run/experiment.js');
    const { overfitCheck } = await import('../../overfit/check.js');
    const { defaultWorkers } = await import('../../eval/run/pool.js');
    const { getRun } = await import('../../eval/run/runs.js');
    const { finishedRun, keepVerdict } = await import('../../eval/run/walkforward.js');
    const { timingVerdict } = await import('../../timing/finish.js');
    const { overfitFigures, verdictLine } = await import('../../report/overfit.js');
    const fromConfig = args.config !== undefined ? readExperiment(args.config) : null;
    const verdict = await withExistingStore(args, async (store, out) => {
      let experiment = fromConfig;
      if (args.run !== undefined) {
        const prev = await getRun(store, args.run);
        if (prev === null) throw new BftError('no_run', `no run "${args.run}" in ${store.path}`, { run: args.run });
        const stored = resolveExperiment(JSON.parse(prev.configJson), prev.experiment, `run ${args.run}`);
        // Thresholds and probes may come from --config; everything that made the run must not change.
        experiment = fromConfig ? { ...stored, overfit: fromConfig.overfit } : stored;
      }
      const x = args.backend ? { ...experiment!, backend: args.backend } : experiment!;
      const wfBar = jobProgress(out, 'walk-forward');
      const probeBar = jobProgress(out, 'probes');
      try {
        const r = await overfitCheck({
          store,
          experiment: x,
          experimentsDir: resolve(args.experiments),
          workers: args.workers ?? defaultWorkers(),
          runId: args.run,
          rnn: args.rnn,
          log: (l) => out.info(l),
          onJob: (phase, done, total, job) => {
            if (phase === 'walk-forward') wfBar.onJob(done, total, job);
            else {
              wfBar.stop();
              probeBar.onJob(done, total, job);
            }
          },
        });
        wfBar.stop();
        probeBar.stop();
        const run = (await finishedRun(store, x, r.walkForward)) as Parameters<typeof timingVerdict>[0];
        const scored = await timingVerdict(run, r.evaluation, r.report);
        await keepVerdict(store, r.walkForward.runId, scored);
        printRunEnd(out, r.walkForward, scored);
        out.result('');
        for (const l of overfitFigures(r.report)) out.result(l);
        out.result('');
        out.result(verdictLine(r.report));
        for (const reason of r.report.reasons) out.result(`  ${reason.text}`);
        out.document({ run: r.walkForward.runId, dir: r.walkForward.dir, report: r.report });
        return r.report;
      } finally {
        wfBar.stop();
        probeBar.stop();
      }
    });
    if (!verdict.pass) throw new BftError('check_failed', `overfit-check failed: ${[...new Set(verdict.reasons.map((x) => x.kind))].join(', ')} (${verdict.reasons.length} reason(s) above)`);
  },
};
