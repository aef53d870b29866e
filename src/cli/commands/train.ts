// bft train: one experiment config → a saved model under models/<name>/<id>/.

import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BACKEND_NAMES, type BackendName } from '../../models/backend-names.js';
import { dateOption } from '../options.js';
import { DEFAULT_MODELS_DIR, withExamples, withJsonOption, withStoreOptions, withStoreToRead, withThreadsOption, type JsonArgs, type StoreArgs, type ThreadsArgs } from './common.js';

interface TrainArgs extends StoreArgs, JsonArgs, ThreadsArgs {
  config: string;
  from?: string | undefined;
  to?: string | undefined;
  backend?: BackendName | undefined;
  rnn?: 'fused' | 'stock' | undefined;
  models: string;
}

const fmt = (x: number | undefined, d = 4): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'train a model from an experiment config and save it under models/<name>/<id>/',
  builder: (y: Argv) =>
    withThreadsOption(
      withJsonOption(
        withExamples(withStoreOptions(y), [
          ['bft train --config experiments/synth-dual-lstm.json', 'train the dual-channel LSTM on the demo store'],
          ['bft train --config experiments/synth-dual-lstm.json --threads 2', 'the same on two cores'],
        ]),
        'the saved model: name, id, folder, spec, data ranges and training metrics',
      ),
      'each batch split over them',
    )
      .option('config', { type: 'string', demandOption: true, describe: 'experiment config (JSON), e.g. experiments/synth-dual-lstm.json' })
      .option('from', { type: 'string', describe: 'first sample date (YYYY-MM-DD; default the config\'s train.from, else the start of the data)' })
      .option('to', { type: 'string', describe: 'last sample date, validation tail included (YYYY-MM-DD; nothing later is read)' })
      .option('backend', { choices: BACKEND_NAMES, describe: 'tfjs backend (default the config\'s, else auto: GPU/native if it loads, then wasm, then cpu)' })
      .option('rnn', { choices: ['fused', 'stock'] as const, describe: "recurrent layers: bft's fused kernels (default on wasm and cpu) or tfjs's stock ones (default on a native backend)" })
      .option('models', { type: 'string', default: DEFAULT_MODELS_DIR, describe: 'folder that holds model folders' })
      .coerce('from', dateOption('from'))
      .coerce('to', dateOption('to')) as unknown as Argv<TrainArgs>,
  handler: async (args) => {
    // tfjs loads only for the commands that use it
    const { readExperiment, trainExperiment } = await import('../../timing/index.js');
    const { setKernelThreads } = await import('../../models/backend.js');
    const config = readExperiment(args.config);
    setKernelThreads(args.threads ?? 1);
    const experiment = args.backend ? { ...config, backend: args.backend } : config;
    await withStoreToRead(args, async (store, out) => {
      const bar = out.progress('train', experiment.train.epochs);
      let trained;
      try {
        trained = await trainExperiment({
          store,
          experiment,
          modelsDir: resolve(args.models),
          from: args.from,
          to: args.to,
          rnn: args.rnn,
          log: (l) => out.info(l),
          onEpoch: (e, epochs) => {
            const note = `loss ${fmt(e.loss)} acc ${fmt(e.acc, 3)} | val loss ${fmt(e.valLoss)} acc ${fmt(e.valAcc, 3)}`;
            bar.update(e.epoch, epochs, note);
            // no bar without a terminal: a line per epoch instead (hidden by --quiet)
            if (!process.stderr.isTTY) out.info(`epoch ${e.epoch}/${epochs}: ${note}`);
          },
        });
      } finally {
        bar.stop();
      }
      const m = trained.meta;
      out.result(`model ${m.name}/${m.id} saved to ${trained.dir}`);
      out.result(
        `${m.spec.kind} ${m.spec.cell} (${m.spec.rnn}) on ${m.backend}: ${m.metrics.epochs} epochs (best ${m.metrics.bestEpoch}${m.metrics.stoppedEarly ? ', stopped early' : ''}) in ${m.metrics.seconds.toFixed(1)} s; ` +
          `train ${m.data.train.from}..${m.data.train.to} (${m.data.train.samples}) acc ${fmt(m.metrics.train.accuracy, 3)} loss ${fmt(m.metrics.train.loss)}` +
          (m.data.validation && m.metrics.validation
            ? `; validation ${m.data.validation.from}..${m.data.validation.to} (${m.data.validation.samples}) acc ${fmt(m.metrics.validation.accuracy, 3)} loss ${fmt(m.metrics.validation.loss)}`
            : ''),
      );
      // meta.json in the folder holds the resolved experiment too; the document is the rest
      out.document({ model: `${m.name}/${m.id}`, name: m.name, id: m.id, dir: trained.dir, createdAt: m.createdAt, commit: m.commit, backend: m.backend, spec: m.spec, data: m.data, metrics: m.metrics });
    });
  },
};
