// bft signal: tomorrow's call for each product of the desk's config, made from the evening's bars,
// kept in the signals table; bft signal history: the live track record read back from it.

import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { BftError } from '../../errors.js';
import { PRODUCTS, type Product } from '../../market/specs.js';
import type { DeskSignal } from '../../signals/compute.js';
import type { ProductEvening } from '../../signals/desk.js';
import type { History } from '../../signals/history.js';
import { toCsv, type CsvCell } from '../csv.js';
import { dateOption, outputFileOption } from '../options.js';
import { table, type Output } from '../output.js';
import { withExistingStore, withJsonOption, withStoreOptions, withStoreToRead, type JsonArgs, type StoreArgs } from './common.js';

export const DEFAULT_DESK_CONFIG = 'signals/desk.json';

/** The options bft signal and bft daily share: which desk, which products, retraining, a CSV. */
export interface DeskArgs extends StoreArgs, JsonArgs {
  config: string;
  product?: Product[] | undefined;
  retrain: 'auto' | 'always' | 'never';
  csv?: string | undefined;
}

interface SignalArgs extends DeskArgs {
  asof?: string | undefined;
}

export function withDeskOptions<T>(y: Argv<T>, json: string): Argv<T & DeskArgs> {
  return withJsonOption(withStoreOptions(y), json)
    .option('config', { type: 'string', default: DEFAULT_DESK_CONFIG, describe: 'the desk\'s production config: per product its experiment, training window and retrain schedule' })
    .option('product', { type: 'array', choices: PRODUCTS, describe: 'products to signal (default: every product of the config)' })
    .option('retrain', { choices: ['auto', 'always', 'never'] as const, default: 'auto' as const, describe: 'auto: when the config\'s schedule says; always; never: the newest model there is (one the schedule calls stale then exits 5)' })
    .option('csv', { type: 'string', describe: 'also write the signals to this CSV file, one row per product (its folder must exist)' })
    .coerce('csv', outputFileOption('csv')) as unknown as Argv<T & DeskArgs>;
}

interface HistoryArgs extends StoreArgs, JsonArgs {
  product?: Product | undefined;
  from?: string | undefined;
  to?: string | undefined;
  csv?: string | undefined;
}

const signed = (x: number, digits = 3): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

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

/** Exit 4 when a product got no signal, else 5 when one came from a stale model; one line either way. */
export function failIfIncomplete(evening: readonly ProductEvening[]): void {
  const missing = evening.filter((e) => e.error !== null);
  if (missing.length > 0) throw new BftError('signal_missing', `no signal for ${missing.map((e) => e.product).join(', ')}: ${missing.map((e) => e.error).join('; ')}`);
  const stale = evening.filter((e) => e.stale !== null);
  if (stale.length > 0) throw new BftError('stale_model', `stale model for ${stale.map((e) => e.product).join(', ')}: ${stale.map((e) => e.stale).join('; ')} (retraining was left out)`);
}

export function printEvening(out: Output, evening: readonly ProductEvening[]): void {
  const made = evening.filter((e) => e.signal !== null);
  for (const e of evening) {
    if (e.retrain.trained) out.info(`${e.product}: trained ${e.retrain.trained} (${e.retrain.reason})`);
    for (const w of e.signal?.warnings ?? []) out.warn(`${e.product}: ${w}`);
  }
  if (made.length === 0) return;
  const s = (e: ProductEvening): DeskSignal => e.signal!;
  out.result(
    table(
      ['product', 'as of', 'for', 'contract', 'P(up)', 'side', 'confidence', 'blend', 'contracts', 'risk/contract CNY', 'model', 'trained on', 'kept'],
      made.map((e) => [
        e.product, s(e).asOf, s(e).forDate, s(e).contract, s(e).pUp.toFixed(4), s(e).direction, s(e).confidence.toFixed(3), signed(s(e).combination.value),
        String(s(e).position.contracts), s(e).position.riskPerContractCny.toFixed(0), `${s(e).model.name}/${s(e).model.id}`, `${s(e).model.trainedFrom}..${s(e).model.trainedThrough}`,
        `${e.recorded!.action} (revision ${e.recorded!.revision})`,
      ]),
    ),
  );
  out.result('');
  // The first part is each product's own model (named in the table above), the rest the factors.
  const names = ['model', ...s(made[0]!).combination.parts.slice(1).map((p) => p.name)];
  out.result('contributions to the blend (weight x view; they add up to the blend, whose sign is the side):');
  out.result(table(['product', ...names, 'blend'], made.map((e) => [e.product, ...s(e).combination.parts.map((p) => signed(p.contribution)), signed(s(e).combination.value)])));
  for (const e of made) if (e.recorded!.action === 'revised') out.result(`${e.product}: revision ${e.recorded!.revision}: ${e.recorded!.reason}`);
}

const SIGNAL_CSV = ['product', 'as_of', 'for_date', 'contract', 'minute_contract', 'p_up', 'direction', 'confidence', 'blend', 'contracts', 'budget_cny', 'risk_per_contract_cny', 'model', 'trained_through', 'revision', 'warnings'];

export function signalsCsv(evening: readonly ProductEvening[]): string {
  const rows: CsvCell[][] = evening
    .filter((e) => e.signal !== null)
    .map((e) => {
      const s = e.signal!;
      return [s.product, s.asOf, s.forDate, s.contract, s.minuteContract, s.pUp, s.direction, s.confidence, s.combination.value, s.position.contracts, s.position.budgetCny, s.position.riskPerContractCny, `${s.model.name}/${s.model.id}`, s.model.trainedThrough, e.recorded!.revision, s.warnings.join('; ')];
    });
  return toCsv(SIGNAL_CSV, rows);
}

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
