// bft predict: a saved model's predictions for a date range, as a table, a CSV file or JSON.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { PredictionRow } from '../../timing/index.js';
import { BACKEND_NAMES, type BackendName } from '../../models/backend-names.js';
import { toCsv } from '../csv.js';
import { table } from '../output.js';
import { dateOption, outputFileOption } from '../options.js';
import { DEFAULT_MODELS_DIR, withJsonOption, withStoreOptions, withStoreToRead, type JsonArgs, type StoreArgs } from './common.js';

interface PredictArgs extends StoreArgs, JsonArgs {
  model: string;
  from?: string | undefined;
  to?: string | undefined;
  backend?: BackendName | undefined;
  models: string;
  csv?: string | undefined;
}

/** One date's prediction under the column names the table, the CSV and the JSON rows share. */
type PredictionRecord = Readonly<Record<string, string | number | null>>;

function predictionRecord(r: PredictionRow, probaColumns: readonly string[]): PredictionRecord {
  const three = probaColumns.length === 3;
  const outcome = r.label === null ? null : three ? (['down', 'flat', 'up'][r.label] ?? null) : r.label === 1 ? 'up' : 'down';
  return { date: r.date, contract: r.contract, traded: r.traded, ...Object.fromEntries(probaColumns.map((c, i) => [c, r.proba[i] ?? null])), outcome, next_ticks: r.nextTicks };
}

/** A cell of the table and the CSV: probabilities to 4 places, ticks to 1, nothing for unknown. */
function shownCell(column: string, v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  return v.toFixed(column === 'next_ticks' ? 1 : 4);
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict',
  describe: "a saved model's next-day probabilities for each date (the newest date has no outcome yet)",
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), 'the model, its product and backend, and a row per date with full-precision probabilities')
      .option('model', { type: 'string', demandOption: true, describe: 'model folder, id, or name (its newest id) under --models' })
      .option('from', { type: 'string', describe: 'first date (YYYY-MM-DD)' })
      .option('to', { type: 'string', describe: 'last date (YYYY-MM-DD)' })
      .option('backend', { choices: BACKEND_NAMES, describe: 'tfjs backend (default: the one the model was trained on)' })
      .option('models', { type: 'string', default: DEFAULT_MODELS_DIR, describe: 'folder that holds model folders' })
      .option('csv', { type: 'string', describe: 'also write the table to this CSV file (RFC 4180: header row, quoted fields, CRLF; its folder must exist)' })
      .coerce('from', dateOption('from'))
      .coerce('to', dateOption('to'))
      .coerce('csv', outputFileOption('csv')) as unknown as Argv<PredictArgs>,
  handler: async (args) => {
    // tfjs loads only for the commands that use it
    const { predictWithModel, resolveModelDir } = await import('../../timing/index.js');
    const dir = resolveModelDir(resolve(args.models), args.model);
    await withStoreToRead(args, async (store, out) => {
      const p = await predictWithModel({ store, modelDir: dir, from: args.from, to: args.to, backend: args.backend, log: (l) => out.info(l) });
      const probaColumns = p.meta.data.classes === 3 ? ['p_down', 'p_flat', 'p_up'] : ['p_up'];
      const head = ['date', 'contract', 'traded', ...probaColumns, 'outcome', 'next_ticks'];
      const records = p.rows.map((r) => predictionRecord(r, probaColumns));
      const cells = records.map((rec) => head.map((c) => shownCell(c, rec[c] ?? null)));
      out.info(`model ${p.meta.name}/${p.meta.id} (${p.meta.spec.kind}, ${p.meta.data.product}) on ${p.backend}: ${p.rows.length} dates; ${p.dropped}`);
      out.result(table(head, cells));
      const csv = args.csv === undefined ? null : resolve(args.csv);
      if (csv !== null) {
        writeFileSync(csv, toCsv(head, cells));
        out.info(`written to ${args.csv}`);
      }
      out.document({
        model: `${p.meta.name}/${p.meta.id}`,
        dir,
        product: p.meta.data.product,
        kind: p.meta.spec.kind,
        classes: p.meta.data.classes,
        backend: p.backend,
        from: records[0]?.['date'] ?? null,
        to: records.at(-1)?.['date'] ?? null,
        dates: records.length,
        dropped: p.dropped,
        csv,
        rows: records,
      });
    });
  },
};
