// bft signal: tomorrow's call for each product of the desk's config, made from the evening's bars,
// kept in the signals table; bft signal history: the live track record read back from it.
// The desk's options and printing, shared with bft daily, are ../desk.ts's.

import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { PRODUCTS, type Product } from '../../market/specs.js';
import type { History } from '../../signals/history.js';
import { toCsv } from '../csv.js';
import { failIfIncomplete, printEvening, signalsCsv, withDeskOptions, type DeskArgs } from '../desk.js';
import { dateOption, outputFileOption } from '../options.js';
import { table, type Output } from '../output.js';
import { withExistingStore, withJsonOption, withStoreOptions, withStoreToRead, type JsonArgs, type StoreArgs } from './common.js';

interface SignalArgs extends DeskArgs {
  asof?: string | undefined;
}

interface HistoryArgs extends StoreArgs, JsonArgs {
  product?: Product | undefined;
  from?: string | undefined;
  to?: string | undefined;
  csv?: string | undefined;
}

const historyCommand: CommandModule<object, HistoryArgs> = {
  command: 'history',
  describe: 'the signals kept so far (the standing revision of each evening) with the moves that followed: hit rate and P&L, apart from any backtest',
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), 'the rows and each product\'s track record')
      .option('product', { choices: PRODUCTS, describe: 'one product (default: all)' })
      .option('from', { type: 'string', describe: 'first evening (YYYY-MM-DD)' })
      .option('to', { type: 'string', describe: 'last evening (YYYY-MM-DD)' })
      .option('csv', { type: 'string', describe: 'also write the rows to this CSV file (its folder must exist)' })
      .coerce('from', dateOption('from'))
      .coerce('to', dateOption('to'))
      .coerce('csv', outputFileOption('csv')) as unknown as Argv<HistoryArgs>,
  handler: async (args) => {
    const { signalHistory } = await import('../../signals/history.js');
    await withStoreToRead(args, async (store, out) => {
      const h = await signalHistory(store, { product: args.product, from: args.from, to: args.to });
      printHistory(out, h);
      out.document(h);
      if (args.csv) {
        writeFileSync(args.csv, historyCsv(h));
        out.info(`written to ${args.csv}`);
      }
    });
  },
};

export const signalCommand: CommandModule<object, SignalArgs> = {
  command: 'signal',
  describe: "each product's call for the next trading day, from the evening's bars, sized for the desk's risk budget and kept in the store (signal history: the track record)",
  builder: (y: Argv) =>
    withDeskOptions(y, 'every product\'s signal, retraining and where it was kept')
      .command(historyCommand)
      .option('asof', { type: 'string', describe: 'the evening (YYYY-MM-DD; default: each product\'s newest daily bar); nothing after it is read' })
      .coerce('asof', dateOption('asof')) as unknown as Argv<SignalArgs>,
  handler: async (args) => {
    // tfjs loads only for the commands that use it
    const { readDeskConfig } = await import('../../signals/config.js');
    const { runEvening } = await import('../../signals/desk.js');
    const desk = readDeskConfig(args.config);
    await withExistingStore(args, async (store, out) => {
      const evening = await runEvening(store, desk, { products: args.product, asOf: args.asof, retrain: args.retrain, log: (l) => out.info(l) });
      printEvening(out, evening);
      out.document({ config: desk.path, products: evening });
      if (args.csv) {
        writeFileSync(args.csv, signalsCsv(evening));
        out.info(`written to ${args.csv}`);
      }
      failIfIncomplete(evening);
    });
  },
};

function printHistory(out: Output, h: History): void {
  if (h.rows.length === 0) {
    out.result('no signals kept yet (bft signal makes them)');
    return;
  }
  const n = (x: number | null, d = 1): string => (x === null ? '' : x.toFixed(d));
  out.result(
    table(
      ['product', 'as of', 'for', 'contract', 'P(up)', 'side', 'contracts', 'move ticks', 'hit', 'P&L ticks', 'P&L CNY', 'revision', 'model'],
      h.rows.map((r) => [r.product, r.asOf, r.forDate, r.contract, r.pUp.toFixed(4), r.direction, String(r.contracts), n(r.moveTicks), r.hit === null ? '' : r.hit ? 'yes' : 'no', n(r.pnlTicks), n(r.pnlCny, 0), String(r.revision), r.modelId]),
    ),
  );
  out.result('');
  out.result('live track record (signals as kept, before costs; the walk-forward backtest is reported apart):');
  out.result(
    table(
      ['product', 'signals', 'scored', 'hit rate', 'P&L ticks / contract', 'P&L CNY'],
      h.record.map((r) => [r.product, String(r.signals), String(r.scored), r.hitRate === null ? '-' : r.hitRate.toFixed(3), r.pnlTicks.toFixed(1), r.pnlCny.toFixed(0)]),
    ),
  );
}

const HISTORY_CSV = ['product', 'as_of', 'for_date', 'contract', 'p_up', 'direction', 'contracts', 'move_ticks', 'hit', 'pnl_ticks', 'pnl_cny', 'revision', 'model_id'];

function historyCsv(h: History): string {
  return toCsv(
    HISTORY_CSV,
    h.rows.map((r) => [r.product, r.asOf, r.forDate, r.contract, r.pUp, r.direction, r.contracts, r.moveTicks, r.hit === null ? null : r.hit ? 1 : 0, r.pnlTicks, r.pnlCny, r.revision, r.modelId]),
  );
}
