// bft predict: a saved model's predictions for a date range, as a table or CSV.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BACKEND_NAMES, type BackendName } from '../../models/backend-names.js';
import { table } from '../output.js';
import { dateOption, outputFileOption } from '../options.js';
import { withStoreOptions, withStoreToRead, type StoreArgs } from './common.js';
import { DEFAULT_MODELS_DIR } from './train.js';

interface PredictArgs extends StoreArgs {
  model: string;
  from?: string | undefined;
  to?: string | undefined;
  backend?: BackendName | undefined;
  models: string;
  csv?: string | undefined;
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict',
  describe: "a saved model's next-day probabilities for each date (the newest date has no outcome yet)",
  builder: (y: Argv) =>
    withStoreOptions(y)
      .option('model', { type: 'string', demandOption: true, describe: 'model folder, id, or name (its newest id) under --models' })
      .option('from', { type: 'string', describe: 'first date (YYYY-MM-DD)' })
      .option('to', { type: 'string', describe: 'last date (YYYY-MM-DD)' })
      .option('backend', { choices: BACKEND_NAMES, describe: 'tfjs backend (default: the one the model was trained on)' })
      .option('models', { type: 'string', default: DEFAULT_MODELS_DIR, describe: 'folder that holds model folders' })
      .option('csv', { type: 'string', describe: 'also write the predictions to this CSV file (its folder must exist)' })
      .coerce('from', dateOption('from'))
      .coerce('to', dateOption('to'))
      .coerce('csv', outputFileOption('csv')) as unknown as Argv<PredictArgs>,
  handler: async (args) => {
    // tfjs loads only for the commands that use it
    const { predictWithModel, resolveModelDir } = await import('../../eval/index.js');
    const dir = resolveModelDir(resolve(args.models), args.model);
    await withStoreToRead(args, async (store, out) => {
      const p = await predictWithModel({ store, modelDir: dir, from: args.from, to: args.to, backend: args.backend, log: (l) => out.info(l) });
      const three = p.meta.data.classes === 3;
      const head = ['date', 'contract', 'traded', ...(three ? ['p_down', 'p_flat', 'p_up'] : ['p_up']), 'outcome', 'next_ticks'];
      const outcome = (l: number | null): string => (l === null ? '' : three ? (['down', 'flat', 'up'][l] ?? '') : l === 1 ? 'up' : 'down');
      const rows = p.rows.map((r) => [r.date, r.contract, r.traded ?? '', ...r.proba.map((x) => x.toFixed(4)), outcome(r.label), r.nextTicks === null ? '' : r.nextTicks.toFixed(1)]);
      out.info(`model ${p.meta.name}/${p.meta.id} (${p.meta.spec.kind}, ${p.meta.data.product}) on ${p.backend}: ${p.rows.length} dates; ${p.dropped}`);
      out.result(table(head, rows));
      if (args.csv) {
        writeFileSync(args.csv, `${[head, ...rows].map((r) => r.join(',')).join('\n')}\n`);
        out.info(`written to ${args.csv}`);
      }
    });
  },
};
